//! A tenant's FreeRADIUS rows on the platform, derived from its synced rows with the same
//! `ispdesk_domain::radius` functions the desktop uses (`ispdesk_core::radius` is the
//! desktop's writer; this mirrors it on PostgreSQL):
//!
//! - a plan is the group `plan-<code>` (speed, shared users, profile, interim interval);
//! - a customer is its user rows (password, expiry, pool, session timeout, quota left from
//!   this tenant's `radacct`, group membership), or a reject, or the isolir group;
//! - the isolir group always exists, from the tenant's RADIUS settings;
//! - every active router in `radius` mode with a secret is a `nas` row.
//!
//! [`apply`] rewrites what a push changed, inside the push's transaction; [`rebuild`]
//! rewrites everything; a property test checks that they agree after any pushes.
//! Everything here is scoped by `tenant_id`.

use crate::error::{Error, Result};
use crate::seal::{Purpose, Sealer};
use crate::sync::rows::{
    self, BandwidthRow, PlanRow, PoolRow, ProfileRow, RADIUS_SETTINGS_KEY, ROUTER_SECRET_SEALED,
    RouterRow, SettingsRow, StoredCustomer,
};
use ispdesk_domain::bandwidth::BandwidthProfile;
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::plan::{ServicePlan, ServiceType};
use ispdesk_domain::radius::{
    CustomerFacts, GroupRows, ISOLIR_GROUP, RadAttr, RadiusSettings, RouterProfile,
    isolir_group_rows, plan_group, plan_group_rows, user_rows,
};
use ispdesk_domain::time::from_storage;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tokio_postgres::Transaction;
use uuid::Uuid;

/// What a push changed, in the terms the derivation needs.
#[derive(Clone, Debug, Default)]
pub struct Dirty {
    /// Group names to rewrite (plans' old and new groups, `isolir`).
    pub groups: BTreeSet<String>,
    /// Customers (row ids) to rewrite.
    pub customers: BTreeSet<String>,
    /// Customers on these plans / routers to rewrite.
    pub plans: BTreeSet<String>,
    pub routers: BTreeSet<String>,
    /// Bandwidth profiles whose plans' groups to rewrite.
    pub bandwidth: BTreeSet<String>,
    /// Rewrite every plan group and every suspended customer (the settings changed).
    pub settings: bool,
    /// User names whose rows must go (a customer renamed or deleted).
    pub old_usernames: BTreeSet<String>,
    /// Rewrite `nas`.
    pub nas: bool,
}

impl Dirty {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
            && self.customers.is_empty()
            && self.plans.is_empty()
            && self.routers.is_empty()
            && self.bandwidth.is_empty()
            && !self.settings
            && self.old_usernames.is_empty()
            && !self.nas
    }
}

/// The tables a derivation reads whole (they are small: tens of rows per tenant).
const STATE_TABLES: &[&str] = &[
    "settings",
    "routers",
    "ip_pools",
    "bandwidth_profiles",
    "pppoe_profiles",
    "hotspot_profiles",
    "service_plans",
];

/// A tenant's network and plans, as of now in the transaction.
struct TenantState {
    settings: RadiusSettings,
    /// By row id, in row id order.
    plans: BTreeMap<String, ServicePlan>,
    bandwidth: HashMap<String, BandwidthProfile>,
    pools: HashMap<String, PoolRow>,
    /// (service, router id, name) → the profile with the smallest row id.
    profiles: HashMap<(ServiceType, String, String), ProfileRow>,
    /// In row id order, with the sealed secret if any.
    routers: Vec<(String, RouterRow, Option<String>)>,
}

fn corrupt(table: &str, row_id: &str, detail: String) -> Error {
    Error::Internal(format!(
        "stored {table} row {row_id} is unreadable: {detail}"
    ))
}

