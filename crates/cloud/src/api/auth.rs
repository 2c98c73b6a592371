//! Who is calling: a desktop with its device token, or a platform admin with a session
//! token. Both arrive as `Authorization: Bearer …` and are looked up by their SHA-256.

use super::AppState;
use crate::error::Error;
use crate::tokens;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use uuid::Uuid;

fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// A paired desktop of an active tenant. Every sync query is scoped by `tenant_id`.
#[derive(Clone, Copy, Debug)]
pub struct DeviceAuth {
    pub tenant_id: Uuid,
    pub device_id: Uuid,
}

impl FromRequestParts<AppState> for DeviceAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or(Error::Unauthorized)?;
        let client = state.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT d.id, d.tenant_id, d.revoked_at IS NOT NULL, t.status
                 FROM devices d JOIN tenants t ON t.id = d.tenant_id
                 WHERE d.token_hash = $1",
                &[&tokens::hash(token)],
            )
            .await?
            .ok_or(Error::Unauthorized)?;
        if row.get::<_, bool>(2) {
            return Err(Error::TokenRevoked);
        }
        if row.get::<_, String>(3) != "active" {
            return Err(Error::TenantSuspended);
        }
        let auth = DeviceAuth {
            device_id: row.get(0),
            tenant_id: row.get(1),
        };
        client
            .execute(
                "UPDATE devices SET last_seen_at = now()
                 WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')",
                &[&auth.device_id],
            )
            .await?;
        Ok(auth)
    }
}

/// A signed-in platform super admin (the only platform role with an API so far).
#[derive(Clone, Debug)]
pub struct AdminAuth {
    pub user_id: Uuid,
    pub username: String,
    pub token_hash: Vec<u8>,
}

impl FromRequestParts<AppState> for AdminAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Error> {
        let token = bearer(parts).ok_or(Error::Unauthorized)?;
        let token_hash = tokens::hash(token);
        let row = state
            .pool
            .get()
            .await?
            .query_opt(
                "SELECT u.id, u.username, u.role, u.active FROM admin_sessions s
                 JOIN platform_users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > now()",
                &[&token_hash],
            )
            .await?
            .ok_or(Error::Unauthorized)?;
        if !row.get::<_, bool>(3) {
            return Err(Error::Unauthorized);
        }
        if row.get::<_, String>(2) != "super_admin" {
            return Err(Error::Forbidden);
        }
        Ok(AdminAuth {
            user_id: row.get(0),
            username: row.get(1),
            token_hash,
        })
    }
}
