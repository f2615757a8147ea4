//! The `hearth` binary: `hearth` alone opens the desktop app; subcommands run headless.
//! Built without the `desktop` feature, the binary is headless only (same subcommands).

#![cfg_attr(
    all(not(debug_assertions), feature = "desktop"),
    windows_subsystem = "windows"
)]

mod cli;
#[cfg(feature = "desktop")]
mod desktop;

fn main() -> std::process::ExitCode {
    cli::main()
}