impl TenantState {
    async fn load(tx: &Transaction<'_>, tenant: Uuid) -> Result<TenantState> {
        let tables: Vec<&str> = STATE_TABLES.to_vec();
        let rows = tx
            .query(
                "SELECT table_name, row_id, data FROM synced_rows
                 WHERE tenant_id = $1 AND table_name = ANY($2) AND data IS NOT NULL
                 ORDER BY table_name, row_id",
                &[&tenant, &tables],
            )
            .await?;
        let mut state = TenantState {
            settings: RadiusSettings::default(),
            plans: BTreeMap::new(),
            bandwidth: HashMap::new(),
            pools: HashMap::new(),
            profiles: HashMap::new(),
            routers: Vec::new(),
        };
        for row in rows {
            let table: String = row.get(0);
            let row_id: String = row.get(1);
            let Value::Object(data) = row.get::<_, Value>(2) else {
                return Err(corrupt(&table, &row_id, "not an object".into()));
            };
            let bad = |e: String| corrupt(&table, &row_id, e);
            match table.as_str() {
                "settings" if row_id == RADIUS_SETTINGS_KEY => {
                    state.settings = rows::decode::<SettingsRow>(&data)
                        .map_err(bad)?
                        .radius_settings();
                }
                "settings" => {}
                "routers" => {
                    let router: RouterRow = rows::decode(&data).map_err(bad)?;
                    let sealed = data
                        .get(ROUTER_SECRET_SEALED)
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    state.routers.push((row_id, router, sealed));
                }
                "ip_pools" => {
                    let pool = rows::decode(&data).map_err(bad)?;
                    state.pools.insert(row_id, pool);
                }
                "bandwidth_profiles" => {
                    let bw = rows::decode::<BandwidthRow>(&data)
                        .and_then(|b| b.profile())
                        .map_err(bad)?;
                    state.bandwidth.insert(row_id, bw);
                }
                "pppoe_profiles" | "hotspot_profiles" => {
                    let service = if table == "pppoe_profiles" {
                        ServiceType::Pppoe
                    } else {
                        ServiceType::Hotspot
                    };
                    let profile: ProfileRow = rows::decode(&data).map_err(bad)?;
                    // Row id order: the first of two profiles with one name wins, always.
                    state
                        .profiles
                        .entry((service, profile.router_id.clone(), profile.name.clone()))
                        .or_insert(profile);
                }
                "service_plans" => {
                    let plan = rows::decode::<PlanRow>(&data)
                        .and_then(|p| p.plan())
                        .map_err(bad)?;
                    state.plans.insert(row_id, plan);
                }
                _ => {}
            }
        }
        Ok(state)
    }

    fn plan_group_rows(&self, plan: &ServicePlan) -> GroupRows {
        let bandwidth = plan
            .bandwidth_profile_id
            .and_then(|id| self.bandwidth.get(&id.to_string()));
        plan_group_rows(plan, bandwidth, &self.settings)
    }

    /// What `ispdesk_core::network::router_profile` finds.
    fn router_profile(
        &self,
        router: &str,
        service: ServiceType,
        name: &str,
    ) -> Option<RouterProfile> {
        let profile = self
            .profiles
            .get(&(service, router.to_owned(), name.to_owned()))?;
        Some(RouterProfile {
            pool_name: profile
                .ip_pool_id
                .as_ref()
                .and_then(|id| self.pools.get(id))
                .map(|pool| pool.name.clone()),
            session_timeout_s: profile
                .session_timeout_s
                .map(|t| u32::try_from(t.max(0)).unwrap_or(u32::MAX)),
        })
    }
}

/// Rows for one table of attributes, gathered to be inserted with one statement.
#[derive(Default)]
struct AttrRows {
    keys: Vec<String>,
    attributes: Vec<&'static str>,
    ops: Vec<&'static str>,
    values: Vec<String>,
}

impl AttrRows {
    fn push(&mut self, key: &str, attrs: &[RadAttr]) {
        for a in attrs {
            self.keys.push(key.to_owned());
            self.attributes.push(a.attribute);
            self.ops.push(a.op);
            self.values.push(a.value.clone());
        }
    }

    async fn insert(
        &self,
        tx: &Transaction<'_>,
        tenant: Uuid,
        table: &str,
        key_column: &str,
    ) -> Result<()> {
        if self.keys.is_empty() {
            return Ok(());
        }
        tx.execute(
            &format!(
                "INSERT INTO {table} (tenant_id, {key_column}, attribute, op, value)
                 SELECT $1, k, a, o, v FROM UNNEST($2::text[], $3::text[], $4::text[], $5::text[])
                     WITH ORDINALITY AS t (k, a, o, v, n) ORDER BY n"
            ),
            &[
                &tenant,
                &self.keys,
                &self.attributes,
                &self.ops,
                &self.values,
            ],
        )
        .await?;
        Ok(())
    }
}

