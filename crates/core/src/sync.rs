//! The desktop's side of sync (`docs/sync.md`): the pairing with the platform, batches
//! built from the outbox, their acknowledgement, and the platform's change feed applied
//! locally. The network is not here: `ispdesk-sync` moves these over HTTPS.
//!
//! A push survives the app being killed half-way: the batch in flight (its id and the last
//! outbox `seq` it covers) is stored before it is sent, and sent again with the same id on
//! the next start, so the platform applies it once.

use crate::activity;
use crate::auth::{Actor, authorize};
use crate::error::{Error, Result};
use crate::radius::Deriver;
use crate::secrets::Purpose;
use crate::{Core, LOCAL_ONLY_TABLES};
use ispdesk_domain::Permission;
use ispdesk_domain::sync::{
    Change, ChangeOp, FeedKind, MAX_BATCH_BYTES, MAX_BATCH_CHANGES, PUSHED_TABLES, PullPage,
    PushBatch,
};
use ispdesk_domain::time::{from_storage, to_storage};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use uuid::Uuid;

/// The platform this installation is paired with, as the UI shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PairingInfo {
    pub platform_url: String,
    #[ts(type = "string")]
    pub tenant_id: Uuid,
    pub tenant_name: String,
    #[ts(type = "string")]
    pub device_id: Uuid,
}

/// The pairing with its token, for the sync engine only.
#[derive(Clone, Debug)]
pub struct Pairing {
    pub info: PairingInfo,
    pub token: String,
}

/// A batch ready to send, and the outbox position it acknowledges.
#[derive(Clone, Debug)]
pub struct PendingPush {
    pub batch: PushBatch,
    pub max_seq: i64,
}

/// The batch being sent: its id, the rows it carries, and the last outbox entry that
/// existed when it was built (entries after that were not in it and stay queued).
#[derive(Serialize, Deserialize)]
struct Inflight {
    batch_id: Uuid,
    built_seq: i64,
    rows: Vec<(String, String)>,
}

fn state<T: serde::de::DeserializeOwned>(conn: &Connection, key: &str) -> Result<Option<T>> {
    let text: Option<String> = conn
        .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

fn set_state<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, serde_json::to_string(value).expect("state serialises")),
    )?;
    Ok(())
}

fn clear_state(conn: &Connection, key: &str) -> Result<()> {
    conn.execute("DELETE FROM sync_state WHERE key = ?1", [key])?;
    Ok(())
}

fn primary_key(table: &str) -> &'static str {
    if table == "settings" { "key" } else { "id" }
}

/// One row as the platform receives it: column → value, sealed secrets opened under their
/// plain names, the API password left out (only the desktop talks to routers' APIs).
fn row_json(
    core: &Core,
    conn: &Connection,
    table: &str,
    row_id: &str,
) -> Result<Option<(i64, Map<String, Value>)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT * FROM {table} WHERE {} = ?1",
        primary_key(table)
    ))?;
    let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
    let mut rows = stmt.query([row_id])?;
    let Some(row) = rows.next()? else {
        return Ok(None);
    };
    let mut data = Map::new();
    let mut rev = 0;
    for (i, name) in names.iter().enumerate() {
        let value = match row.get_ref(i)? {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(n) => json!(n),
            ValueRef::Real(x) => json!(x),
            ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(b) => {
                let (plain_name, purpose) = match (table, name.as_str()) {
                    ("customers", "password_enc") => ("password", Purpose::CustomerPassword),
                    ("routers", "radius_secret_enc") => ("radius_secret", Purpose::RadiusSecret),
                    _ => continue,
                };
                let opened = core
                    .vault
                    .open(purpose, b)
                    .ok_or(Error::SecretsUnavailable)?;
                data.insert(plain_name.to_owned(), Value::String(opened));
                continue;
            }
        };
        if name == "rev" {
            rev = value.as_i64().unwrap_or(0);
        }
        if name == "radius_secret_enc" {
            data.insert("radius_secret".into(), Value::Null);
            continue;
        }
        if name.ends_with("_enc") {
            continue;
        }
        data.insert(name.clone(), value);
    }
    Ok(Some((rev, data)))
}

