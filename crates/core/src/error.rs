//! What can go wrong in the core, and how it reaches the UI.
//!
//! [`Error`] is the core's own error. [`AppError`] is what crosses to the UI: a small
//! [`ErrorCode`] the UI switches on and translates (`errors.<code>` in the translation
//! files), the per-field validation errors, parameters for the message, and an English
//! `message` for logs. Database details never reach the user verbatim.

use ispdesk_domain::{FieldError, Permission};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why the local database could not be opened. Each of these shows the error screen; none
/// of them ever leads to a new, empty database in place of the ISP's books.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the database at {path} is locked by another program")]
    Locked { path: PathBuf },
    #[error("the file at {path} is not a readable ispdesk database: {detail}")]
    Corrupt { path: PathBuf, detail: String },
    #[error(
        "the database at {path} was written by a newer ispdesk (schema version {found}, this app knows up to {supported})"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("the database at {path} cannot be opened: {detail}")]
    Unavailable { path: PathBuf, detail: String },
    #[error("upgrading the database at {path} failed and nothing was changed: {detail}")]
    MigrationFailed { path: PathBuf, detail: String },
}

impl OpenError {
    pub fn path(&self) -> &PathBuf {
        match self {
            OpenError::Locked { path }
            | OpenError::Corrupt { path, .. }
            | OpenError::TooNew { path, .. }
            | OpenError::Unavailable { path, .. }
            | OpenError::MigrationFailed { path, .. } => path,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("some fields are not valid: {0:?}")]
    Validation(Vec<FieldError>),
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("too many failed sign-ins; try again in {retry_after_secs} s")]
    LoginThrottled { retry_after_secs: u64 },
    #[error("this account is disabled")]
    AccountDisabled,
    #[error("not signed in")]
    NotSignedIn,
    #[error("this role may not {0:?}")]
    Forbidden(Permission),
    #[error("only an owner may change an owner's account or make someone owner")]
    OwnerOnly,
    #[error("you cannot disable or change the role of your own account")]
    OwnAccount,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("still used by {count} {entity}")]
    InUse { entity: &'static str, count: u64 },
    #[error("the customer's service has expired: renew it instead")]
    RenewRequired,
    #[error("the customer has {count} unpaid invoices")]
    UnpaidInvoices { count: u64 },
    #[error("the customer has invoices; keeping their history, set them inactive instead")]
    HasInvoiceHistory,
    #[error("the saved secrets were sealed with a key this computer does not have")]
    SecretsUnavailable,
    #[error("the file cannot be imported: {0:?}")]
    ImportInvalid(Vec<FieldError>),
    #[error("the platform cannot be reached: {0}")]
    PlatformUnreachable(String),
    #[error("the pairing code is wrong, used or expired")]
    InvalidPairingCode,
    #[error("the platform refused: {code}: {message}")]
    PlatformRefused { code: String, message: String },
    #[error("the first-run setup has already been completed")]
    SetupAlreadyDone,
    #[error("no backup folder has been chosen")]
    BackupFolderNotSet,
    #[error("not a usable backup: {0}")]
    BackupInvalid(String),
    #[error("backup failed: {0}")]
    BackupFailed(String),
    #[error(transparent)]
    Open(#[from] OpenError),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Error::Validation(errors)
    }
}

impl From<Vec<FieldError>> for Error {
    fn from(errors: Vec<FieldError>) -> Self {
        Error::Validation(errors)
    }
}

/// The codes the UI switches on. Every code has a message in both translation files
/// (checked by a test).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Validation,
    InvalidCredentials,
    LoginThrottled,
    AccountDisabled,
    NotSignedIn,
    Forbidden,
    OwnerOnly,
    OwnAccount,
    NotFound,
    InUse,
    RenewRequired,
    UnpaidInvoices,
    HasInvoiceHistory,
    SecretsUnavailable,
    ImportInvalid,
    PlatformUnreachable,
    InvalidPairingCode,
    PlatformRefused,
    SetupAlreadyDone,
    DatabaseLocked,
    DatabaseCorrupt,
    DatabaseTooNew,
    DatabaseUnavailable,
    BackupFolderNotSet,
    BackupInvalid,
    BackupFailed,
    Internal,
    // Live routers (issue #5), reported by `ispdesk-routers`.
    RouterUnreachable,
    RouterTimeout,
    RouterLoginFailed,
    RouterCertificateUnconfirmed,
    RouterCertificateChanged,
    RouterTlsFailed,
    RouterRefused,
    RouterConnectionLost,
    RouterNotConfigured,
    RouterNotApiMode,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 37] = [
        ErrorCode::Validation,
        ErrorCode::InvalidCredentials,
        ErrorCode::LoginThrottled,
        ErrorCode::AccountDisabled,
        ErrorCode::NotSignedIn,
        ErrorCode::Forbidden,
        ErrorCode::OwnerOnly,
        ErrorCode::OwnAccount,
        ErrorCode::NotFound,
        ErrorCode::InUse,
        ErrorCode::RenewRequired,
        ErrorCode::UnpaidInvoices,
        ErrorCode::HasInvoiceHistory,
        ErrorCode::SecretsUnavailable,
        ErrorCode::ImportInvalid,
        ErrorCode::PlatformUnreachable,
        ErrorCode::InvalidPairingCode,
        ErrorCode::PlatformRefused,
        ErrorCode::SetupAlreadyDone,
        ErrorCode::DatabaseLocked,
        ErrorCode::DatabaseCorrupt,
        ErrorCode::DatabaseTooNew,
        ErrorCode::DatabaseUnavailable,
        ErrorCode::BackupFolderNotSet,
        ErrorCode::BackupInvalid,
        ErrorCode::BackupFailed,
        ErrorCode::Internal,
        ErrorCode::RouterUnreachable,
        ErrorCode::RouterTimeout,
        ErrorCode::RouterLoginFailed,
        ErrorCode::RouterCertificateUnconfirmed,
        ErrorCode::RouterCertificateChanged,
        ErrorCode::RouterTlsFailed,
        ErrorCode::RouterRefused,
        ErrorCode::RouterConnectionLost,
        ErrorCode::RouterNotConfigured,
        ErrorCode::RouterNotApiMode,
    ];
}