async fn write_groups(
    tx: &Transaction<'_>,
    tenant: Uuid,
    state: &TenantState,
    groups: &BTreeSet<String>,
) -> Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = groups.iter().map(String::as_str).collect();
    for table in ["radgroupcheck", "radgroupreply"] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE tenant_id = $1 AND groupname = ANY($2)"),
            &[&tenant, &names],
        )
        .await?;
    }
    let mut check = AttrRows::default();
    let mut reply = AttrRows::default();
    if groups.contains(ISOLIR_GROUP) {
        let rows = isolir_group_rows(&state.settings);
        check.push(ISOLIR_GROUP, &rows.check);
        reply.push(ISOLIR_GROUP, &rows.reply);
    }
    for plan in state.plans.values() {
        let group = plan_group(&plan.code);
        if groups.contains(&group) {
            let rows = state.plan_group_rows(plan);
            check.push(&group, &rows.check);
            reply.push(&group, &rows.reply);
        }
    }
    check
        .insert(tx, tenant, "radgroupcheck", "groupname")
        .await?;
    reply.insert(tx, tenant, "radgroupreply", "groupname").await
}

fn customer_from(data: &Map<String, Value>, row_id: &str) -> Result<StoredCustomer> {
    rows::decode(data).map_err(|e| corrupt("customers", row_id, e))
}

/// Rewrites the user rows of the customers `dirty` names, of those on the plans and
/// routers it names, and of every other customer sharing one of their user names.
async fn write_customers(
    tx: &Transaction<'_>,
    tenant: Uuid,
    sealer: &Sealer,
    state: &TenantState,
    dirty: &Dirty,
    everyone: bool,
) -> Result<()> {
    let ids: Vec<&str> = dirty.customers.iter().map(String::as_str).collect();
    let plans: Vec<&str> = dirty.plans.iter().map(String::as_str).collect();
    let routers: Vec<&str> = dirty.routers.iter().map(String::as_str).collect();
    let mut found: BTreeMap<String, StoredCustomer> = BTreeMap::new();
    // One query per reason, each on its own index (one query OR-ing them all, with
    // parameters, plans a scan of every customer of the tenant).
    const CUSTOMERS: &str = "SELECT row_id, data FROM synced_rows
        WHERE tenant_id = $1 AND table_name = 'customers' AND data IS NOT NULL";
    let mut rows = Vec::new();
    if everyone {
        rows.extend(tx.query(CUSTOMERS, &[&tenant]).await?);
    } else {
        if !ids.is_empty() {
            rows.extend(
                tx.query(
                    &format!("{CUSTOMERS} AND row_id = ANY($2)"),
                    &[&tenant, &ids],
                )
                .await?,
            );
        }
        if !plans.is_empty() {
            rows.extend(
                tx.query(
                    &format!("{CUSTOMERS} AND (data ->> 'plan_id') = ANY($2)"),
                    &[&tenant, &plans],
                )
                .await?,
            );
        }
        if !routers.is_empty() {
            rows.extend(
                tx.query(
                    &format!("{CUSTOMERS} AND (data ->> 'router_id') = ANY($2)"),
                    &[&tenant, &routers],
                )
                .await?,
            );
        }
        if dirty.settings {
            rows.extend(
                tx.query(
                    &format!("{CUSTOMERS} AND (data ->> 'status') = 'suspended'"),
                    &[&tenant],
                )
                .await?,
            );
        }
    }
    for row in rows {
        let row_id: String = row.get(0);
        if found.contains_key(&row_id) {
            continue;
        }
        let data: Value = row.get(1);
        let customer = customer_from(data.as_object().unwrap_or(&Map::new()), &row_id)?;
        found.insert(row_id, customer);
    }
    // User names compare without case on the desktop: anyone else holding one of these
    // names (for a moment, between two batches) is rewritten too, as a rebuild would.
    let mut names: BTreeSet<String> = dirty.old_usernames.clone();
    names.extend(found.values().map(|c| c.username.clone()));
    if !everyone && !names.is_empty() {
        let lower: Vec<String> = names.iter().map(|n| n.to_lowercase()).collect();
        let known: Vec<&str> = found.keys().map(String::as_str).collect();
        let more = tx
            .query(
                "SELECT row_id, data FROM synced_rows
                 WHERE tenant_id = $1 AND table_name = 'customers' AND data IS NOT NULL
                   AND lower(data ->> 'username') = ANY($2) AND row_id <> ALL($3)",
                &[&tenant, &lower, &known],
            )
            .await?;
        for row in more {
            let row_id: String = row.get(0);
            let data: Value = row.get(1);
            let customer = customer_from(data.as_object().unwrap_or(&Map::new()), &row_id)?;
            names.insert(customer.username.clone());
            found.insert(row_id, customer);
        }
    }
    if !everyone && !names.is_empty() {
        let exact: Vec<&str> = names.iter().map(String::as_str).collect();
        for table in ["radcheck", "radreply", "radusergroup"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE tenant_id = $1 AND username = ANY($2)"),
                &[&tenant, &exact],
            )
            .await?;
        }
    }
    if found.is_empty() {
        return Ok(());
    }

    // Bytes used so far, for customers whose plan has a quota.
    let quota_users: Vec<&str> = found
        .values()
        .filter(|c| {
            c.plan_id
                .as_ref()
                .and_then(|p| state.plans.get(p))
                .is_some_and(|p| p.quota_bytes.is_some())
        })
        .map(|c| c.username.as_str())
        .collect();
    let mut used: HashMap<String, u64> = HashMap::new();
    if !quota_users.is_empty() {
        for row in tx
            .query(
                "SELECT username, SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0))::bigint
                 FROM radacct WHERE tenant_id = $1 AND username = ANY($2) GROUP BY username",
                &[&tenant, &quota_users],
            )
            .await?
        {
            let name: String = row.get(0);
            let bytes: i64 = row.get(1);
            used.insert(name, bytes.max(0) as u64);
        }
    }

    let mut check = AttrRows::default();
    let mut reply = AttrRows::default();
    let mut members: (Vec<String>, Vec<String>, Vec<i32>) = Default::default();
    for (row_id, c) in &found {
        let password = sealer.open(
            Purpose::CustomerPassword,
            tenant,
            row_id,
            &c.password_sealed,
        )?;
        let plan = c.plan_id.as_ref().and_then(|p| state.plans.get(p));
        let service = ServiceType::parse(&c.service_type).unwrap_or(ServiceType::Hotspot);
        let router_profile = match (plan, &c.router_id) {
            (Some(plan), Some(router)) if !plan.profile_name.is_empty() => {
                state.router_profile(router, service, &plan.profile_name)
            }
            _ => None,
        };
        let facts = CustomerFacts {
            status: CustomerStatus::parse(&c.status).unwrap_or(CustomerStatus::Inactive),
            password: &password,
            expires_at: c.expires_at.as_deref().and_then(from_storage),
            plan,
            router_profile,
            used_bytes: if plan.is_some_and(|p| p.quota_bytes.is_some()) {
                used.get(&c.username).copied().unwrap_or(0)
            } else {
                0
            },
        };
        let rows = user_rows(&facts, &state.settings);
        check.push(&c.username, &rows.check);
        reply.push(&c.username, &rows.reply);
        for (group, priority) in &rows.groups {
            members.0.push(c.username.clone());
            members.1.push(group.clone());
            members.2.push(i32::try_from(*priority).unwrap_or(i32::MAX));
        }
    }
    check.insert(tx, tenant, "radcheck", "username").await?;
    reply.insert(tx, tenant, "radreply", "username").await?;
    if !members.0.is_empty() {
        tx.execute(
            "INSERT INTO radusergroup (tenant_id, username, groupname, priority)
             SELECT $1, u, g, p FROM UNNEST($2::text[], $3::text[], $4::int[])
                 WITH ORDINALITY AS t (u, g, p, n) ORDER BY n",
            &[&tenant, &members.0, &members.1, &members.2],
        )
        .await?;
    }
    Ok(())
}

