//! Joins the chunks a stream has ready at once into one, so a burst of SSE frames goes to the
//! client in one write instead of one write (and one wake-up of the client) per frame.
//!
//! Why it is needed: hyper's client hands the upstream body over one frame at a time, each
//! through its connection task, and hyper's server flushes the socket every time the response
//! body is not ready. Passed straight through, six frames that arrived from the upstream in
//! one read went out in six `writev`s. [`Coalesce`] instead lets the other tasks run a few
//! times ([`PATIENCE`]) before it gives up on more data (in-process yields, no system call): if
//! a frame arrived meanwhile it keeps gathering, and it sends what it has once the source is
//! really waiting. A slow stream (a model producing tokens) costs a few scheduler turns per
//! chunk.
//! The first chunk is the exception: it goes as soon as something is there, so the time to
//! first byte does not wait for the rest of a burst.

use bytes::{Bytes, BytesMut};
use futures::Stream;
use std::pin::Pin;
use std::task::{Context, Poll};

/// How many times in a row [`Coalesce`] lets the other tasks run, while the source has
/// nothing, before it sends what it gathered. hyper's client needs about two turns to hand
/// over its next frame.
pub const PATIENCE: u8 = 8;

/// Largest chunk [`Coalesce`] builds before sending it even if more is ready.
pub const MAX_CHUNK: usize = 64 * 1024;

/// A stream of byte chunks, each gathering everything its source had ready (see the module
/// docs).
pub struct Coalesce<S> {
    source: S,
    buffer: BytesMut,
    /// Times the source was pending since the last chunk it gave.
    yielded: u8,
    ended: bool,
    /// A chunk was sent: from now on, gather before sending.
    started: bool,
}

impl<S> Coalesce<S> {
    /// Coalesces the chunks of `source`.
    pub fn new(source: S) -> Self {
        Coalesce {
            source,
            buffer: BytesMut::new(),
            yielded: 0,
            ended: false,
            started: false,
        }
    }

    fn take(&mut self) -> Poll<Option<Bytes>> {
        self.yielded = 0;
        self.started = true;
        Poll::Ready(Some(self.buffer.split().freeze()))
    }
}

impl<S: Stream<Item = Bytes> + Unpin> Stream for Coalesce<S> {
    type Item = Bytes;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        let this = self.get_mut();
        loop {
            if this.ended {
                return if this.buffer.is_empty() {
                    Poll::Ready(None)
                } else {
                    this.take()
                };
            }
            match Pin::new(&mut this.source).poll_next(cx) {
                Poll::Ready(Some(chunk)) => {
                    this.buffer.extend_from_slice(&chunk);
                    this.yielded = 0;
                    if this.buffer.len() >= MAX_CHUNK {
                        return this.take();
                    }
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending if this.buffer.is_empty() => return Poll::Pending,
                Poll::Pending if this.yielded < PATIENCE && this.started => {
                    // Let the tasks feeding the source run before sending.
                    this.yielded += 1;
                    cx.waker().wake_by_ref();
                    return Poll::Pending;
                }
                Poll::Pending => return this.take(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::time::Duration;

    #[tokio::test]
    async fn after_the_first_chunk_chunks_fed_one_at_a_time_come_out_as_one() {
        // Like hyper's client body: a channel that holds one chunk, fed by another task.
        let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(1);
        tokio::spawn(async move {
            for part in ["a", "b", "c", "d", "e"] {
                sender.send(Bytes::from(part)).await.unwrap();
            }
        });
        let source = tokio_stream_from(receiver);
        let chunks: Vec<Bytes> = Coalesce::new(source).collect().await;
        assert_eq!(chunks, vec![Bytes::from("a"), Bytes::from("bcde")]);
    }

    #[tokio::test]
    async fn a_source_that_really_waits_gets_its_chunk_sent_first() {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(1);
        tokio::spawn(async move {
            sender.send(Bytes::from("first")).await.unwrap();
            tokio::time::sleep(Duration::from_millis(50)).await;
            sender.send(Bytes::from("second")).await.unwrap();
        });
        let mut stream = Coalesce::new(tokio_stream_from(receiver));
        let first = tokio::time::timeout(Duration::from_millis(40), stream.next())
            .await
            .expect("the first chunk is sent without waiting for the next");
        assert_eq!(first, Some(Bytes::from("first")));
        assert_eq!(stream.next().await, Some(Bytes::from("second")));
        assert_eq!(stream.next().await, None);
    }

    #[tokio::test]
    async fn a_long_burst_is_cut_at_the_chunk_limit() {
        let part = Bytes::from(vec![b'x'; MAX_CHUNK / 2 + 1]);
        let source = futures::stream::iter(vec![part.clone(), part.clone(), part]);
        let sizes: Vec<usize> = Coalesce::new(source).map(|c| c.len()).collect().await;
        assert_eq!(sizes, vec![MAX_CHUNK + 2, MAX_CHUNK / 2 + 1]);
    }

    #[tokio::test]
    async fn an_empty_source_ends_with_no_chunk() {
        let chunks: Vec<Bytes> = Coalesce::new(futures::stream::empty::<Bytes>())
            .collect()
            .await;
        assert!(chunks.is_empty());
    }

    fn tokio_stream_from(
        mut receiver: tokio::sync::mpsc::Receiver<Bytes>,
    ) -> impl Stream<Item = Bytes> + Unpin {
        Box::pin(futures::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
    }
}
