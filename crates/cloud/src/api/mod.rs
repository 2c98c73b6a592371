//! The HTTP API (`docs/platform-api.md`), one module per resource: `sessions` (platform
//! admin sign-in), `tenants`, `devices`, `pair` (a desktop exchanging a pairing code for
//! its token) and `sync` (push and pull). Every handler returns [`crate::error::Error`]
//! on failure, so every refusal has the same `{ code, message, params }` body.

mod auth;
mod devices;
mod pair;
mod sessions;
mod sync;
mod tenants;

pub use auth::{AdminAuth, DeviceAuth};

use crate::error::Error;
use crate::seal::Sealer;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use deadpool_postgres::Pool;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;
use tower_http::trace::TraceLayer;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub sealer: Arc<Sealer>,
    pub session_ttl: Duration,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/health", get(health))
        .route("/api/v1/pair", post(pair::pair))
        .route("/api/v1/sync/push", post(sync::push))
        .route("/api/v1/sync/pull", get(sync::pull))
        .route("/api/v1/admin/login", post(sessions::login))
        .route("/api/v1/admin/logout", post(sessions::logout))
        .route(
            "/api/v1/admin/tenants",
            get(tenants::list).post(tenants::create),
        )
        .route("/api/v1/admin/tenants/{id}", get(tenants::get))
        .route(
            "/api/v1/admin/tenants/{id}/limits",
            put(tenants::set_limits),
        )
        .route("/api/v1/admin/tenants/{id}/suspend", post(tenants::suspend))
        .route("/api/v1/admin/tenants/{id}/resume", post(tenants::resume))
        .route(
            "/api/v1/admin/tenants/{id}/pairing-codes",
            post(tenants::new_pairing_code),
        )
        .route("/api/v1/admin/tenants/{id}/devices", get(devices::list))
        .route("/api/v1/admin/devices/{id}/revoke", post(devices::revoke))
        .fallback(|| async { Error::NotFound("route") })
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, Error> {
    state.pool.get().await?.execute("SELECT 1", &[]).await?;
    Ok("ok")
}

/// `Json` whose rejections (not JSON, wrong shape) are our `validation` errors.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(Error::Validation {
                field: "body",
                message: match rejection {
                    JsonRejection::JsonDataError(e) => e.body_text(),
                    other => other.body_text(),
                },
            }),
        }
    }
}
