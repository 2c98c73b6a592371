//! Tenants (ISPs) for the platform's super admin: create (with its first pairing code),
//! list, show, change limits, suspend, resume, issue a new pairing code.

use super::{AdminAuth, ApiJson, AppState};
use crate::error::{Error, Result};
use crate::radius;
use crate::tokens;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use tokio_postgres::Row;
use uuid::Uuid;

/// How long a pairing code stays valid.
pub const PAIRING_CODE_TTL_HOURS: i64 = 24;

#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Limits {
    pub max_routers: i64,
    pub max_customers: i64,
    pub max_vouchers: i64,
}

#[derive(Debug, Serialize)]
pub struct Usage {
    pub routers: i64,
    pub customers: i64,
    pub vouchers: i64,
}

#[derive(Debug, Serialize)]
pub struct Tenant {
    pub id: Uuid,
    pub name: String,
    pub subdomain: String,
    pub status: String,
    pub limits: Limits,
    pub usage: Usage,
    pub devices: i64,
    pub created_at: DateTime<Utc>,
    pub suspended_at: Option<DateTime<Utc>>,
    pub last_sync_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Serialize)]
pub struct PairingCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Serialize)]
pub struct CreatedTenant {
    pub tenant: Tenant,
    pub pairing_code: PairingCode,
}

#[derive(Deserialize)]
pub struct NewTenant {
    pub name: String,
    pub subdomain: String,
    pub limits: Limits,
}

const TENANT_COLUMNS: &str =
    "t.id, t.name, t.subdomain, t.status, t.max_routers, t.max_customers, t.max_vouchers,
    t.routers_count, t.customers_count, t.vouchers_count,
    (SELECT count(*) FROM devices d WHERE d.tenant_id = t.id AND d.revoked_at IS NULL),
    t.created_at, t.suspended_at, t.last_sync_at";

fn tenant_from(row: &Row) -> Tenant {
    Tenant {
        id: row.get(0),
        name: row.get(1),
        subdomain: row.get(2),
        status: row.get(3),
        limits: Limits {
            max_routers: row.get(4),
            max_customers: row.get(5),
            max_vouchers: row.get(6),
        },
        usage: Usage {
            routers: row.get(7),
            customers: row.get(8),
            vouchers: row.get(9),
        },
        devices: row.get(10),
        created_at: row.get(11),
        suspended_at: row.get(12),
        last_sync_at: row.get(13),
    }
}

/// A subdomain as DNS takes it: 3–63 of `a-z 0-9 -`, not starting or ending with `-`.
fn check_subdomain(text: &str) -> Result<String> {
    let s = text.trim().to_ascii_lowercase();
    let ok = (3..=63).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s)
    } else {
        Err(Error::Validation {
            field: "subdomain",
            message: "3 to 63 letters, digits or '-', not starting or ending with '-'".into(),
        })
    }
}

fn check_limits(limits: &Limits) -> Result<()> {
    for (field, value) in [
        ("limits.max_routers", limits.max_routers),
        ("limits.max_customers", limits.max_customers),
        ("limits.max_vouchers", limits.max_vouchers),
    ] {
        if value < 0 {
            return Err(Error::Validation {
                field,
                message: "must not be negative".into(),
            });
        }
    }
    Ok(())
}

async fn load(client: &impl deadpool_postgres::GenericClient, id: Uuid) -> Result<Tenant> {
    client
        .query_opt(
            &format!("SELECT {TENANT_COLUMNS} FROM tenants t WHERE t.id = $1"),
            &[&id],
        )
        .await?
        .map(|r| tenant_from(&r))
        .ok_or(Error::NotFound("tenant"))
}

/// A new one-time code for `tenant`; codes issued before it stop working.
async fn issue_code(
    client: &impl deadpool_postgres::GenericClient,
    tenant: Uuid,
) -> Result<PairingCode> {
    client
        .execute(
            "UPDATE pairing_codes SET expires_at = now()
             WHERE tenant_id = $1 AND used_at IS NULL AND expires_at > now()",
            &[&tenant],
        )
        .await?;
    let code = tokens::new_pairing_code();
    let expires_at = Utc::now() + Duration::hours(PAIRING_CODE_TTL_HOURS);
    client
        .execute(
            "INSERT INTO pairing_codes (code_hash, tenant_id, expires_at) VALUES ($1, $2, $3)",
            &[&tokens::hash(&code), &tenant, &expires_at],
        )
        .await?;
    Ok(PairingCode { code, expires_at })
}

