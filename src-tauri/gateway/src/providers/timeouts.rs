//! [`Timeouts`]: how long a model call may stay silent. Connecting is bounded by the HTTP
//! client ([`super::CONNECT_TIMEOUT`]); the first decoded event by [`Timeouts::first_token`]
//! (enforced by [`super::ResilientProvider`]); each gap between two body chunks by
//! [`Timeouts::idle`] (enforced on the byte stream, so keep-alive pings count as life).

use std::time::Duration;

/// Time limits for one streamed model call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From sending the request to the first decoded event (reasoning models think first).
    pub first_token: Duration,
    /// The longest silence between two chunks of the answer.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            first_token: Duration::from_secs(180),
            idle: Duration::from_secs(120),
        }
    }
}
