//! Start-up timing, from launch to two moments: the **first paint** (the window shows the app's
//! frame from `index.html`, reported by `ui/public/boot.js` before the app's script runs) and the
//! **first working frame** (React has mounted and its first effect asks the core for `app_info`:
//! the user sees a working window). `make bench` measures both on a release build
//! (`HEARTH_BENCH_FIRST_FRAME=1` prints them, with the time of each start-up stage, and quits).
//!
//! Work the first frame does not need waits for it ([`run_deferred_after`]): the tray icon, the
//! global shortcut and the quick-ask window (a second web view, hence a second web process) are created once the main
//! window is up — or after [`DEFERRED_AT_THE_LATEST`] if its UI never calls.

use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

static LAUNCHED: OnceLock<Instant> = OnceLock::new();
/// How long the process ran before [`mark_launch`] (loading the binary and its libraries, the
/// command line), when the bench passes its launch time (`HEARTH_BENCH_LAUNCH_NS`, ns since the
/// Unix epoch). Every reported time includes it.
static BEFORE_LAUNCH_MS: OnceLock<u128> = OnceLock::new();
static FIRST_CALL: OnceLock<u128> = OnceLock::new();
static FIRST_PAINT: OnceLock<u128> = OnceLock::new();
static STAGES: Mutex<Vec<(&'static str, u128)>> = Mutex::new(Vec::new());

/// Notes the launch time (call first thing in the desktop start-up).
pub fn mark_launch() {
    LAUNCHED.get_or_init(Instant::now);
    BEFORE_LAUNCH_MS.get_or_init(|| {
        let launched_ns: Option<u128> = std::env::var("HEARTH_BENCH_LAUNCH_NS")
            .ok()
            .and_then(|v| v.trim().parse().ok());
        let now_ns = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        launched_ns.map_or(0, |at| now_ns.saturating_sub(at) / 1_000_000)
    });
}

/// Milliseconds since the process started (as far as it is known).
fn elapsed_ms(launched: &Instant) -> u128 {
    BEFORE_LAUNCH_MS.get().copied().unwrap_or(0) + launched.elapsed().as_millis()
}

/// Notes that a start-up stage is done (kept for the bench's breakdown and the debug log).
pub fn mark(stage: &'static str) {
    let Some(launched) = LAUNCHED.get() else {
        return;
    };
    let ms = elapsed_ms(launched);
    tracing::debug!(stage, ms, "start-up stage");
    STAGES
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push((stage, ms));
}

/// Notes that the window painted its first frame (the app's frame from `index.html`, before the
/// app's script runs; reported by `ui/public/boot.js`). In bench mode it is printed.
pub fn mark_first_paint() {
    let Some(launched) = LAUNCHED.get() else {
        return;
    };
    let ms = elapsed_ms(launched);
    if FIRST_PAINT.set(ms).is_ok() {
        tracing::info!(ms, "first frame painted");
    }
}

/// Whether this run only measures start-up (`HEARTH_BENCH_FIRST_FRAME`).
pub fn bench_mode() -> bool {
    std::env::var_os("HEARTH_BENCH_FIRST_FRAME").is_some()
}

/// Notes the UI's first call; logs the start-up time once, and in bench mode prints it and quits.
/// Returns whether this was the first call.
pub fn mark_first_ui_call(app: &tauri::AppHandle) -> bool {
    let Some(launched) = LAUNCHED.get() else {
        return false;
    };
    let mut first = false;
    let ms = *FIRST_CALL.get_or_init(|| {
        first = true;
        elapsed_ms(launched)
    });
    if !first {
        return false;
    }
    tracing::info!(
        ms,
        "first frame: the window is up and its UI talks to the core"
    );
    if bench_mode() {
        println!(
            "stage process_started_to_main {}",
            BEFORE_LAUNCH_MS.get().copied().unwrap_or(0)
        );
        for (stage, at) in STAGES.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            println!("stage {stage} {at}");
        }
        if let Some(painted) = FIRST_PAINT.get() {
            println!("first-paint-ms {painted}");
        }
        println!("first-frame-ms {ms}");
        app.exit(0);
        return true;
    }
    run_deferred_after(app.clone(), AFTER_FIRST_FRAME);
    true
}

/// How long after the first frame the deferred start-up work begins (lets the main window finish
/// its first data loads first).
const AFTER_FIRST_FRAME: Duration = Duration::from_millis(300);

/// When the deferred start-up work runs even if the window's UI has not called yet.
pub const DEFERRED_AT_THE_LATEST: Duration = Duration::from_secs(3);

static DEFERRED_STARTED: OnceLock<()> = OnceLock::new();

/// Runs, once, `delay` from now, the start-up work the first frame does not wait for: the tray
/// icon, the global shortcut, then the (hidden) quick-ask window so that it opens instantly later (the global shortcut
/// creates it on demand before that).
pub fn run_deferred_after(app: tauri::AppHandle, delay: Duration) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(delay).await;
        // Once, and only while the app is running (never bring a window back while it quits).
        if DEFERRED_STARTED.set(()).is_err() || !super::windows::main_exists(&app) {
            return;
        }
        super::tray::install(&app);
        super::register_quick_ask_shortcut(&app);
        if let Err(error) = super::windows::quick_ask(&app) {
            tracing::warn!(%error, "cannot create the quick-ask window");
        }
    });
}
