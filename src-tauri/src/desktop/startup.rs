//! Start-up timing: the time from launch to the UI's first request to the core. The window
//! renders its first frame, React mounts, and its first effect asks for `app_info` — so this is
//! the time until the user sees a working window. `make bench` measures it on a release build
//! (`HEARTH_BENCH_FIRST_FRAME=1` prints it and quits).

use std::sync::OnceLock;
use std::time::Instant;

static LAUNCHED: OnceLock<Instant> = OnceLock::new();
static FIRST_CALL: OnceLock<u128> = OnceLock::new();

/// Notes the launch time (call first thing in the desktop start-up).
pub fn mark_launch() {
    LAUNCHED.get_or_init(Instant::now);
}

/// Notes the UI's first call; logs the start-up time once, and in bench mode prints it and quits.
pub fn mark_first_ui_call(app: &tauri::AppHandle) {
    let Some(launched) = LAUNCHED.get() else {
        return;
    };
    let mut first = false;
    let ms = *FIRST_CALL.get_or_init(|| {
        first = true;
        launched.elapsed().as_millis()
    });
    if !first {
        return;
    }
    tracing::info!(
        ms,
        "first frame: the window is up and its UI talks to the core"
    );
    if std::env::var_os("HEARTH_BENCH_FIRST_FRAME").is_some() {
        println!("first-frame-ms {ms}");
        app.exit(0);
    }
}
