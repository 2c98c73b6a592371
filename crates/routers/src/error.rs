//! What can go wrong with a live router, and how it reaches the UI.

use ispdesk_core::{AppError, ErrorCode};
use routeros_api::TrapCategory;
use std::collections::BTreeMap;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The core refused or failed (permissions, a missing record, the database).
    #[error(transparent)]
    Core(#[from] ispdesk_core::Error),
    /// The router has no API user name, or its address is a range the app cannot dial.
    #[error("the router has no API access set up")]
    NotConfigured,
    /// Provisioning is applied only to routers in `api` mode.
    #[error("the router is provisioned through RADIUS, not through its API")]
    NotApiMode,
    /// Talking to the router failed.
    #[error(transparent)]
    Router(#[from] routeros_api::Error),
}

impl Error {
    /// A failure reaching the router at all (rather than one it reported): the provisioning
    /// job waits and tries again later instead of giving up.
    pub fn is_connection(&self) -> bool {
        use routeros_api::Error as R;
        matches!(
            self,
            Error::Router(
                R::Unreachable { .. }
                    | R::ConnectionLost { .. }
                    | R::Timeout { .. }
                    | R::Fatal { .. }
                    | R::LoginFailed { .. }
                    | R::CertificateUnknown { .. }
                    | R::CertificateMismatch { .. }
                    | R::Tls { .. }
                    | R::Protocol { .. }
            ) | Error::NotConfigured
        )
    }

    /// Whether the router said there is no such item or command (trap category 0).
    pub fn is_missing(&self) -> bool {
        matches!(self, Error::Router(e) if e.is_trap(TrapCategory::MissingItemOrCommand))
    }
}

fn app(code: ErrorCode, message: String, params: &[(&str, String)]) -> AppError {
    AppError {
        code,
        message,
        fields: Vec::new(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        use routeros_api::Error as R;
        let message = e.to_string();
        match e {
            Error::Core(core) => AppError::from(core),
            Error::NotConfigured => app(ErrorCode::RouterNotConfigured, message, &[]),
            Error::NotApiMode => app(ErrorCode::RouterNotApiMode, message, &[]),
            Error::Router(r) => match r {
                R::Unreachable { address, .. } => app(
                    ErrorCode::RouterUnreachable,
                    message,
                    &[("address", address)],
                ),
                R::Timeout { after, .. } => app(
                    ErrorCode::RouterTimeout,
                    message,
                    &[("seconds", after.as_secs().max(1).to_string())],
                ),
                R::LoginFailed { .. } => app(ErrorCode::RouterLoginFailed, message, &[]),
                R::Trap {
                    command,
                    message: said,
                    ..
                } => app(
                    ErrorCode::RouterRefused,
                    message,
                    &[("command", command), ("detail", said)],
                ),
                R::ConnectionLost { .. } | R::Fatal { .. } | R::Protocol { .. } => {
                    app(ErrorCode::RouterConnectionLost, message, &[])
                }
                R::CertificateUnknown { fingerprint } => app(
                    ErrorCode::RouterCertificateUnconfirmed,
                    message,
                    &[("fingerprint", fingerprint.to_string())],
                ),
                R::CertificateMismatch { expected, actual } => app(
                    ErrorCode::RouterCertificateChanged,
                    message,
                    &[
                        ("expected", expected.to_string()),
                        ("actual", actual.to_string()),
                    ],
                ),
                R::Tls { .. } => app(ErrorCode::RouterTlsFailed, message, &[]),
            },
        }
    }
}
