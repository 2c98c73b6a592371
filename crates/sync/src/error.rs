use ispdesk_domain::sync::ApiError;

/// How a conversation with the platform failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// No answer: no network, DNS, refused connection, timeout. Retried with backoff.
    #[error("the platform cannot be reached: {0}")]
    Offline(String),
    /// The platform answered 5xx. Retried with backoff.
    #[error("the platform failed: {0}")]
    Server(String),
    /// The platform refused the request with a reason (4xx): retried only after the
    /// owner acts (or after a long wait).
    #[error("the platform refused: {} ({:?})", .0.message, .0.code)]
    Refused(ApiError),
    /// An answer that does not follow the protocol.
    #[error("unexpected answer from the platform: {0}")]
    Protocol(String),
    #[error(transparent)]
    Core(#[from] ispdesk_core::Error),
}