/// Makes `nas` hold the tenant's active `radius`-mode routers that have a secret,
/// touching only rows that differ (every change restarts FreeRADIUS).
async fn write_nas(
    tx: &Transaction<'_>,
    tenant: Uuid,
    sealer: &Sealer,
    state: &TenantState,
) -> Result<()> {
    let mut desired: BTreeMap<String, (String, String, String)> = BTreeMap::new();
    for (row_id, router, sealed) in &state.routers {
        let Some(sealed) = sealed else { continue };
        if !router.is_active || router.provisioning_mode != "radius" {
            continue;
        }
        let secret = sealer.open(Purpose::RadiusSecret, tenant, row_id, sealed)?;
        let entry = (router.short_name.clone(), secret, router.name.clone());
        if desired.insert(router.address.clone(), entry).is_some() {
            return Err(Error::Conflict {
                field: "routers.address".into(),
            });
        }
    }
    let current: BTreeMap<String, (String, String, String)> = tx
        .query(
            "SELECT nasname, shortname, secret, COALESCE(description, '') FROM nas WHERE tenant_id = $1",
            &[&tenant],
        )
        .await?
        .into_iter()
        .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
        .collect();
    for (name, row) in &current {
        if desired.get(name) != Some(row) {
            tx.execute(
                "DELETE FROM nas WHERE tenant_id = $1 AND nasname = $2",
                &[&tenant, name],
            )
            .await?;
        }
    }
    for (name, (short, secret, description)) in &desired {
        if current.get(name) != desired.get(name) {
            tx.execute(
                "INSERT INTO nas (tenant_id, nasname, shortname, type, secret, description)
                 VALUES ($1, $2, $3, 'other', $4, $5)",
                &[&tenant, name, short, secret, description],
            )
            .await?;
        }
    }
    Ok(())
}

