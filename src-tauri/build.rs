//! Builds the Tauri context for the desktop app. Hearth's own IPC commands are listed here so
//! that each one gets an `allow-*` permission and the window's capability can grant exactly the
//! ones the UI uses. A headless build (without the `desktop` feature) has no Tauri context.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "desktop")]
    desktop::build();
}

#[cfg(feature = "desktop")]
mod desktop {
    /// Every IPC command of the app (the one list, shared with the desktop module).
    const COMMANDS: &[&str] = include!("src/desktop/command_names.rs");

    /// Generates the Tauri context, permissions and capabilities.
    pub fn build() {
        println!("cargo:rerun-if-changed=src/desktop/command_names.rs");
        tauri_build::try_build(
            tauri_build::Attributes::new()
                .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
        )
        .expect("failed to build the Tauri context");
    }
}
