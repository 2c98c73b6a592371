//! The one error type of the platform. Every handler returns it; [`IntoResponse`] turns it
//! into the `{ code, message, params }` body of `ispdesk_domain::sync::ApiError`.
//! Database failures are logged and answered with a generic 500; a unique violation is a
//! 409 naming the field.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ispdesk_domain::sync::{ApiError, ApiErrorCode};
use std::collections::BTreeMap;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the batch is malformed: {detail}")]
    MalformedBatch {
        detail: String,
        params: BTreeMap<String, String>,
    },
    #[error("the batch is larger than {limit}")]
    BatchTooLarge { limit: String },
    #[error("sign in first")]
    Unauthorized,
    #[error("this device's access was revoked")]
    TokenRevoked,
    #[error("this action needs a super admin")]
    Forbidden,
    #[error("the tenant is suspended")]
    TenantSuspended,
    #[error("the plan allows {limit} {resource}; this would make {would_be}")]
    PlanLimitReached {
        resource: &'static str,
        limit: i64,
        would_be: i64,
    },
    #[error("the pairing code is wrong, used or expired")]
    InvalidPairingCode,
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{field} is already taken")]
    Conflict { field: String },
    #[error("{field}: {message}")]
    Validation {
        field: &'static str,
        message: String,
    },
    #[error("database: {0}")]
    Database(tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn malformed(detail: impl Into<String>) -> Error {
        Error::MalformedBatch {
            detail: detail.into(),
            params: BTreeMap::new(),
        }
    }

    /// A malformed change, naming where it is in the batch.
    pub fn malformed_at(index: usize, table: &str, detail: impl Into<String>) -> Error {
        let detail = detail.into();
        Error::MalformedBatch {
            params: BTreeMap::from([
                ("index".to_owned(), index.to_string()),
                ("table".to_owned(), table.to_owned()),
                ("detail".to_owned(), detail.clone()),
            ]),
            detail: format!("change {index} ({table}): {detail}"),
        }
    }

    fn status_and_code(&self) -> (StatusCode, ApiErrorCode) {
        match self {
            Error::MalformedBatch { .. } => (StatusCode::BAD_REQUEST, ApiErrorCode::MalformedBatch),
            Error::BatchTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::BatchTooLarge)
            }
            Error::Unauthorized => (StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthorized),
            Error::TokenRevoked => (StatusCode::UNAUTHORIZED, ApiErrorCode::TokenRevoked),
            Error::Forbidden => (StatusCode::FORBIDDEN, ApiErrorCode::Unauthorized),
            Error::TenantSuspended => (StatusCode::FORBIDDEN, ApiErrorCode::TenantSuspended),
            Error::PlanLimitReached { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ApiErrorCode::PlanLimitReached,
            ),
            Error::InvalidPairingCode => {
                (StatusCode::BAD_REQUEST, ApiErrorCode::InvalidPairingCode)
            }
            Error::NotFound(_) => (StatusCode::NOT_FOUND, ApiErrorCode::NotFound),
            Error::Conflict { .. } => (StatusCode::CONFLICT, ApiErrorCode::Conflict),
            Error::Validation { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ApiErrorCode::Validation)
            }
            Error::Database(_) | Error::Pool(_) | Error::Internal(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal)
            }
        }
    }

    /// A database error as the API reports it: a unique violation is a conflict on the
    /// field its constraint guards; anything else stays a (logged) database error.
    pub fn from_db(e: tokio_postgres::Error) -> Error {
        if let Some(db) = e.as_db_error()
            && *db.code() == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
        {
            let field = match db.constraint() {
                Some("tenants_subdomain_key") => "subdomain",
                Some("nas_nasname_key") => "routers.address",
                Some("platform_users_username_key") => "username",
                Some(other) => other,
                None => "unknown",
            };
            return Error::Conflict {
                field: field.to_owned(),
            };
        }
        Error::Database(e)
    }

    /// The body the client sees.
    pub fn to_api_error(&self) -> ApiError {
        let (_, code) = self.status_and_code();
        let mut params = BTreeMap::new();
        let message = match self {
            Error::MalformedBatch { params: p, .. } => {
                params = p.clone();
                self.to_string()
            }
            Error::BatchTooLarge { limit } => {
                params.insert("limit".into(), limit.clone());
                self.to_string()
            }
            Error::PlanLimitReached {
                resource,
                limit,
                would_be,
            } => {
                params.insert("resource".into(), (*resource).to_owned());
                params.insert("limit".into(), limit.to_string());
                params.insert("would_be".into(), would_be.to_string());
                self.to_string()
            }
            Error::Conflict { field } => {
                params.insert("field".into(), field.clone());
                self.to_string()
            }
            Error::Validation { field, .. } => {
                params.insert("field".into(), (*field).to_owned());
                self.to_string()
            }
            Error::NotFound(what) => {
                params.insert("resource".into(), (*what).to_owned());
                self.to_string()
            }
            // Never the details: they may name tables, values or hosts.
            Error::Database(_) | Error::Pool(_) | Error::Internal(_) => {
                "something went wrong on the platform; try again later".to_owned()
            }
            _ => self.to_string(),
        };
        ApiError {
            code,
            message,
            params,
        }
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Self {
        Error::from_db(e)
    }
}

impl From<crate::seal::OpenError> for Error {
    fn from(e: crate::seal::OpenError) -> Self {
        Error::Internal(e.to_string())
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, _) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, %status, "request refused");
        }
        (status, Json(self.to_api_error())).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_details_never_reach_the_body() {
        let body = Error::Internal("password=hunter2 at db.internal".into()).to_api_error();
        assert_eq!(body.code, ApiErrorCode::Internal);
        assert!(!body.message.contains("hunter2"));
        let limit = Error::PlanLimitReached {
            resource: "customers",
            limit: 500,
            would_be: 501,
        }
        .to_api_error();
        assert_eq!(limit.params["resource"], "customers");
        assert_eq!(limit.params["would_be"], "501");
    }
}
