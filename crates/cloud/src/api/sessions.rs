//! Platform admin sign-in: `POST /api/v1/admin/login` → a bearer session token (stored as
//! its SHA-256, valid `session_ttl`), `POST /api/v1/admin/logout`.

use super::{AdminAuth, ApiJson, AppState};
use crate::admins;
use crate::error::{Error, Result};
use crate::tokens;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize)]
pub struct LoginResponse {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

pub async fn login(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let client = state.pool.get().await?;
    let user = client
        .query_opt(
            "SELECT id, password_hash, active FROM platform_users WHERE lower(username) = lower($1)",
            &[&request.username],
        )
        .await?;
    let (hash, user) = match &user {
        Some(row) => (row.get::<_, String>(1), Some(row)),
        None => (admins::dummy_hash().to_owned(), None),
    };
    let password = request.password.clone();
    let matches = tokio::task::spawn_blocking(move || admins::verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
    let Some(user) = user.filter(|u| matches && u.get::<_, bool>(2)) else {
        tracing::info!(username = %request.username, "platform sign-in refused");
        return Err(Error::Unauthorized);
    };
    let user_id: uuid::Uuid = user.get(0);
    let token = tokens::new_token();
    let ttl = chrono::Duration::from_std(state.session_ttl).unwrap_or(chrono::Duration::hours(12));
    let expires_at = Utc::now() + ttl;
    client
        .execute(
            "INSERT INTO admin_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            &[&tokens::hash(&token), &user_id, &expires_at],
        )
        .await?;
    client
        .execute(
            "UPDATE platform_users SET last_login_at = now() WHERE id = $1",
            &[&user_id],
        )
        .await?;
    client
        .execute("DELETE FROM admin_sessions WHERE expires_at < now()", &[])
        .await?;
    Ok(Json(LoginResponse { token, expires_at }))
}

pub async fn logout(State(state): State<AppState>, admin: AdminAuth) -> Result<StatusCode> {
    state
        .pool
        .get()
        .await?
        .execute(
            "DELETE FROM admin_sessions WHERE token_hash = $1",
            &[&admin.token_hash],
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
