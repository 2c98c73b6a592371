//! Writes the RADIUS rows `ispdesk_domain::radius` derives, inside the caller's
//! transaction: a customer's user rows, a plan's group, the isolir group, the `nas` table.
//! [`rebuild_all`] regenerates everything from scratch; a property test checks that the
//! incremental writes after any sequence of operations equal a rebuild.

use crate::error::{Error, Result};
use crate::network::{load_bandwidth, router_profile};
use crate::plans::load_plan;
use crate::secrets::{Purpose, Vault};
use chrono::{DateTime, Utc};
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::plan::{ServicePlan, ServiceType};
use ispdesk_domain::radius::{
    CustomerFacts, GroupRows, ISOLIR_GROUP, RadAttr, RadiusSettings, RouterProfile, UserRows,
    isolir_group_rows, plan_group, plan_group_rows, user_rows,
};
use ispdesk_domain::time::from_storage;
use ispdesk_domain::{CustomerId, PlanId, RouterId};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

pub(crate) const SETTINGS_KEY: &str = "radius";

pub(crate) fn settings(conn: &Connection) -> Result<RadiusSettings> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [SETTINGS_KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

fn insert_attrs(
    conn: &Connection,
    table: &str,
    key_column: &str,
    key: &str,
    attrs: &[RadAttr],
) -> Result<()> {
    let mut stmt = conn.prepare_cached(&format!(
        "INSERT INTO {table} ({key_column}, attribute, op, value) VALUES (?1, ?2, ?3, ?4)"
    ))?;
    for a in attrs {
        stmt.execute((key, a.attribute, a.op, &a.value))?;
    }
    Ok(())
}

pub(crate) fn delete_user(conn: &Connection, username: &str) -> Result<()> {
    for table in ["radcheck", "radreply", "radusergroup"] {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE username = ?1"))?
            .execute([username])?;
    }
    Ok(())
}

fn write_user(conn: &Connection, username: &str, rows: &UserRows) -> Result<()> {
    delete_user(conn, username)?;
    insert_user(conn, username, rows)
}

fn insert_user(conn: &Connection, username: &str, rows: &UserRows) -> Result<()> {
    insert_attrs(conn, "radcheck", "username", username, &rows.check)?;
    insert_attrs(conn, "radreply", "username", username, &rows.reply)?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO radusergroup (username, groupname, priority) VALUES (?1, ?2, ?3)",
    )?;
    for (group, priority) in &rows.groups {
        stmt.execute((username, group, priority))?;
    }
    Ok(())
}

pub(crate) fn delete_group(conn: &Connection, group: &str) -> Result<()> {
    for table in ["radgroupcheck", "radgroupreply"] {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE groupname = ?1"))?
            .execute([group])?;
    }
    Ok(())
}

fn write_group(conn: &Connection, group: &str, rows: &GroupRows) -> Result<()> {
    delete_group(conn, group)?;
    insert_attrs(conn, "radgroupcheck", "groupname", group, &rows.check)?;
    insert_attrs(conn, "radgroupreply", "groupname", group, &rows.reply)
}

/// Rewrites a plan's group.
pub(crate) fn refresh_plan_group(conn: &Connection, plan: &ServicePlan) -> Result<()> {
    let bandwidth = match plan.bandwidth_profile_id {
        Some(id) => load_bandwidth(conn, id)?,
        None => None,
    };
    write_group(
        conn,
        &plan_group(&plan.code),
        &plan_group_rows(plan, bandwidth.as_ref(), &settings(conn)?),
    )
}

pub(crate) fn refresh_isolir_group(conn: &Connection) -> Result<()> {
    write_group(conn, ISOLIR_GROUP, &isolir_group_rows(&settings(conn)?))
}

