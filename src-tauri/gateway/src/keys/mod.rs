//! Provider credentials: the OS keychain, the [`Secret`] type, and the redactor.

pub mod redact;
mod secret;

pub use secret::Secret;
