//! Builds the Tauri context. Hearth's own IPC commands are listed here so that each one gets an
//! `allow-*` permission and the window's capability can grant exactly the ones the UI uses.

/// Every IPC command of the app (the one list, shared with the desktop module).
const COMMANDS: &[&str] = include!("src/desktop/command_names.rs");

fn main() {
    println!("cargo:rerun-if-changed=src/desktop/command_names.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("failed to build the Tauri context");
}