/// Rewrites what `dirty` says changed.
pub async fn apply(
    tx: &Transaction<'_>,
    tenant: Uuid,
    sealer: &Sealer,
    dirty: &Dirty,
) -> Result<()> {
    if dirty.is_empty() {
        return Ok(());
    }
    let state = TenantState::load(tx, tenant).await?;
    let mut dirty = dirty.clone();
    if dirty.settings {
        dirty.groups.insert(ISOLIR_GROUP.to_owned());
        dirty
            .groups
            .extend(state.plans.values().map(|p| plan_group(&p.code)));
    }
    for plan in state.plans.values() {
        if plan
            .bandwidth_profile_id
            .is_some_and(|b| dirty.bandwidth.contains(&b.to_string()))
        {
            dirty.groups.insert(plan_group(&plan.code));
        }
    }
    write_groups(tx, tenant, &state, &dirty.groups).await?;
    if !dirty.customers.is_empty()
        || !dirty.plans.is_empty()
        || !dirty.routers.is_empty()
        || dirty.settings
        || !dirty.old_usernames.is_empty()
    {
        write_customers(tx, tenant, sealer, &state, &dirty, false).await?;
    }
    if dirty.nas {
        write_nas(tx, tenant, sealer, &state).await?;
    }
    Ok(())
}

/// The rows a tenant starts with: the isolir group from the default settings.
pub async fn initialise(tx: &Transaction<'_>, tenant: Uuid) -> Result<()> {
    let state = TenantState::load(tx, tenant).await?;
    write_groups(
        tx,
        tenant,
        &state,
        &BTreeSet::from([ISOLIR_GROUP.to_owned()]),
    )
    .await
}

/// Regenerates every derived row of the tenant from its synced rows.
pub async fn rebuild(tx: &Transaction<'_>, tenant: Uuid, sealer: &Sealer) -> Result<()> {
    for table in [
        "radcheck",
        "radreply",
        "radusergroup",
        "radgroupcheck",
        "radgroupreply",
    ] {
        tx.execute(
            &format!("DELETE FROM {table} WHERE tenant_id = $1"),
            &[&tenant],
        )
        .await?;
    }
    let state = TenantState::load(tx, tenant).await?;
    let mut groups: BTreeSet<String> = state.plans.values().map(|p| plan_group(&p.code)).collect();
    groups.insert(ISOLIR_GROUP.to_owned());
    write_groups(tx, tenant, &state, &groups).await?;
    write_customers(tx, tenant, sealer, &state, &Dirty::default(), true).await?;
    write_nas(tx, tenant, sealer, &state).await
}

/// Every derived RADIUS row of the tenant, sorted, without ids: what FreeRADIUS sees.
/// Two equal snapshots authenticate everyone the same way.
pub async fn snapshot(
    client: &impl tokio_postgres::GenericClient,
    tenant: Uuid,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (table, key) in [
        ("radcheck", "username"),
        ("radreply", "username"),
        ("radgroupcheck", "groupname"),
        ("radgroupreply", "groupname"),
    ] {
        for r in client
            .query(
                &format!("SELECT {key}, attribute, op, value FROM {table} WHERE tenant_id = $1"),
                &[&tenant],
            )
            .await?
        {
            out.push(format!(
                "{table}|{}|{}|{}|{}",
                r.get::<_, String>(0),
                r.get::<_, String>(1),
                r.get::<_, String>(2),
                r.get::<_, String>(3)
            ));
        }
    }
    for r in client
        .query(
            "SELECT username, groupname, priority FROM radusergroup WHERE tenant_id = $1",
            &[&tenant],
        )
        .await?
    {
        out.push(format!(
            "radusergroup|{}|{}|{}",
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            r.get::<_, i32>(2)
        ));
    }
    for r in client
        .query(
            "SELECT nasname, shortname, type, secret, COALESCE(description, '') FROM nas WHERE tenant_id = $1",
            &[&tenant],
        )
        .await?
    {
        out.push(format!(
            "nas|{}|{}|{}|{}|{}",
            r.get::<_, String>(0),
            r.get::<_, String>(1),
            r.get::<_, String>(2),
            r.get::<_, String>(3),
            r.get::<_, String>(4)
        ));
    }
    out.sort();
    Ok(out)
}
