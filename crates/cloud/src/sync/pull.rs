//! The change feed a desktop pulls: its tenant's entries after a cursor, in `seq` order.
//! Entries are appended by triggers on `radacct` and `radpostauth` (migration V2), whose
//! per-tenant lock makes a tenant's entries commit in `seq` order, so the cursor never
//! skips one.

use crate::error::{Error, Result};
use ispdesk_domain::sync::{FeedEntry, FeedKind, PullPage};
use serde_json::Value;
use uuid::Uuid;

pub const DEFAULT_LIMIT: i64 = 500;
pub const MAX_LIMIT: i64 = 1_000;

fn kind(text: &str) -> Result<FeedKind> {
    match text {
        "radacct" => Ok(FeedKind::Radacct),
        "radpostauth" => Ok(FeedKind::Radpostauth),
        "payment" => Ok(FeedKind::Payment),
        other => Err(Error::Internal(format!("unknown feed kind {other:?}"))),
    }
}

pub async fn page(
    client: &impl tokio_postgres::GenericClient,
    tenant: Uuid,
    after: i64,
    limit: i64,
) -> Result<PullPage> {
    let limit = limit.clamp(1, MAX_LIMIT);
    let rows = client
        .query(
            "SELECT seq, kind, data FROM change_feed WHERE tenant_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
            &[&tenant, &after, &(limit + 1)],
        )
        .await?;
    let more = rows.len() as i64 > limit;
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows.into_iter().take(limit as usize) {
        let data = match row.get::<_, Value>(2) {
            Value::Object(map) => map,
            _ => return Err(Error::Internal("a feed entry is not an object".into())),
        };
        entries.push(FeedEntry {
            seq: row.get(0),
            kind: kind(row.get(1))?,
            data,
        });
    }
    let next_cursor = entries.last().map_or(after, |e| e.seq);
    Ok(PullPage {
        entries,
        next_cursor,
        more,
    })
}
