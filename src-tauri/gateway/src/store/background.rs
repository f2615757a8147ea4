//! The store's own threads (the writer, the checkpointer) do batch work nobody waits on at
//! once: group commits, streamed-text flushes, WAL checkpoints. On Linux they run in the
//! `SCHED_BATCH` class, so a thread that a request is waiting on (the local API, the UI) is
//! not kept off a core for a whole time slice by a commit of a large group.

/// Marks the calling thread as batch work (Linux; elsewhere nothing). A failure is ignored:
/// the thread then keeps the normal class.
pub(super) fn mark_batch_thread() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `pthread_self` is the calling thread; `param` is a valid, initialised
        // struct that outlives the call.
        let result =
            unsafe { libc::pthread_setschedparam(libc::pthread_self(), libc::SCHED_BATCH, &param) };
        if result != 0 {
            tracing::debug!(result, "the store thread keeps the normal scheduling class");
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_thread_is_in_the_batch_class() {
        std::thread::spawn(|| {
            super::mark_batch_thread();
            // SAFETY: querying the calling thread's own policy.
            let policy = unsafe { libc::sched_getscheduler(0) };
            assert_eq!(policy, libc::SCHED_BATCH);
        })
        .join()
        .unwrap();
    }
}