/// Rewrites `nas` from the routers: every active router in `radius` mode with a secret.
pub(crate) fn refresh_nas(conn: &Connection, vault: &Vault) -> Result<()> {
    conn.execute("DELETE FROM nas", [])?;
    let mut stmt = conn.prepare(
        "SELECT address, short_name, name, radius_secret_enc FROM routers
         WHERE is_active = 1 AND provisioning_mode = 'radius' AND radius_secret_enc IS NOT NULL
         ORDER BY short_name",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO nas (nasname, shortname, type, secret, description) VALUES (?1, ?2, 'other', ?3, ?4)",
    )?;
    for (address, short_name, name, sealed) in rows {
        let secret = vault.open(Purpose::RadiusSecret, &sealed).ok_or_else(|| {
            Error::Internal(format!(
                "the RADIUS secret of router {short_name} cannot be read"
            ))
        })?;
        insert.execute((address, short_name, secret, name))?;
    }
    Ok(())
}

/// What user-row derivation needs of a customer.
pub(crate) struct CustomerRadius<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub status: CustomerStatus,
    pub expires_at: Option<DateTime<Utc>>,
    pub plan_id: Option<PlanId>,
    pub router_id: Option<RouterId>,
    pub service: ServiceType,
}

/// Derives and writes customers' rows, caching plans and router profiles across many
/// customers (an import, a plan change).
pub(crate) struct Deriver<'a> {
    conn: &'a Connection,
    vault: &'a Vault,
    settings: RadiusSettings,
    plans: HashMap<PlanId, Option<ServicePlan>>,
    profiles: HashMap<(RouterId, ServiceType, String), Option<RouterProfile>>,
}

const CUSTOMER_COLUMNS: &str =
    "id, username, password_enc, status, expires_at, plan_id, router_id, service_type";

impl<'a> Deriver<'a> {
    pub fn new(conn: &'a Connection, vault: &'a Vault) -> Result<Self> {
        Ok(Deriver {
            conn,
            vault,
            settings: settings(conn)?,
            plans: HashMap::new(),
            profiles: HashMap::new(),
        })
    }

    fn plan(&mut self, id: PlanId) -> Result<Option<ServicePlan>> {
        if let Some(p) = self.plans.get(&id) {
            return Ok(p.clone());
        }
        let plan = load_plan(self.conn, id)?;
        self.plans.insert(id, plan.clone());
        Ok(plan)
    }

    fn profile(
        &mut self,
        router: RouterId,
        service: ServiceType,
        name: &str,
    ) -> Result<Option<RouterProfile>> {
        let key = (router, service, name.to_owned());
        if let Some(p) = self.profiles.get(&key) {
            return Ok(p.clone());
        }
        let profile = router_profile(self.conn, router, service, name)?;
        self.profiles.insert(key, profile.clone());
        Ok(profile)
    }

    fn used_bytes(&self, username: &str) -> Result<u64> {
        let used: i64 = self
            .conn
            .prepare_cached(
                "SELECT COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0)
                 FROM radacct WHERE username = ?1",
            )?
            .query_row([username], |r| r.get(0))?;
        Ok(used.max(0) as u64)
    }

    fn refresh_row(&mut self, row: &rusqlite::Row<'_>) -> Result<()> {
        let id: String = row.get(0)?;
        let username: String = row.get(1)?;
        let sealed: Vec<u8> = row.get(2)?;
        let status: String = row.get(3)?;
        let expires_at: Option<String> = row.get(4)?;
        let plan_id: Option<String> = row.get(5)?;
        let router_id: Option<String> = row.get(6)?;
        let service: String = row.get(7)?;
        let password = self
            .vault
            .open(Purpose::CustomerPassword, &sealed)
            .ok_or_else(|| {
                Error::Internal(format!("the password of customer {id} cannot be read"))
            })?;
        let facts = CustomerRadius {
            username: &username,
            password: &password,
            status: CustomerStatus::parse(&status).unwrap_or(CustomerStatus::Inactive),
            expires_at: expires_at.as_deref().and_then(from_storage),
            plan_id: plan_id.and_then(|p| p.parse().ok()),
            router_id: router_id.and_then(|r| r.parse().ok()),
            service: ServiceType::parse(&service).unwrap_or(ServiceType::Hotspot),
        };
        self.write(&facts, false)
    }

    /// Writes the rows of a customer inserted in this transaction (an import): there are
    /// none to replace, and the values are at hand.
    pub fn write_new(&mut self, customer: &CustomerRadius<'_>) -> Result<()> {
        self.write(customer, true)
    }

