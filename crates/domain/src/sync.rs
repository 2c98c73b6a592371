//! The sync protocol's wire types (`docs/sync.md`), shared by the desktop's engine and the
//! platform, so both sides agree by construction.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// At most this many changes in one push.
pub const MAX_BATCH_CHANGES: usize = 1_000;
/// At most this many bytes in one push body.
pub const MAX_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// The tables the desktop pushes (every table of its schema that is not local-only).
pub const PUSHED_TABLES: &[&str] = &[
    "settings",
    "routers",
    "ip_pools",
    "bandwidth_profiles",
    "pppoe_profiles",
    "pppoe_servers",
    "hotspot_profiles",
    "hotspot_servers",
    "service_plans",
    "resellers",
    "customers",
    "subscriptions",
    "voucher_batches",
    "vouchers",
    "invoices",
    "invoice_lines",
    "payments",
    "reseller_ledger",
];

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeOp {
    Upsert,
    Delete,
}

/// One row's newest state (or its deletion).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub table: String,
    pub row_id: String,
    pub op: ChangeOp,
    pub rev: i64,
    /// The row as the desktop stores it, column → value, secrets opened
    /// (`customers.password`, `routers.radius_secret`). `None` for a delete.
    pub data: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushBatch {
    /// The idempotency key.
    pub batch_id: Uuid,
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushAck {
    pub batch_id: Uuid,
    pub applied: u32,
    pub stale: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairRequest {
    pub code: String,
    pub device_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairResponse {
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub device_id: Uuid,
    /// Shown once; the platform keeps only its SHA-256.
    pub token: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    Radacct,
    Radpostauth,
    Payment,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedEntry {
    pub seq: i64,
    pub kind: FeedKind,
    pub data: serde_json::Map<String, serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PullPage {
    pub entries: Vec<FeedEntry>,
    pub next_cursor: i64,
    pub more: bool,
}

/// What the platform answers when it refuses a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub code: ApiErrorCode,
    pub message: String,
    #[serde(default)]
    pub params: BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiErrorCode {
    MalformedBatch,
    BatchTooLarge,
    Unauthorized,
    TokenRevoked,
    TenantSuspended,
    PlanLimitReached,
    InvalidPairingCode,
    NotFound,
    Conflict,
    Validation,
    Internal,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_reads_as_the_protocol_document_shows_it() {
        let json = r#"{ "batch_id": "01936d3e-5f2a-7cc1-8000-000000000001", "changes": [
            { "table": "customers", "row_id": "a", "op": "upsert", "rev": 3, "data": { "username": "budi" } },
            { "table": "ip_pools", "row_id": "b", "op": "delete", "rev": 2, "data": null } ] }"#;
        let batch: PushBatch = serde_json::from_str(json).unwrap();
        assert_eq!(batch.changes.len(), 2);
        assert_eq!(batch.changes[0].op, ChangeOp::Upsert);
        assert_eq!(batch.changes[1].data, None);
        let error: ApiError = serde_json::from_str(
            r#"{ "code": "plan_limit_reached", "message": "m", "params": { "resource": "customers", "limit": "500" } }"#,
        )
        .unwrap();
        assert_eq!(error.code, ApiErrorCode::PlanLimitReached);
    }
}