pub async fn create(
    State(state): State<AppState>,
    admin: AdminAuth,
    ApiJson(input): ApiJson<NewTenant>,
) -> Result<(StatusCode, Json<CreatedTenant>)> {
    let name = input.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Validation {
            field: "name",
            message: "1 to 200 characters".into(),
        });
    }
    let subdomain = check_subdomain(&input.subdomain)?;
    check_limits(&input.limits)?;
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let id = Uuid::now_v7();
    tx.execute(
        "INSERT INTO tenants (id, name, subdomain, max_routers, max_customers, max_vouchers)
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &id,
            &name,
            &subdomain,
            &input.limits.max_routers,
            &input.limits.max_customers,
            &input.limits.max_vouchers,
        ],
    )
    .await?;
    radius::initialise(&tx, id).await?;
    let pairing_code = issue_code(&tx, id).await?;
    let tenant = load(&tx, id).await?;
    tx.commit().await?;
    tracing::info!(tenant = %id, subdomain, by = %admin.username, "tenant created");
    Ok((
        StatusCode::CREATED,
        Json(CreatedTenant {
            tenant,
            pairing_code,
        }),
    ))
}

pub async fn list(State(state): State<AppState>, _admin: AdminAuth) -> Result<Json<Vec<Tenant>>> {
    let rows = state
        .pool
        .get()
        .await?
        .query(
            &format!("SELECT {TENANT_COLUMNS} FROM tenants t ORDER BY t.name, t.id"),
            &[],
        )
        .await?;
    Ok(Json(rows.iter().map(tenant_from).collect()))
}

pub async fn get(
    State(state): State<AppState>,
    _admin: AdminAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<Tenant>> {
    Ok(Json(load(&state.pool.get().await?, id).await?))
}

pub async fn set_limits(
    State(state): State<AppState>,
    admin: AdminAuth,
    Path(id): Path<Uuid>,
    ApiJson(limits): ApiJson<Limits>,
) -> Result<Json<Tenant>> {
    check_limits(&limits)?;
    let client = state.pool.get().await?;
    let n = client
        .execute(
            "UPDATE tenants SET max_routers = $2, max_customers = $3, max_vouchers = $4 WHERE id = $1",
            &[&id, &limits.max_routers, &limits.max_customers, &limits.max_vouchers],
        )
        .await?;
    if n == 0 {
        return Err(Error::NotFound("tenant"));
    }
    tracing::info!(tenant = %id, ?limits, by = %admin.username, "tenant limits changed");
    Ok(Json(load(&client, id).await?))
}

async fn set_status(
    state: &AppState,
    admin: &AdminAuth,
    id: Uuid,
    suspended: bool,
) -> Result<Json<Tenant>> {
    let client = state.pool.get().await?;
    let n = client
        .execute(
            "UPDATE tenants SET status = CASE WHEN $2 THEN 'suspended' ELSE 'active' END,
                    suspended_at = CASE WHEN $2 THEN COALESCE(suspended_at, now()) END
             WHERE id = $1",
            &[&id, &suspended],
        )
        .await?;
    if n == 0 {
        return Err(Error::NotFound("tenant"));
    }
    tracing::info!(tenant = %id, suspended, by = %admin.username, "tenant status changed");
    Ok(Json(load(&client, id).await?))
}

pub async fn suspend(
    State(state): State<AppState>,
    admin: AdminAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<Tenant>> {
    set_status(&state, &admin, id, true).await
}

pub async fn resume(
    State(state): State<AppState>,
    admin: AdminAuth,
    Path(id): Path<Uuid>,
) -> Result<Json<Tenant>> {
    set_status(&state, &admin, id, false).await
}

pub async fn new_pairing_code(
    State(state): State<AppState>,
    admin: AdminAuth,
    Path(id): Path<Uuid>,
) -> Result<(StatusCode, Json<PairingCode>)> {
    let mut client = state.pool.get().await?;
    let tx = client.transaction().await?;
    let exists = tx
        .query_opt("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", &[&id])
        .await?
        .is_some();
    if !exists {
        return Err(Error::NotFound("tenant"));
    }
    let code = issue_code(&tx, id).await?;
    tx.commit().await?;
    tracing::info!(tenant = %id, by = %admin.username, "pairing code issued");
    Ok((StatusCode::CREATED, Json(code)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains_are_dns_labels() {
        assert_eq!(check_subdomain(" Net-Maju ").unwrap(), "net-maju");
        for bad in ["ab", "-net", "net-", "net_maju", "nét", &"a".repeat(64)] {
            assert!(check_subdomain(bad).is_err(), "{bad}");
        }
    }
}
