use std::fmt;
use std::time::Duration;

use thiserror::Error;

use crate::codec::DecodeError;
use crate::tls::Fingerprint;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to a router.
#[derive(Debug, Error)]
pub enum Error {
    /// The TCP connection could not be opened (refused, no route, bad address).
    #[error("cannot reach the router at {address}: {source}")]
    Unreachable {
        address: String,
        #[source]
        source: std::io::Error,
    },
    /// An open connection broke: closed by the router, reset, or unreadable.
    #[error("the connection to the router was lost: {reason}")]
    ConnectionLost { reason: String },
    /// The router did not answer in time.
    #[error("the router did not answer {waiting_for} within {after:?}")]
    Timeout {
        waiting_for: String,
        after: Duration,
    },
    /// The router refused the user name or password.
    #[error("the router refused the login: {message}")]
    LoginFailed { message: String },
    /// The router refused a command (`!trap`).
    #[error("the router refused {command}: {message}{}", category.map(|c| format!(" ({c})")).unwrap_or_default())]
    Trap {
        command: String,
        /// RouterOS leaves the category out of some traps (duplicate names, for one).
        category: Option<TrapCategory>,
        message: String,
    },
    /// The router closed the session (`!fatal`); the connection is gone.
    #[error("the router ended the session: {reason}")]
    Fatal { reason: String },
    /// The router sent something the protocol does not allow.
    #[error("the router broke the API protocol: {detail}")]
    Protocol { detail: String },
    /// The TLS certificate is not pinned yet. Show the fingerprint to the user; once they
    /// confirm it, connect again with it pinned.
    #[error("the router's certificate is not trusted yet; its fingerprint is {fingerprint}")]
    CertificateUnknown { fingerprint: Fingerprint },
    /// The router presents a different certificate than the one pinned: it was replaced, or
    /// someone is in the middle.
    #[error("the router's certificate changed: expected {expected}, got {actual}")]
    CertificateMismatch {
        expected: Fingerprint,
        actual: Fingerprint,
    },
    /// The TLS handshake failed for a reason other than the certificate.
    #[error("TLS with the router failed: {detail}")]
    Tls { detail: String },
}

impl Error {
    pub(crate) fn protocol(detail: impl Into<String>) -> Self {
        Error::Protocol {
            detail: detail.into(),
        }
    }

    /// Whether this was a trap of the given category.
    pub fn is_trap(&self, wanted: TrapCategory) -> bool {
        matches!(self, Error::Trap { category: Some(c), .. } if *c == wanted)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Error::protocol(e.to_string())
    }
}

/// The `=category=` of a `!trap` (protocol-facts §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrapCategory {
    /// 0: no such item or command.
    MissingItemOrCommand,
    /// 1: a bad argument value.
    ArgumentValue,
    /// 2: the command was interrupted, usually by `/cancel`.
    Interrupted,
    /// 3: a script failed.
    Scripting,
    /// 4: general failure.
    General,
    /// 5: the API itself failed.
    Api,
    /// 6: a TTY failure.
    Tty,
    /// 7: a value produced by `:return`.
    ReturnValue,
    /// A category newer than this client.
    Unknown(u32),
}

impl TrapCategory {
    pub fn from_code(code: u32) -> Self {
        match code {
            0 => Self::MissingItemOrCommand,
            1 => Self::ArgumentValue,
            2 => Self::Interrupted,
            3 => Self::Scripting,
            4 => Self::General,
            5 => Self::Api,
            6 => Self::Tty,
            7 => Self::ReturnValue,
            other => Self::Unknown(other),
        }
    }

    pub fn code(self) -> u32 {
        match self {
            Self::MissingItemOrCommand => 0,
            Self::ArgumentValue => 1,
            Self::Interrupted => 2,
            Self::Scripting => 3,
            Self::General => 4,
            Self::Api => 5,
            Self::Tty => 6,
            Self::ReturnValue => 7,
            Self::Unknown(other) => other,
        }
    }
}

impl fmt::Display for TrapCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            Self::MissingItemOrCommand => "missing item or command",
            Self::ArgumentValue => "argument value failure",
            Self::Interrupted => "interrupted",
            Self::Scripting => "scripting failure",
            Self::General => "general failure",
            Self::Api => "API failure",
            Self::Tty => "TTY failure",
            Self::ReturnValue => "return value",
            Self::Unknown(_) => "unknown category",
        };
        write!(f, "category {}: {what}", self.code())
    }
}