/// The radacct columns the desktop keeps from the feed (FreeRADIUS's names).
const RADACCT_COLUMNS: &[&str] = &[
    "acctsessionid",
    "acctuniqueid",
    "username",
    "realm",
    "nasipaddress",
    "nasportid",
    "nasporttype",
    "acctstarttime",
    "acctupdatetime",
    "acctstoptime",
    "acctinterval",
    "acctsessiontime",
    "acctauthentic",
    "connectinfo_start",
    "connectinfo_stop",
    "acctinputoctets",
    "acctoutputoctets",
    "calledstationid",
    "callingstationid",
    "acctterminatecause",
    "servicetype",
    "framedprotocol",
    "framedipaddress",
    "framedipv6address",
    "framedipv6prefix",
    "framedinterfaceid",
    "delegatedipv6prefix",
    "class",
];
const TIME_COLUMNS: &[&str] = &[
    "acctstarttime",
    "acctupdatetime",
    "acctstoptime",
    "authdate",
];

/// A feed value as SQLite stores it; times normalised to the app's UTC format.
fn sql_value(column: &str, value: Option<&Value>) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match value {
        None | Some(Value::Null) => V::Null,
        Some(Value::Bool(b)) => V::Integer(i64::from(*b)),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(V::Integer)
            .or_else(|| n.as_f64().map(V::Real))
            .unwrap_or(V::Null),
        Some(Value::String(s)) if TIME_COLUMNS.contains(&column) => {
            V::Text(from_storage(s).map(to_storage).unwrap_or_else(|| s.clone()))
        }
        Some(Value::String(s)) => V::Text(s.clone()),
        Some(other) => V::Text(other.to_string()),
    }
}

impl Core {
    /// The pairing for the UI (never the token); `None` while unpaired.
    pub fn pairing_info(&self, actor: &Actor) -> Result<Option<PairingInfo>> {
        self.read(|tx| {
            authorize(tx, actor, None)?;
            state(tx, "pairing")
        })
    }

    /// The pairing with its token opened, for the sync engine.
    pub fn sync_pairing(&self) -> Result<Option<Pairing>> {
        self.read(|tx| {
            let Some(info) = state::<PairingInfo>(tx, "pairing")? else {
                return Ok(None);
            };
            let sealed: Option<String> = state(tx, "token")?;
            let token = sealed
                .and_then(|hex| {
                    (0..hex.len())
                        .step_by(2)
                        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                        .collect::<Option<Vec<u8>>>()
                })
                .and_then(|bytes| self.vault.open(Purpose::PlatformToken, &bytes))
                .ok_or(Error::SecretsUnavailable)?;
            Ok(Some(Pairing { info, token }))
        })
    }