    fn write(&mut self, c: &CustomerRadius<'_>, fresh: bool) -> Result<()> {
        let plan = match c.plan_id {
            Some(id) => self.plan(id)?,
            None => None,
        };
        let router_profile = match (&plan, c.router_id) {
            (Some(plan), Some(router)) if !plan.profile_name.is_empty() => {
                self.profile(router, c.service, &plan.profile_name)?
            }
            _ => None,
        };
        let used_bytes = match plan.as_ref().and_then(|p| p.quota_bytes) {
            Some(_) => self.used_bytes(c.username)?,
            _ => 0,
        };
        let facts = CustomerFacts {
            status: c.status,
            password: c.password,
            expires_at: c.expires_at,
            plan: plan.as_ref(),
            router_profile,
            used_bytes,
        };
        let rows = user_rows(&facts, &self.settings);
        if fresh {
            insert_user(self.conn, c.username, &rows)
        } else {
            write_user(self.conn, c.username, &rows)
        }
    }

    pub fn refresh_customer(&mut self, id: CustomerId) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = ?1"
        ))?;
        let mut rows = stmt.query([id.to_string()])?;
        match rows.next()? {
            Some(row) => self.refresh_row(row),
            None => Err(Error::NotFound("customer")),
        }
    }

    /// Refreshes every customer matching `filter` (an SQL condition on `customers`).
    pub fn refresh_where(&mut self, filter: &str, params: impl rusqlite::Params) -> Result<usize> {
        let conn = self.conn;
        let mut stmt = conn.prepare(&format!(
            "SELECT {CUSTOMER_COLUMNS} FROM customers WHERE {filter}"
        ))?;
        let mut rows = stmt.query(params)?;
        let mut n = 0;
        while let Some(row) = rows.next()? {
            self.refresh_row(row)?;
            n += 1;
        }
        Ok(n)
    }
}

/// Regenerates every derived RADIUS row from the app's tables.
pub fn rebuild_all(conn: &Connection, vault: &Vault) -> Result<()> {
    for table in [
        "radcheck",
        "radreply",
        "radusergroup",
        "radgroupcheck",
        "radgroupreply",
    ] {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let plan_ids: Vec<String> = conn
        .prepare("SELECT id FROM service_plans")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in plan_ids {
        if let Some(plan) = load_plan(conn, id.parse().map_err(|_| Error::NotFound("plan"))?)? {
            refresh_plan_group(conn, &plan)?;
        }
    }
    refresh_isolir_group(conn)?;
    Deriver::new(conn, vault)?.refresh_where("1 = 1", [])?;
    refresh_nas(conn, vault)
}

/// Every derived RADIUS row, sorted, without the auto-increment ids: what FreeRADIUS
/// sees. Two equal snapshots authenticate everyone the same way.
pub fn radius_snapshot(conn: &Connection) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (table, key) in [
        ("radcheck", "username"),
        ("radreply", "username"),
        ("radgroupcheck", "groupname"),
        ("radgroupreply", "groupname"),
    ] {
        let mut stmt = conn.prepare(&format!("SELECT {key}, attribute, op, value FROM {table}"))?;
        let rows = stmt.query_map([], |r| {
            Ok(format!(
                "{table}|{}|{}|{}|{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?
            ))
        })?;
        for row in rows {
            out.push(row?);
        }
    }
    let mut stmt = conn.prepare("SELECT username, groupname, priority FROM radusergroup")?;
    for row in stmt.query_map([], |r| {
        Ok(format!(
            "radusergroup|{}|{}|{}",
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?
        ))
    })? {
        out.push(row?);
    }
    let mut stmt = conn.prepare("SELECT nasname, shortname, type, secret, description FROM nas")?;
    for row in stmt.query_map([], |r| {
        Ok(format!(
            "nas|{}|{}|{}|{}|{}",
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?.unwrap_or_default(),
            r.get::<_, Option<String>>(2)?.unwrap_or_default(),
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?.unwrap_or_default()
        ))
    })? {
        out.push(row?);
    }
    out.sort();
    Ok(out)
}
