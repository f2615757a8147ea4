//! The `hearth` binary: `hearth` alone opens the desktop app; subcommands run headless.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod cli;
mod desktop;

fn main() -> std::process::ExitCode {
    cli::main()
}