/// An error as the UI receives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AppError {
    pub code: ErrorCode,
    /// English, for logs and bug reports; the UI shows its own translation of `code`.
    pub message: String,
    pub fields: Vec<FieldError>,
    pub params: BTreeMap<String, String>,
}

impl AppError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Vec::new(),
            params: BTreeMap::new(),
        }
    }

    fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }
}

impl From<&OpenError> for AppError {
    fn from(e: &OpenError) -> Self {
        let code = match e {
            OpenError::Locked { .. } => ErrorCode::DatabaseLocked,
            OpenError::Corrupt { .. } => ErrorCode::DatabaseCorrupt,
            OpenError::TooNew { .. } => ErrorCode::DatabaseTooNew,
            OpenError::Unavailable { .. } | OpenError::MigrationFailed { .. } => {
                ErrorCode::DatabaseUnavailable
            }
        };
        let app = AppError::new(code, e.to_string()).with("path", e.path().display());
        match e {
            OpenError::TooNew {
                found, supported, ..
            } => app.with("found", found).with("supported", supported),
            OpenError::Corrupt { detail, .. }
            | OpenError::Unavailable { detail, .. }
            | OpenError::MigrationFailed { detail, .. } => app.with("detail", detail),
            OpenError::Locked { .. } => app,
        }
    }
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        match e {
            Error::Validation(fields) => AppError {
                fields,
                ..AppError::new(ErrorCode::Validation, message)
            },
            Error::InvalidCredentials => AppError::new(ErrorCode::InvalidCredentials, message),
            Error::LoginThrottled { retry_after_secs } => {
                AppError::new(ErrorCode::LoginThrottled, message).with("seconds", retry_after_secs)
            }
            Error::AccountDisabled => AppError::new(ErrorCode::AccountDisabled, message),
            Error::NotSignedIn => AppError::new(ErrorCode::NotSignedIn, message),
            Error::Forbidden(p) => {
                let name = serde_json::to_value(p)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                AppError::new(ErrorCode::Forbidden, message).with("permission", name)
            }
            Error::OwnerOnly => AppError::new(ErrorCode::OwnerOnly, message),
            Error::OwnAccount => AppError::new(ErrorCode::OwnAccount, message),
            Error::NotFound(what) => {
                AppError::new(ErrorCode::NotFound, message).with("entity", what)
            }
            Error::InUse { entity, count } => AppError::new(ErrorCode::InUse, message)
                .with("entity", entity)
                .with("count", count),
            Error::RenewRequired => AppError::new(ErrorCode::RenewRequired, message),
            Error::UnpaidInvoices { count } => {
                AppError::new(ErrorCode::UnpaidInvoices, message).with("count", count)
            }
            Error::HasInvoiceHistory => AppError::new(ErrorCode::HasInvoiceHistory, message),
            Error::SecretsUnavailable => AppError::new(ErrorCode::SecretsUnavailable, message),
            Error::ImportInvalid(fields) => AppError {
                fields,
                ..AppError::new(ErrorCode::ImportInvalid, message)
            },
            Error::PlatformUnreachable(detail) => {
                AppError::new(ErrorCode::PlatformUnreachable, message).with("detail", detail)
            }
            Error::InvalidPairingCode => AppError::new(ErrorCode::InvalidPairingCode, message),
            Error::PlatformRefused { code, message: why } => {
                AppError::new(ErrorCode::PlatformRefused, message)
                    .with("code", code)
                    .with("detail", why)
            }
            Error::SetupAlreadyDone => AppError::new(ErrorCode::SetupAlreadyDone, message),
            Error::BackupFolderNotSet => AppError::new(ErrorCode::BackupFolderNotSet, message),
            Error::BackupInvalid(reason) => {
                AppError::new(ErrorCode::BackupInvalid, message).with("reason", reason)
            }
            Error::BackupFailed(reason) => {
                AppError::new(ErrorCode::BackupFailed, message).with("reason", reason)
            }
            Error::Open(open) => AppError::from(&open),
            Error::Sqlite(ref sqlite) => match sqlite.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                    AppError::new(ErrorCode::DatabaseLocked, message)
                }
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
                    AppError::new(ErrorCode::DatabaseCorrupt, message)
                }
                Some(
                    rusqlite::ErrorCode::CannotOpen
                    | rusqlite::ErrorCode::ReadOnly
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::SystemIoFailure,
                ) => AppError::new(ErrorCode::DatabaseUnavailable, message),
                _ => AppError::new(ErrorCode::Internal, message),
            },
            Error::Internal(_) => AppError::new(ErrorCode::Internal, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttling_carries_the_seconds() {
        let app = AppError::from(Error::LoginThrottled {
            retry_after_secs: 27,
        });
        assert_eq!(app.code, ErrorCode::LoginThrottled);
        assert_eq!(app.params["seconds"], "27");
    }

    #[test]
    fn forbidden_names_the_permission() {
        let app = AppError::from(Error::Forbidden(Permission::ManageSettings));
        assert_eq!(app.code, ErrorCode::Forbidden);
        assert_eq!(app.params["permission"], "manage_settings");
    }

    #[test]
    fn all_lists_every_code() {
        let names: std::collections::BTreeSet<String> = ErrorCode::ALL
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
    }
}