    /// Records a pairing the owner just made and queues every row for the platform (a new
    /// tenant starts from the whole of this database).
    pub fn save_pairing(&self, actor: &Actor, info: &PairingInfo, token: &str) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageSettings))?;
            set_state(tx, "pairing", info)?;
            let sealed: String = self.vault.seal(Purpose::PlatformToken, token).iter().map(|b| format!("{b:02x}")).collect();
            set_state(tx, "token", &sealed)?;
            clear_state(tx, "inflight")?;
            set_state(tx, "cursor", &0i64)?;
            tx.execute("DELETE FROM sync_outbox", [])?;
            let stamp = to_storage(now);
            for table in PUSHED_TABLES {
                let pk = primary_key(table);
                tx.execute(
                    &format!(
                        "INSERT INTO sync_outbox (table_name, row_id, op, rev, queued_at) SELECT '{table}', {pk}, 'update', rev, ?1 FROM {table}"
                    ),
                    [&stamp],
                )?;
            }
            activity::record(
                tx, now, &me.who(), "pair", "platform", Some(&info.tenant_id.to_string()), &info.tenant_name,
                None, Some(json!({ "platform_url": info.platform_url, "tenant": info.tenant_name, "device_id": info.device_id })),
            )
        })
    }

    /// Forgets the platform (the outbox keeps filling; a new pairing sends everything).
    pub fn forget_pairing(&self, actor: &Actor) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageSettings))?;
            let old: Option<PairingInfo> = state(tx, "pairing")?;
            for key in ["pairing", "token", "inflight", "cursor"] {
                clear_state(tx, key)?;
            }
            activity::record(
                tx,
                now,
                &me.who(),
                "unpair",
                "platform",
                None,
                &old.map(|o| o.tenant_name).unwrap_or_default(),
                None,
                None,
            )
        })
    }

    /// Rows waiting to be pushed.
    pub fn pending_changes(&self) -> Result<u64> {
        self.read(|tx| {
            let n: i64 = tx.query_row(
                "SELECT COUNT(*) FROM (SELECT DISTINCT table_name, row_id FROM sync_outbox)",
                [],
                |r| r.get(0),
            )?;
            Ok(n.max(0) as u64)
        })
    }

    /// The next batch to push: the one in flight if a push was interrupted (same id, same
    /// outbox range), else a new one of at most [`MAX_BATCH_CHANGES`] rows. `None` when
    /// there is nothing to send.
    pub fn begin_push(&self) -> Result<Option<PendingPush>> {
        self.write(|tx| {
            let inflight = match state::<Inflight>(tx, "inflight")? {
                Some(i) => i,
                None => {
                    // The first rows of the queue, up to the batch limit, each once.
                    let built_seq: Option<i64> = tx.query_row("SELECT MAX(seq) FROM sync_outbox", [], |r| r.get(0))?;
                    let Some(built_seq) = built_seq else {
                        return Ok(None);
                    };
                    let mut seen = HashSet::new();
                    let mut rows = Vec::new();
                    let mut stmt = tx.prepare("SELECT table_name, row_id FROM sync_outbox ORDER BY seq")?;
                    let mut entries = stmt.query([])?;
                    while let Some(r) = entries.next()? {
                        let key: (String, String) = (r.get(0)?, r.get(1)?);
                        if seen.insert(key.clone()) {
                            rows.push(key);
                            if rows.len() == MAX_BATCH_CHANGES {
                                break;
                            }
                        }
                    }
                    let inflight = Inflight { batch_id: Uuid::now_v7(), built_seq, rows };
                    set_state(tx, "inflight", &inflight)?;
                    inflight
                }
            };
            let mut changes = Vec::with_capacity(inflight.rows.len());
            let mut bytes = 0usize;
            for (table, row_id) in &inflight.rows {
                if LOCAL_ONLY_TABLES.contains(&table.as_str()) || !PUSHED_TABLES.contains(&table.as_str()) {
                    continue;
                }
                // The row as it is now; gone means deleted, with the rev it had last.
                let change = match row_json(self, tx, table, row_id)? {
                    Some((rev, data)) => Change { table: table.clone(), row_id: row_id.clone(), op: ChangeOp::Upsert, rev, data: Some(data) },
                    None => {
                        let rev: i64 = tx
                            .prepare_cached("SELECT COALESCE(MAX(rev), 0) FROM sync_outbox WHERE table_name = ?1 AND row_id = ?2")?
                            .query_row((table, row_id), |r| r.get(0))?;
                        Change { table: table.clone(), row_id: row_id.clone(), op: ChangeOp::Delete, rev, data: None }
                    }
                };
                bytes += serde_json::to_vec(&change).map(|v| v.len()).unwrap_or(0);
                changes.push(change);
            }
            if bytes > MAX_BATCH_BYTES {
                tracing::warn!(bytes, "an outbox batch is larger than the platform accepts");
            }
            Ok(Some(PendingPush { batch: PushBatch { batch_id: inflight.batch_id, changes }, max_seq: inflight.built_seq }))
        })
    }

    /// The platform acknowledged the batch: the outbox entries of its rows, up to when it
    /// was built, are done. Later changes to those rows stay queued.
    pub fn finish_push(&self, push: &PendingPush) -> Result<()> {
        self.write(|tx| {
            let Some(inflight) = state::<Inflight>(tx, "inflight")? else {
                return Ok(());
            };
            if inflight.batch_id != push.batch.batch_id {
                return Ok(());
            }
            let mut delete = tx.prepare_cached(
                "DELETE FROM sync_outbox WHERE table_name = ?1 AND row_id = ?2 AND seq <= ?3",
            )?;
            for (table, row_id) in &inflight.rows {
                delete.execute((table, row_id, inflight.built_seq))?;
            }
            clear_state(tx, "inflight")
        })
    }

    pub fn pull_cursor(&self) -> Result<i64> {
        self.read(|tx| Ok(state(tx, "cursor")?.unwrap_or(0)))
    }

    /// Applies a page of the platform's feed and moves the cursor, in one transaction;
    /// customers whose usage changed get their RADIUS rows (quota left) rewritten.
    pub fn apply_pull(&self, page: &PullPage) -> Result<()> {
        self.write(|tx| {
            let cursor: i64 = state(tx, "cursor")?.unwrap_or(0);
            let mut users = HashSet::new();
            for entry in page.entries.iter().filter(|e| e.seq > cursor) {
                match entry.kind {
                    FeedKind::Radacct => {
                        let unique = entry.data.get("acctuniqueid").and_then(Value::as_str).unwrap_or_default();
                        if unique.is_empty() {
                            continue;
                        }
                        let columns = RADACCT_COLUMNS.join(", ");
                        let placeholders = (1..=RADACCT_COLUMNS.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
                        let updates = RADACCT_COLUMNS.iter().filter(|c| **c != "acctuniqueid").map(|c| format!("{c} = excluded.{c}")).collect::<Vec<_>>().join(", ");
                        let values: Vec<rusqlite::types::Value> = RADACCT_COLUMNS.iter().map(|c| {
                            let v = sql_value(c, entry.data.get(*c));
                            // FreeRADIUS's SQLite schema has NOT NULL '' for these.
                            match (v, *c) {
                                (rusqlite::types::Value::Null, "acctsessionid" | "username" | "nasipaddress" | "calledstationid" | "callingstationid" | "acctterminatecause" | "framedipaddress" | "framedipv6address" | "framedipv6prefix" | "framedinterfaceid" | "delegatedipv6prefix") => rusqlite::types::Value::Text(String::new()),
                                (v, _) => v,
                            }
                        }).collect();
                        tx.prepare_cached(&format!(
                            "INSERT INTO radacct ({columns}) VALUES ({placeholders}) ON CONFLICT (acctuniqueid) DO UPDATE SET {updates}"
                        ))?
                        .execute(rusqlite::params_from_iter(values))?;
                        if let Some(user) = entry.data.get("username").and_then(Value::as_str) {
                            users.insert(user.to_owned());
                        }
                    }
                    FeedKind::Radpostauth => {
                        tx.prepare_cached("INSERT INTO radpostauth (username, pass, reply, authdate, class) VALUES (?1, '', ?2, ?3, ?4)")?
                            .execute((
                                sql_value("username", entry.data.get("username")),
                                sql_value("reply", entry.data.get("reply")),
                                sql_value("authdate", entry.data.get("authdate")),
                                sql_value("class", entry.data.get("class")),
                            ))?;
                    }
                    // Online payments arrive with billing (a later issue); kept in the
                    // feed until then, so nothing is lost by skipping them here.
                    FeedKind::Payment => {}
                }
            }
            let mut deriver = Deriver::new(tx, &self.vault)?;
            for user in users {
                deriver.refresh_where(
                    "username = ?1 AND plan_id IN (SELECT id FROM service_plans WHERE quota_bytes IS NOT NULL)",
                    [&user],
                )?;
            }
            set_state(tx, "cursor", &page.next_cursor.max(cursor))
        })
    }
}
