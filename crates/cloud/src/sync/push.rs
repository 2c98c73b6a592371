//! `POST /api/v1/sync/push` without the HTTP: a batch checked whole before anything is
//! written, then applied in one transaction — idempotency key, rev checks, tombstones,
//! plan limits on the resulting state, the RADIUS rows of what changed — or not at all.

use super::rows::{
    self, CUSTOMER_PASSWORD_SEALED, PushedCustomer, RADIUS_SETTINGS_KEY, ROUTER_SECRET_SEALED,
};
use crate::error::{Error, Result};
use crate::radius::{self, Dirty};
use crate::seal::{Purpose, Sealer};
use ispdesk_domain::sync::{
    Change, ChangeOp, MAX_BATCH_CHANGES, PUSHED_TABLES, PushAck, PushBatch,
};
use serde_json::{Map, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// Whether an incoming change replaces what is stored (`docs/platform-api.md`): a higher
/// rev always does; at the same rev only a delete does, because the desktop sends a
/// delete with the rev the row had when it was deleted.
pub fn supersedes(incoming_rev: i64, incoming_op: ChangeOp, stored: Option<(i64, bool)>) -> bool {
    match stored {
        None => true,
        Some((rev, deleted)) => {
            incoming_rev > rev
                || (incoming_rev == rev && incoming_op == ChangeOp::Delete && !deleted)
        }
    }
}

/// The limited resources and the table counting each.
const LIMITED: &[(&str, &str)] = &[
    ("routers", "routers"),
    ("customers", "customers"),
    ("vouchers", "vouchers"),
];

/// A row as stored: its rev and its data (`None` for a tombstone).
type Stored = (i64, Option<Map<String, Value>>);

/// A change that passed validation: its row ready to store (secrets sealed).
struct Checked {
    table: String,
    row_id: String,
    op: ChangeOp,
    rev: i64,
    /// The row to store; `None` for a delete.
    stored: Option<Map<String, Value>>,
}

/// Refuses the whole batch at the first change the platform cannot take.
fn check(tenant: Uuid, sealer: &Sealer, batch: PushBatch) -> Result<Vec<Checked>> {
    if batch.changes.len() > MAX_BATCH_CHANGES {
        return Err(Error::BatchTooLarge {
            limit: format!("{MAX_BATCH_CHANGES} changes"),
        });
    }
    let mut out = Vec::with_capacity(batch.changes.len());
    for (index, change) in batch.changes.into_iter().enumerate() {
        out.push(check_change(tenant, sealer, index, change)?);
    }
    Ok(out)
}

fn check_change(tenant: Uuid, sealer: &Sealer, index: usize, change: Change) -> Result<Checked> {
    let Change {
        table,
        row_id,
        op,
        rev,
        data,
    } = change;
    let bad = |detail: &str| Error::malformed_at(index, &table, detail);
    if !PUSHED_TABLES.contains(&table.as_str()) {
        return Err(bad("unknown table"));
    }
    if row_id.is_empty() || row_id.len() > 200 {
        return Err(bad("row_id must be 1 to 200 characters"));
    }
    if rev < 0 {
        return Err(bad("rev must not be negative"));
    }
    if op == ChangeOp::Delete {
        return Ok(Checked {
            table,
            row_id,
            op,
            rev,
            stored: None,
        });
    }
    let Some(mut data) = data else {
        return Err(bad("an upsert needs data"));
    };
    let pk = rows::primary_key(&table);
    if data.get(pk).and_then(Value::as_str) != Some(row_id.as_str()) {
        return Err(bad(&format!("data.{pk} must equal row_id")));
    }
    if let Some(key) = data
        .keys()
        .find(|k| k.ends_with("_enc") || k.ends_with("_sealed") || k.starts_with("api_password"))
    {
        return Err(bad(&format!("{key} must not be sent")));
    }
    let decoded = |r: std::result::Result<(), String>| r.map_err(|e| bad(&e));
    match table.as_str() {
        "customers" => {
            if !matches!(data.get("password"), Some(Value::String(_))) {
                return Err(bad("password (opened) is missing"));
            }
            let customer: PushedCustomer = rows::decode(&data).map_err(|e| bad(&e))?;
            if customer.username.trim().is_empty() {
                return Err(bad("username is empty"));
            }
            data.remove("password");
            data.insert(
                CUSTOMER_PASSWORD_SEALED.into(),
                Value::String(sealer.seal(
                    Purpose::CustomerPassword,
                    tenant,
                    &row_id,
                    &customer.password,
                )),
            );
        }
        "routers" => {
            let secret = match data.remove("radius_secret") {
                Some(Value::String(s)) => Some(s),
                Some(Value::Null) => None,
                Some(_) => return Err(bad("radius_secret must be text or null")),
                None => return Err(bad("radius_secret (opened, or null) is missing")),
            };
            decoded(rows::decode::<rows::RouterRow>(&data).map(drop))?;
            let sealed = secret
                .map(|s| Value::String(sealer.seal(Purpose::RadiusSecret, tenant, &row_id, &s)))
                .unwrap_or(Value::Null);
            data.insert(ROUTER_SECRET_SEALED.into(), sealed);
        }
        "ip_pools" => decoded(rows::decode::<rows::PoolRow>(&data).map(drop))?,
        "pppoe_profiles" | "hotspot_profiles" => {
            decoded(rows::decode::<rows::ProfileRow>(&data).map(drop))?
        }
        "bandwidth_profiles" => {
            decoded(rows::decode::<rows::BandwidthRow>(&data).and_then(|b| b.profile().map(drop)))?
        }
        "service_plans" => {
            decoded(rows::decode::<rows::PlanRow>(&data).and_then(|p| p.plan().map(drop)))?
        }
        "settings" => decoded(rows::decode::<rows::SettingsRow>(&data).map(drop))?,
        _ => {}
    }
    Ok(Checked {
        table,
        row_id,
        op,
        rev,
        stored: Some(data),
    })
}

fn text<'a>(data: Option<&'a Map<String, Value>>, key: &str) -> Option<&'a str> {
    data.and_then(|d| d.get(key)).and_then(Value::as_str)
}

