//! `hearth-gateway`: the core of Hearth, with no GUI dependency.
//!
//! Both shells — the Tauri desktop app and the headless `hearth serve` / CLI — hold a
//! [`Gateway`] and drive it; the gateway never knows which shell drives it. See
//! `ARCHITECTURE.md` at the repository root for the map and the invariants.

pub mod agent;
pub mod audit;
pub mod config;
pub mod config_audit;
pub mod conversation;
pub mod events;
pub mod keys;
pub mod logging;
pub mod mcp;
pub mod paths;
pub mod policy;
pub mod providers;
pub mod server;
pub mod store;
pub mod tools;

mod gateway;
#[cfg(all(test, unix))]
mod test_child;

pub use gateway::{Gateway, GatewayError};

/// Hearth's version, shared by the CLI, the window and `/health`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
