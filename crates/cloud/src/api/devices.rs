//! A tenant's paired desktops, and revoking one (its next call gets `401 token_revoked`).

use super::{AdminAuth, AppState};
use crate::error::{Error, Result};
use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Row;
use uuid::Uuid;

#[derive(Debug, Serialize)]
pub struct Device {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const DEVICE_COLUMNS: &str = "id, tenant_id, name, created_at, last_seen_at, revoked_at";

fn device_from(row: &Row) -> Device {
    Device {
        id: row.get(0),
        tenant_id: row.get(1),
        name: row.get(2),
        created_at: row.get(3),
        last_seen_at: row.get(4),
        revoked_at: row.get(5),
    }
}

pub async fn list(
    State(state): State<AppState>,
    _admin: AdminAuth,
    Path(tenant): Path<Uuid>,
) -> Result<Json<Vec<Device>>> {
    let client = state.pool.get().await?;
    if client
        .query_opt("SELECT 1 FROM tenants WHERE id = $1", &[&tenant])
        .await?
        .is_none()
    {
        return Err(Error::NotFound("tenant"));
    }
    let rows = client
        .query(
            &format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE tenant_id = $1 ORDER BY created_at, id"
            ),
            &[&tenant],
        )
        .await?;
    Ok(Json(rows.iter().map(device_from).collect()))
}

pub async fn revoke(
    State(state): State<AppState>,
    admin: AdminAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<Device>> {
    let row = state
        .pool
        .get()
        .await?
        .query_opt(
            &format!(
                "UPDATE devices SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1
                 RETURNING {DEVICE_COLUMNS}"
            ),
            &[&id],
        )
        .await?
        .ok_or(Error::NotFound("device"))?;
    tracing::info!(device = %id, by = %admin.username, "device revoked");
    Ok(Json(device_from(&row)))
}
