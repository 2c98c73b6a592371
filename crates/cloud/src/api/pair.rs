//! `POST /api/v1/pair`: a desktop exchanges a one-time pairing code for its device token
//! (shown once; the platform keeps its SHA-256).

use super::{ApiJson, AppState};
use crate::error::{Error, Result};
use crate::tokens;
use axum::Json;
use axum::extract::State;
use ispdesk_domain::sync::{PairRequest, PairResponse};
use uuid::Uuid;

pub async fn pair(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<PairRequest>,
) -> Result<Json<PairResponse>> {
    let device_name = request.device_name.trim().to_owned();
    if device_name.is_empty() || device_name.chars().count() > 200 {
        return Err(Error::Validation {
            field: "device_name",
            message: "1 to 200 characters".into(),
        });
    }
    let code = tokens::normalize_pairing_code(&request.code);
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    // Used exactly once: the first caller's UPDATE wins, a concurrent one finds it used.
    let claimed = tx
        .query_opt(
            "UPDATE pairing_codes SET used_at = now()
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()
             RETURNING tenant_id",
            &[&tokens::hash(&code)],
        )
        .await?;
    let Some(claimed) = claimed else {
        tracing::info!("pairing refused: unknown, used or expired code");
        return Err(Error::InvalidPairingCode);
    };
    let tenant_id: Uuid = claimed.get(0);
    let tenant = tx
        .query_one(
            "SELECT name, status FROM tenants WHERE id = $1",
            &[&tenant_id],
        )
        .await?;
    if tenant.get::<_, String>(1) != "active" {
        return Err(Error::TenantSuspended);
    }
    let token = tokens::new_token();
    let device_id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO devices (id, tenant_id, name, token_hash) VALUES ($1, $2, $3, $4)",
        &[&device_id, &tenant_id, &device_name, &tokens::hash(&token)],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(tenant = %tenant_id, device = %device_id, "device paired");
    Ok(Json(PairResponse {
        tenant_id,
        tenant_name: tenant.get(0),
        device_id,
        token,
    }))
}