/// What the RADIUS derivation must redo for one applied change.
fn mark(
    dirty: &mut Dirty,
    table: &str,
    row_id: &str,
    old: Option<&Map<String, Value>>,
    new: Option<&Map<String, Value>>,
) {
    let both = |key: &str| {
        [text(old, key), text(new, key)]
            .into_iter()
            .flatten()
            .map(str::to_owned)
    };
    match table {
        "customers" => {
            dirty.customers.insert(row_id.to_owned());
            if let Some(name) = text(old, "username") {
                dirty.old_usernames.insert(name.to_owned());
            }
        }
        "service_plans" => {
            dirty.plans.insert(row_id.to_owned());
            dirty
                .groups
                .extend(both("code").map(|c| ispdesk_domain::radius::plan_group(&c)));
        }
        "bandwidth_profiles" => {
            dirty.bandwidth.insert(row_id.to_owned());
        }
        "ip_pools" | "pppoe_profiles" | "hotspot_profiles" => {
            dirty.routers.extend(both("router_id"))
        }
        "routers" => dirty.nas = true,
        "settings" if row_id == RADIUS_SETTINGS_KEY => dirty.settings = true,
        _ => {}
    }
}

/// Applies a batch for `tenant` in one transaction and acknowledges it. A batch seen
/// before gets its first acknowledgement again and changes nothing.
pub async fn apply_batch(
    client: &mut tokio_postgres::Client,
    sealer: &Sealer,
    tenant: Uuid,
    device: Option<Uuid>,
    batch: PushBatch,
) -> Result<PushAck> {
    let batch_id = batch.batch_id;
    let changes = check(tenant, sealer, batch)?;
    let tx = client.transaction().await?;

    // One push at a time per tenant: the counts and the derived rows stay consistent.
    let tenant_row = tx
        .query_opt(
            "SELECT status, max_routers, max_customers, max_vouchers,
                    routers_count, customers_count, vouchers_count
             FROM tenants WHERE id = $1 FOR NO KEY UPDATE",
            &[&tenant],
        )
        .await?
        .ok_or(Error::NotFound("tenant"))?;
    if tenant_row.get::<_, String>(0) != "active" {
        return Err(Error::TenantSuspended);
    }
    let claimed = tx
        .execute(
            "INSERT INTO sync_batches (tenant_id, batch_id, device_id) VALUES ($1, $2, $3)
             ON CONFLICT (tenant_id, batch_id) DO NOTHING",
            &[&tenant, &batch_id, &device],
        )
        .await?;
    if claimed == 0 {
        let ack: Value = tx
            .query_one(
                "SELECT ack FROM sync_batches WHERE tenant_id = $1 AND batch_id = $2",
                &[&tenant, &batch_id],
            )
            .await?
            .get(0);
        tx.rollback().await?;
        tracing::info!(%tenant, %batch_id, "batch replayed; answered with its first acknowledgement");
        return serde_json::from_value(ack)
            .map_err(|e| Error::Internal(format!("stored ack: {e}")));
    }

    // What is stored for every row of the batch: one primary-key lookup per table.
    let mut by_table: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in &changes {
        by_table
            .entry(c.table.as_str())
            .or_default()
            .push(c.row_id.as_str());
    }
    let mut stored: HashMap<(String, String), Stored> = HashMap::new();
    for (table, ids) in &by_table {
        for row in tx
            .query(
                "SELECT row_id, rev, data FROM synced_rows
                 WHERE tenant_id = $1 AND table_name = $2 AND row_id = ANY($3)",
                &[&tenant, table, ids],
            )
            .await?
        {
            let data: Option<Value> = row.get(2);
            stored.insert(
                ((*table).to_owned(), row.get(0)),
                (row.get(1), data.and_then(|d| d.as_object().cloned())),
            );
        }
    }

    let mut applied = 0u32;
    let mut stale = 0u32;
    let mut dirty = Dirty::default();
    let mut deltas: HashMap<&str, i64> = HashMap::new();
    let mut up = (
        Vec::<String>::new(),
        Vec::<String>::new(),
        Vec::<i64>::new(),
        Vec::<Option<Value>>::new(),
    );
    for c in &changes {
        let key = (c.table.clone(), c.row_id.clone());
        let before = stored.get(&key);
        if !supersedes(
            c.rev,
            c.op,
            before.map(|(rev, data)| (*rev, data.is_none())),
        ) {
            stale += 1;
            continue;
        }
        applied += 1;
        let old = before.and_then(|(_, d)| d.clone());
        mark(
            &mut dirty,
            &c.table,
            &c.row_id,
            old.as_ref(),
            c.stored.as_ref(),
        );
        if let Some((_, table)) = LIMITED.iter().find(|(_, t)| *t == c.table) {
            *deltas.entry(table).or_default() +=
                i64::from(c.stored.is_some()) - i64::from(old.is_some());
        }
        up.0.push(c.table.clone());
        up.1.push(c.row_id.clone());
        up.2.push(c.rev);
        up.3.push(c.stored.clone().map(Value::Object));
        // A later change to the same row in this batch compares with this one.
        stored.insert(key, (c.rev, c.stored.clone()));
    }

    // Plan limits on the state the batch produces. A batch that does not add to a
    // resource is never refused for it (a tenant over a lowered limit can still delete).
    for (i, (resource, table)) in LIMITED.iter().enumerate() {
        let delta = deltas.get(table).copied().unwrap_or(0);
        let limit: i64 = tenant_row.get(1 + i);
        let count: i64 = tenant_row.get(4 + i);
        let would_be = count + delta;
        if delta > 0 && would_be > limit {
            tx.rollback().await?;
            return Err(Error::PlanLimitReached {
                resource,
                limit,
                would_be,
            });
        }
    }

    if !up.0.is_empty() {
        // Rows of one table and id appear once per statement: the last change wins.
        let mut last: HashMap<(&str, &str), usize> = HashMap::new();
        for (i, (t, r)) in up.0.iter().zip(&up.1).enumerate() {
            last.insert((t, r), i);
        }
        let mut keep: Vec<usize> = last.into_values().collect();
        keep.sort_unstable();
        let pick = |v: &Vec<String>| keep.iter().map(|&i| v[i].clone()).collect::<Vec<_>>();
        let (t, r) = (pick(&up.0), pick(&up.1));
        let revs: Vec<i64> = keep.iter().map(|&i| up.2[i]).collect();
        let data: Vec<Option<Value>> = keep.iter().map(|&i| up.3[i].clone()).collect();
        tx.execute(
            "INSERT INTO synced_rows (tenant_id, table_name, row_id, rev, data, updated_at)
             SELECT $1, t, r, v, d, now() FROM UNNEST($2::text[], $3::text[], $4::bigint[], $5::jsonb[]) AS u (t, r, v, d)
             ON CONFLICT (tenant_id, table_name, row_id)
             DO UPDATE SET rev = excluded.rev, data = excluded.data, updated_at = excluded.updated_at",
            &[&tenant, &t, &r, &revs, &data],
        )
        .await?;
    }
    tx.execute(
        "UPDATE tenants SET routers_count = routers_count + $2, customers_count = customers_count + $3,
                vouchers_count = vouchers_count + $4, last_sync_at = now()
         WHERE id = $1",
        &[
            &tenant,
            &deltas.get("routers").copied().unwrap_or(0),
            &deltas.get("customers").copied().unwrap_or(0),
            &deltas.get("vouchers").copied().unwrap_or(0),
        ],
    )
    .await?;

    radius::apply(&tx, tenant, sealer, &dirty).await?;

    let ack = PushAck {
        batch_id,
        applied,
        stale,
    };
    let ack_json = serde_json::to_value(&ack).map_err(|e| Error::Internal(e.to_string()))?;
    tx.execute(
        "UPDATE sync_batches SET ack = $3 WHERE tenant_id = $1 AND batch_id = $2",
        &[&tenant, &batch_id, &ack_json],
    )
    .await?;
    tx.commit().await?;
    tracing::info!(%tenant, %batch_id, applied, stale, "batch applied");
    Ok(ack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_revs_win_and_a_delete_wins_a_tie() {
        use ChangeOp::{Delete, Upsert};
        assert!(supersedes(1, Upsert, None));
        assert!(supersedes(3, Upsert, Some((2, false))));
        assert!(!supersedes(2, Upsert, Some((2, false))));
        assert!(!supersedes(1, Upsert, Some((2, false))));
        assert!(supersedes(2, Delete, Some((2, false))));
        assert!(!supersedes(2, Delete, Some((2, true))));
        assert!(!supersedes(2, Upsert, Some((2, true))));
        assert!(supersedes(3, Upsert, Some((2, true))));
    }

    fn change(table: &str, data: serde_json::Value) -> Change {
        Change {
            table: table.into(),
            row_id: "r1".into(),
            op: ChangeOp::Upsert,
            rev: 1,
            data: data.as_object().cloned(),
        }
    }

    #[test]
    fn refusals_name_the_change() {
        let sealer = Sealer::new(&[1; 32]);
        let tenant = Uuid::now_v7();
        let err = |c: Change| match check_change(tenant, &sealer, 4, c) {
            Err(Error::MalformedBatch { params, .. }) => params["detail"].clone(),
            Ok(_) => "accepted".into(),
            Err(other) => other.to_string(),
        };
        assert_eq!(
            err(change("staff_users", serde_json::json!({ "id": "r1" }))),
            "unknown table"
        );
        assert_eq!(
            err(change(
                "customers",
                serde_json::json!({ "id": "r1", "username": "a" })
            )),
            "password (opened) is missing"
        );
        assert_eq!(
            err(change(
                "routers",
                serde_json::json!({ "id": "r1", "api_password_enc": "x" })
            )),
            "api_password_enc must not be sent"
        );
        assert_eq!(
            err(change("ip_pools", serde_json::json!({ "id": "r2" }))),
            "data.id must equal row_id"
        );
        let none = Change {
            data: None,
            ..change("invoices", serde_json::json!({}))
        };
        assert_eq!(err(none), "an upsert needs data");
    }

    #[test]
    fn secrets_are_sealed_before_they_are_stored() {
        let sealer = Sealer::new(&[1; 32]);
        let tenant = Uuid::now_v7();
        let checked = check_change(
            tenant,
            &sealer,
            0,
            change(
                "customers",
                serde_json::json!({ "id": "r1", "username": "budi", "password": "rahasia",
                    "status": "active", "service_type": "pppoe", "expires_at": null,
                    "plan_id": null, "router_id": null }),
            ),
        )
        .unwrap();
        let stored = checked.stored.unwrap();
        assert!(stored.get("password").is_none());
        let sealed = stored[CUSTOMER_PASSWORD_SEALED].as_str().unwrap();
        assert_eq!(
            sealer
                .open(Purpose::CustomerPassword, tenant, "r1", sealed)
                .unwrap(),
            "rahasia"
        );
    }
}
