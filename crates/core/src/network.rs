//! Routers, IP pools, bandwidth profiles, and PPPoE/hotspot profiles and servers: every
//! operation checks its permission, validates, writes, keeps the RADIUS rows in step and
//! logs the change, in one transaction.

use crate::Core;
use crate::activity;
use crate::auth::{Actor, authorize, authorize_any};
use crate::error::{Error, Result};
use crate::radius::{self, Deriver};
use crate::secrets::Purpose;
use ispdesk_domain::bandwidth::{
    BandwidthInput, BandwidthProfile, Burst, RatePair, validate_bandwidth,
};
use ispdesk_domain::ip_pool::{
    IpPool, IpPoolInput, IpRange, PoolType, parse_ranges, validate_pool,
};
use ispdesk_domain::network::{
    HotspotProfile, HotspotServer, NetworkLookup, PppoeProfile, PppoeServer, ProfileInput,
    ServerInput, validate_hotspot_profile, validate_hotspot_server, validate_pppoe_profile,
    validate_pppoe_server,
};
use ispdesk_domain::plan::ServiceType;
use ispdesk_domain::radius::RouterProfile;
use ispdesk_domain::router::{ProvisioningMode, Router, RouterInput, validate_router};
use ispdesk_domain::time::to_storage;
use ispdesk_domain::{
    BandwidthProfileId, FieldError, HotspotProfileId, HotspotServerId, IpPoolId, Permission,
    PppoeProfileId, PppoeServerId, RouterId, ValidationCode,
};
use rusqlite::{Connection, OptionalExtension, Row};
use serde_json::json;

/// Who may read routers (to pick one for a customer or a pool) without managing them.
const READ_ROUTERS: &[Permission] = &[
    Permission::ManageRouters,
    Permission::ManageCustomers,
    Permission::ManageIpPools,
    Permission::ManageBandwidthProfiles,
    Permission::ManageRouterScripts,
];
const READ_BANDWIDTH: &[Permission] = &[
    Permission::ManageBandwidthProfiles,
    Permission::ManageServicePlans,
    Permission::ManageRouters,
];
const READ_POOLS: &[Permission] = &[Permission::ManageIpPools, Permission::ManageRouters];

fn parse_id<T: std::str::FromStr>(text: String) -> rusqlite::Result<T> {
    text.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, "bad id".into())
    })
}

fn opt_id<T: std::str::FromStr>(text: Option<String>) -> Option<T> {
    text.and_then(|t| t.parse().ok())
}

fn count(conn: &Connection, sql: &str, id: &str) -> Result<u64> {
    let n: i64 = conn.query_row(sql, [id], |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

fn refuse_if_used(conn: &Connection, id: &str, uses: &[(&'static str, &str)]) -> Result<()> {
    for (entity, sql) in uses {
        let n = count(conn, sql, id)?;
        if n > 0 {
            return Err(Error::InUse { entity, count: n });
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------- routers

const ROUTER_COLUMNS: &str = "id, name, short_name, address, api_username, api_port, api_tls, provisioning_mode, is_active, latitude, longitude, description, radius_secret_enc IS NOT NULL, api_password_enc IS NOT NULL";

fn router_from_row(r: &Row<'_>) -> rusqlite::Result<Router> {
    let mode: String = r.get(7)?;
    Ok(Router {
        id: parse_id(r.get(0)?)?,
        name: r.get(1)?,
        short_name: r.get(2)?,
        address: r.get(3)?,
        api_username: r.get(4)?,
        api_port: r.get(5)?,
        api_tls: r.get(6)?,
        provisioning_mode: ProvisioningMode::parse(&mode).unwrap_or(ProvisioningMode::Radius),
        is_active: r.get(8)?,
        latitude: r.get(9)?,
        longitude: r.get(10)?,
        description: r.get(11)?,
        has_radius_secret: r.get(12)?,
        has_api_password: r.get(13)?,
    })
}

pub(crate) fn load_router(conn: &Connection, id: RouterId) -> Result<Option<Router>> {
    Ok(conn
        .query_row(
            &format!("SELECT {ROUTER_COLUMNS} FROM routers WHERE id = ?1"),
            [id.to_string()],
            router_from_row,
        )
        .optional()?)
}

fn router_snapshot(r: &Router) -> serde_json::Value {
    json!({
        "name": r.name, "short_name": r.short_name, "address": r.address,
        "api_username": r.api_username, "api_port": r.api_port, "api_tls": r.api_tls,
        "provisioning_mode": r.provisioning_mode, "is_active": r.is_active,
        "latitude": r.latitude, "longitude": r.longitude,
    })
}

/// The credentials the RouterOS client needs (`None` where none is saved).
#[derive(Clone, Debug)]
pub struct RouterCredentials {
    pub router: Router,
    pub api_password: Option<String>,
    pub tls_fingerprint: Option<String>,
}

impl Core {
    pub fn list_routers(&self, actor: &Actor) -> Result<Vec<Router>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_ROUTERS)?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {ROUTER_COLUMNS} FROM routers ORDER BY name COLLATE NOCASE"
            ))?;
            let rows = stmt
                .query_map([], router_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    pub fn get_router(&self, actor: &Actor, id: RouterId) -> Result<Router> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_ROUTERS)?;
            load_router(tx, id)?.ok_or(Error::NotFound("router"))
        })
    }

    /// The router with its API password opened, for the RouterOS client.
    pub fn router_credentials(&self, actor: &Actor, id: RouterId) -> Result<RouterCredentials> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageRouters))?;
            crate::router_tasks::open_credentials(self, tx, id)
        })
    }

    pub fn create_router(&self, actor: &Actor, input: &RouterInput) -> Result<Router> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let taken = count(tx, "SELECT COUNT(*) FROM routers WHERE short_name = ?1", input.short_name.trim())? > 0;
            let valid = validate_router(RouterId::new(), input, None, taken)?;
            let r = &valid.router;
            let stamp = to_storage(now);
            tx.execute(
                "INSERT INTO routers (id, name, short_name, address, radius_secret_enc, api_username, api_password_enc, api_port, api_tls, provisioning_mode, is_active, latitude, longitude, description, rev, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1, ?15, ?15)",
                rusqlite::params![
                    r.id.to_string(), r.name, r.short_name, r.address,
                    valid.radius_secret.as_deref().map(|s| self.vault.seal(Purpose::RadiusSecret, s)),
                    r.api_username,
                    valid.api_password.as_deref().map(|s| self.vault.seal(Purpose::RouterApiPassword, s)),
                    r.api_port, r.api_tls, r.provisioning_mode.as_str(), r.is_active,
                    r.latitude, r.longitude, r.description, stamp,
                ],
            )?;
            radius::refresh_nas(tx, &self.vault)?;
            activity::record(tx, now, &me.who(), "create", "router", Some(&r.id.to_string()), &r.name, None, Some(router_snapshot(r)))?;
            Ok(r.clone())
        })
    }

    pub fn update_router(
        &self,
        actor: &Actor,
        id: RouterId,
        input: &RouterInput,
    ) -> Result<Router> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let old = load_router(tx, id)?.ok_or(Error::NotFound("router"))?;
            let taken = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM routers WHERE short_name = ?1 AND id != ?2)",
                (input.short_name.trim(), id.to_string()),
                |r| r.get::<_, bool>(0),
            )?;
            let valid = validate_router(id, input, Some(&old), taken)?;
            let r = &valid.router;
            tx.execute(
                "UPDATE routers SET name = ?2, short_name = ?3, address = ?4, api_username = ?5, api_port = ?6, api_tls = ?7,
                 provisioning_mode = ?8, is_active = ?9, latitude = ?10, longitude = ?11, description = ?12,
                 radius_secret_enc = COALESCE(?13, radius_secret_enc), api_password_enc = COALESCE(?14, api_password_enc),
                 tls_fingerprint = CASE WHEN ?15 THEN tls_fingerprint ELSE NULL END,
                 rev = rev + 1, updated_at = ?16 WHERE id = ?1",
                rusqlite::params![
                    id.to_string(), r.name, r.short_name, r.address, r.api_username, r.api_port, r.api_tls,
                    r.provisioning_mode.as_str(), r.is_active, r.latitude, r.longitude, r.description,
                    valid.radius_secret.as_deref().map(|s| self.vault.seal(Purpose::RadiusSecret, s)),
                    valid.api_password.as_deref().map(|s| self.vault.seal(Purpose::RouterApiPassword, s)),
                    // A new address or port is another device: its certificate is confirmed again.
                    old.address == r.address && old.api_port == r.api_port,
                    to_storage(now),
                ],
            )?;
            radius::refresh_nas(tx, &self.vault)?;
            let mut changed = vec![];
            if valid.radius_secret.is_some() {
                changed.push("radius_secret");
            }
            if valid.api_password.is_some() {
                changed.push("api_password");
            }
            let mut new = router_snapshot(r);
            new["secrets_changed"] = json!(changed);
            activity::record(tx, now, &me.who(), "update", "router", Some(&id.to_string()), &r.name, Some(router_snapshot(&old)), Some(new))?;
            Ok(r.clone())
        })
    }

    /// Deletes a router with its pools, profiles and servers; refused while customers
    /// are on it.
    pub fn delete_router(&self, actor: &Actor, id: RouterId) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let old = load_router(tx, id)?.ok_or(Error::NotFound("router"))?;
            let key = id.to_string();
            refuse_if_used(
                tx,
                &key,
                &[(
                    "customers",
                    "SELECT COUNT(*) FROM customers WHERE router_id = ?1",
                )],
            )?;
            for table in [
                "pppoe_servers",
                "hotspot_servers",
                "pppoe_profiles",
                "hotspot_profiles",
                "ip_pools",
            ] {
                tx.execute(&format!("DELETE FROM {table} WHERE router_id = ?1"), [&key])?;
            }
            tx.execute("DELETE FROM routers WHERE id = ?1", [&key])?;
            radius::refresh_nas(tx, &self.vault)?;
            activity::record(
                tx,
                now,
                &me.who(),
                "delete",
                "router",
                Some(&key),
                &old.name,
                Some(router_snapshot(&old)),
                None,
            )
        })
    }

    /// Remembers the TLS certificate fingerprint the owner confirmed for a router.
    pub fn pin_router_certificate(
        &self,
        actor: &Actor,
        id: RouterId,
        fingerprint: &str,
    ) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let router = load_router(tx, id)?.ok_or(Error::NotFound("router"))?;
            tx.execute(
                "UPDATE routers SET tls_fingerprint = ?2, rev = rev + 1, updated_at = ?3 WHERE id = ?1",
                (id.to_string(), fingerprint, to_storage(now)),
            )?;
            activity::record(tx, now, &me.who(), "pin_certificate", "router", Some(&id.to_string()), &router.name, None, Some(json!({ "fingerprint": fingerprint })))
        })
    }
}

// ---------------------------------------------------------------------------- pools

const POOL_COLUMNS: &str = "id, router_id, name, ranges, size, pool_type";

fn pool_from_row(r: &Row<'_>) -> rusqlite::Result<IpPool> {
    let pool_type: String = r.get(5)?;
    Ok(IpPool {
        id: parse_id(r.get(0)?)?,
        router_id: parse_id(r.get(1)?)?,
        name: r.get(2)?,
        ranges: r.get(3)?,
        size: r.get::<_, i64>(4)?.max(0) as u64,
        pool_type: PoolType::parse(&pool_type).unwrap_or(PoolType::Any),
    })
}

fn load_pool(conn: &Connection, id: IpPoolId) -> Result<Option<IpPool>> {
    Ok(conn
        .query_row(
            &format!("SELECT {POOL_COLUMNS} FROM ip_pools WHERE id = ?1"),
            [id.to_string()],
            pool_from_row,
        )
        .optional()?)
}

fn other_pools(
    conn: &Connection,
    router: RouterId,
    except: Option<IpPoolId>,
) -> Result<Vec<(String, Vec<IpRange>)>> {
    let mut stmt =
        conn.prepare("SELECT name, ranges FROM ip_pools WHERE router_id = ?1 AND id != ?2")?;
    let rows = stmt
        .query_map(
            (
                router.to_string(),
                except.map(|e| e.to_string()).unwrap_or_default(),
            ),
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(name, ranges)| (name, parse_ranges(&ranges).unwrap_or_default()))
        .collect())
}

fn pool_snapshot(p: &IpPool) -> serde_json::Value {
    json!({ "router_id": p.router_id, "name": p.name, "ranges": p.ranges, "size": p.size, "pool_type": p.pool_type })
}

fn router_for(conn: &Connection, text: &str) -> Result<RouterId> {
    let id = text.trim().parse::<RouterId>().map_err(|_| {
        Error::Validation(vec![FieldError::new(
            "router_id",
            if text.trim().is_empty() {
                ValidationCode::Required
            } else {
                ValidationCode::NotFound
            },
        )])
    })?;
    load_router(conn, id)?.map(|_| id).ok_or_else(|| {
        Error::Validation(vec![FieldError::new("router_id", ValidationCode::NotFound)])
    })
}

/// Refreshes the RADIUS rows of every customer on `router` (after a change to its pools
/// or profiles, which give those customers their address pool and session timeout).
fn refresh_router_customers(core: &Core, conn: &Connection, router: RouterId) -> Result<()> {
    Deriver::new(conn, &core.vault)?.refresh_where("router_id = ?1", [router.to_string()])?;
    Ok(())
}

impl Core {
    pub fn list_pools(&self, actor: &Actor, router: Option<RouterId>) -> Result<Vec<IpPool>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_POOLS)?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {POOL_COLUMNS} FROM ip_pools WHERE (?1 IS NULL OR router_id = ?1) ORDER BY name COLLATE NOCASE"
            ))?;
            let rows = stmt
                .query_map([router.map(|r| r.to_string())], pool_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    pub fn create_pool(&self, actor: &Actor, input: &IpPoolInput) -> Result<IpPool> {
        self.save_pool(actor, None, input)
    }

    pub fn update_pool(&self, actor: &Actor, id: IpPoolId, input: &IpPoolInput) -> Result<IpPool> {
        self.save_pool(actor, Some(id), input)
    }

    fn save_pool(
        &self,
        actor: &Actor,
        id: Option<IpPoolId>,
        input: &IpPoolInput,
    ) -> Result<IpPool> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageIpPools))?;
            let old = match id {
                Some(id) => Some(load_pool(tx, id)?.ok_or(Error::NotFound("pool"))?),
                None => None,
            };
            let router = router_for(tx, &input.router_id)?;
            if let Some(old) = &old
                && old.router_id != router
            {
                // A pool belongs to its router; move it by making a new one.
                return Err(Error::Validation(vec![FieldError::new("router_id", ValidationCode::OtherRouter)]));
            }
            let others = other_pools(tx, router, id)?;
            let (pool, _) = validate_pool(id.unwrap_or_default(), router, input, &others)?;
            let stamp = to_storage(now);
            match &old {
                None => tx.execute(
                    "INSERT INTO ip_pools (id, router_id, name, ranges, size, pool_type, rev, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7)",
                    rusqlite::params![pool.id.to_string(), router.to_string(), pool.name, pool.ranges, pool.size as i64, pool.pool_type.as_str(), stamp],
                )?,
                Some(_) => tx.execute(
                    "UPDATE ip_pools SET name = ?2, ranges = ?3, size = ?4, pool_type = ?5, rev = rev + 1, updated_at = ?6 WHERE id = ?1",
                    rusqlite::params![pool.id.to_string(), pool.name, pool.ranges, pool.size as i64, pool.pool_type.as_str(), stamp],
                )?,
            };
            if old.as_ref().is_some_and(|o| o.name != pool.name) {
                refresh_router_customers(self, tx, router)?;
            }
            activity::record(
                tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "ip_pool",
                Some(&pool.id.to_string()), &pool.name, old.as_ref().map(pool_snapshot), Some(pool_snapshot(&pool)),
            )?;
            Ok(pool)
        })
    }

    pub fn delete_pool(&self, actor: &Actor, id: IpPoolId) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageIpPools))?;
            let old = load_pool(tx, id)?.ok_or(Error::NotFound("pool"))?;
            let key = id.to_string();
            refuse_if_used(
                tx,
                &key,
                &[
                    (
                        "pppoe_profiles",
                        "SELECT COUNT(*) FROM pppoe_profiles WHERE ip_pool_id = ?1",
                    ),
                    (
                        "hotspot_profiles",
                        "SELECT COUNT(*) FROM hotspot_profiles WHERE ip_pool_id = ?1",
                    ),
                    (
                        "hotspot_servers",
                        "SELECT COUNT(*) FROM hotspot_servers WHERE ip_pool_id = ?1",
                    ),
                ],
            )?;
            tx.execute("DELETE FROM ip_pools WHERE id = ?1", [&key])?;
            activity::record(
                tx,
                now,
                &me.who(),
                "delete",
                "ip_pool",
                Some(&key),
                &old.name,
                Some(pool_snapshot(&old)),
                None,
            )
        })
    }
}

// ---------------------------------------------------------------------------- bandwidth

const BANDWIDTH_COLUMNS: &str = "id, name, rate_up_bps, rate_down_bps, burst_up_bps, burst_down_bps, threshold_up_bps, threshold_down_bps, burst_time_up_s, burst_time_down_s, priority, limit_at_up_bps, limit_at_down_bps";

fn bandwidth_from_row(r: &Row<'_>) -> rusqlite::Result<BandwidthProfile> {
    let u = |i: usize| -> rusqlite::Result<Option<u64>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(|v| v.max(0) as u64))
    };
    let burst = match (u(4)?, u(5)?) {
        (Some(bu), Some(bd)) => Some(Burst {
            limit: RatePair {
                up_bps: bu,
                down_bps: bd,
            },
            threshold: RatePair {
                up_bps: u(6)?.unwrap_or(0),
                down_bps: u(7)?.unwrap_or(0),
            },
            time_up_s: r.get::<_, Option<u32>>(8)?.unwrap_or(1),
            time_down_s: r.get::<_, Option<u32>>(9)?.unwrap_or(1),
        }),
        _ => None,
    };
    let limit_at = match (u(11)?, u(12)?) {
        (Some(lu), Some(ld)) => Some(RatePair {
            up_bps: lu,
            down_bps: ld,
        }),
        _ => None,
    };
    Ok(BandwidthProfile {
        id: parse_id(r.get(0)?)?,
        name: r.get(1)?,
        rate_up_bps: u(2)?.unwrap_or(0),
        rate_down_bps: u(3)?.unwrap_or(0),
        burst,
        priority: r.get(10)?,
        limit_at,
    })
}

pub(crate) fn load_bandwidth(
    conn: &Connection,
    id: BandwidthProfileId,
) -> Result<Option<BandwidthProfile>> {
    Ok(conn
        .query_row(
            &format!("SELECT {BANDWIDTH_COLUMNS} FROM bandwidth_profiles WHERE id = ?1"),
            [id.to_string()],
            bandwidth_from_row,
        )
        .optional()?)
}

fn bandwidth_snapshot(b: &BandwidthProfile) -> serde_json::Value {
    json!({ "name": b.name, "rate_limit": b.rate_limit() })
}

impl Core {
    pub fn list_bandwidth_profiles(&self, actor: &Actor) -> Result<Vec<BandwidthProfile>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_BANDWIDTH)?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {BANDWIDTH_COLUMNS} FROM bandwidth_profiles ORDER BY name COLLATE NOCASE"
            ))?;
            let rows = stmt
                .query_map([], bandwidth_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    pub fn create_bandwidth_profile(
        &self,
        actor: &Actor,
        input: &BandwidthInput,
    ) -> Result<BandwidthProfile> {
        self.save_bandwidth(actor, None, input)
    }

    /// Also rewrites the RADIUS group of every plan using the profile: one row each, however
    /// many customers are on those plans.
    pub fn update_bandwidth_profile(
        &self,
        actor: &Actor,
        id: BandwidthProfileId,
        input: &BandwidthInput,
    ) -> Result<BandwidthProfile> {
        self.save_bandwidth(actor, Some(id), input)
    }

    fn save_bandwidth(
        &self,
        actor: &Actor,
        id: Option<BandwidthProfileId>,
        input: &BandwidthInput,
    ) -> Result<BandwidthProfile> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageBandwidthProfiles))?;
            let old = match id {
                Some(id) => Some(load_bandwidth(tx, id)?.ok_or(Error::NotFound("bandwidth_profile"))?),
                None => None,
            };
            let profile = validate_bandwidth(id.unwrap_or_default(), input)?;
            let taken = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM bandwidth_profiles WHERE name = ?1 AND id != ?2)",
                (&profile.name, profile.id.to_string()),
                |r| r.get::<_, bool>(0),
            )?;
            if taken {
                return Err(Error::Validation(vec![FieldError::new("name", ValidationCode::AlreadyUsed)]));
            }
            let b = profile.burst;
            let l = profile.limit_at;
            let params = rusqlite::params![
                profile.id.to_string(), profile.name, profile.rate_up_bps as i64, profile.rate_down_bps as i64,
                b.map(|b| b.limit.up_bps as i64), b.map(|b| b.limit.down_bps as i64),
                b.map(|b| b.threshold.up_bps as i64), b.map(|b| b.threshold.down_bps as i64),
                b.map(|b| b.time_up_s), b.map(|b| b.time_down_s), profile.priority,
                l.map(|l| l.up_bps as i64), l.map(|l| l.down_bps as i64), to_storage(now),
            ];
            match &old {
                None => tx.execute(
                    "INSERT INTO bandwidth_profiles (id, name, rate_up_bps, rate_down_bps, burst_up_bps, burst_down_bps, threshold_up_bps, threshold_down_bps, burst_time_up_s, burst_time_down_s, priority, limit_at_up_bps, limit_at_down_bps, rev, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, ?14, ?14)",
                    params,
                )?,
                Some(_) => tx.execute(
                    "UPDATE bandwidth_profiles SET name = ?2, rate_up_bps = ?3, rate_down_bps = ?4, burst_up_bps = ?5, burst_down_bps = ?6, threshold_up_bps = ?7, threshold_down_bps = ?8, burst_time_up_s = ?9, burst_time_down_s = ?10, priority = ?11, limit_at_up_bps = ?12, limit_at_down_bps = ?13, rev = rev + 1, updated_at = ?14 WHERE id = ?1",
                    params,
                )?,
            };
            if old.is_some() {
                let plans: Vec<String> = tx
                    .prepare("SELECT id FROM service_plans WHERE bandwidth_profile_id = ?1")?
                    .query_map([profile.id.to_string()], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for plan_id in plans {
                    if let Some(plan) = crate::plans::load_plan(tx, plan_id.parse().map_err(|_| Error::NotFound("plan"))?)? {
                        radius::refresh_plan_group(tx, &plan)?;
                    }
                }
            }
            activity::record(
                tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "bandwidth_profile",
                Some(&profile.id.to_string()), &profile.name, old.as_ref().map(bandwidth_snapshot), Some(bandwidth_snapshot(&profile)),
            )?;
            Ok(profile)
        })
    }

    pub fn delete_bandwidth_profile(&self, actor: &Actor, id: BandwidthProfileId) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageBandwidthProfiles))?;
            let old = load_bandwidth(tx, id)?.ok_or(Error::NotFound("bandwidth_profile"))?;
            let key = id.to_string();
            refuse_if_used(
                tx,
                &key,
                &[
                    (
                        "service_plans",
                        "SELECT COUNT(*) FROM service_plans WHERE bandwidth_profile_id = ?1",
                    ),
                    (
                        "pppoe_profiles",
                        "SELECT COUNT(*) FROM pppoe_profiles WHERE bandwidth_profile_id = ?1",
                    ),
                    (
                        "hotspot_profiles",
                        "SELECT COUNT(*) FROM hotspot_profiles WHERE bandwidth_profile_id = ?1",
                    ),
                ],
            )?;
            tx.execute("DELETE FROM bandwidth_profiles WHERE id = ?1", [&key])?;
            activity::record(
                tx,
                now,
                &me.who(),
                "delete",
                "bandwidth_profile",
                Some(&key),
                &old.name,
                Some(bandwidth_snapshot(&old)),
                None,
            )
        })
    }
}

// ---------------------------------------------------------------------------- profiles and servers

/// The pool name and session timeout of the profile called `name` on `router` for the
/// service type (a PPP profile or a hotspot user profile).
pub(crate) fn router_profile(
    conn: &Connection,
    router: RouterId,
    service: ServiceType,
    name: &str,
) -> Result<Option<RouterProfile>> {
    let table = match service {
        ServiceType::Pppoe => "pppoe_profiles",
        ServiceType::Hotspot => "hotspot_profiles",
    };
    Ok(conn
        .prepare_cached(&format!(
            "SELECT p.name, t.session_timeout_s FROM {table} t LEFT JOIN ip_pools p ON p.id = t.ip_pool_id
             WHERE t.router_id = ?1 AND t.name = ?2"
        ))?
        .query_row((router.to_string(), name), |r| {
            Ok(RouterProfile { pool_name: r.get(0)?, session_timeout_s: r.get(1)? })
        })
        .optional()?)
}

fn lookup_fns(
    conn: &Connection,
) -> (
    impl Fn(IpPoolId) -> Option<RouterId> + '_,
    impl Fn(BandwidthProfileId) -> bool + '_,
    impl Fn(RouterId) -> bool + '_,
) {
    (
        move |id: IpPoolId| {
            conn.query_row(
                "SELECT router_id FROM ip_pools WHERE id = ?1",
                [id.to_string()],
                |r| r.get::<_, String>(0),
            )
            .ok()
            .and_then(|t| t.parse().ok())
        },
        move |id: BandwidthProfileId| {
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM bandwidth_profiles WHERE id = ?1)",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap_or(false)
        },
        move |id: RouterId| {
            conn.query_row(
                "SELECT EXISTS (SELECT 1 FROM routers WHERE id = ?1)",
                [id.to_string()],
                |r| r.get(0),
            )
            .unwrap_or(false)
        },
    )
}

fn name_taken(
    conn: &Connection,
    table: &str,
    column: &str,
    router: RouterId,
    name: &str,
    except: &str,
) -> bool {
    conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE router_id = ?1 AND {column} = ?2 AND id != ?3)"),
        (router.to_string(), name, except),
        |r| r.get(0),
    )
    .unwrap_or(false)
}

const PPPOE_PROFILE_COLUMNS: &str = "id, router_id, name, ip_pool_id, bandwidth_profile_id, local_address, dns_servers, session_timeout_s, shared_users";
const HOTSPOT_PROFILE_COLUMNS: &str = "id, router_id, name, ip_pool_id, bandwidth_profile_id, shared_users, session_timeout_s, dns_name";
const PPPOE_SERVER_COLUMNS: &str = "id, router_id, service_name, interface, default_profile_id, authentication, one_session_per_host, is_active";
const HOTSPOT_SERVER_COLUMNS: &str =
    "id, router_id, name, interface, ip_pool_id, profile_id, is_active";

fn pppoe_profile_from_row(r: &Row<'_>) -> rusqlite::Result<PppoeProfile> {
    Ok(PppoeProfile {
        id: parse_id(r.get(0)?)?,
        router_id: parse_id(r.get(1)?)?,
        name: r.get(2)?,
        ip_pool_id: opt_id(r.get(3)?),
        bandwidth_profile_id: opt_id(r.get(4)?),
        local_address: r.get(5)?,
        dns_servers: r.get(6)?,
        session_timeout_s: r.get(7)?,
        shared_users: r.get(8)?,
    })
}

fn hotspot_profile_from_row(r: &Row<'_>) -> rusqlite::Result<HotspotProfile> {
    Ok(HotspotProfile {
        id: parse_id(r.get(0)?)?,
        router_id: parse_id(r.get(1)?)?,
        name: r.get(2)?,
        ip_pool_id: opt_id(r.get(3)?),
        bandwidth_profile_id: opt_id(r.get(4)?),
        shared_users: r.get(5)?,
        session_timeout_s: r.get(6)?,
        dns_name: r.get(7)?,
    })
}

fn pppoe_server_from_row(r: &Row<'_>) -> rusqlite::Result<PppoeServer> {
    Ok(PppoeServer {
        id: parse_id(r.get(0)?)?,
        router_id: parse_id(r.get(1)?)?,
        service_name: r.get(2)?,
        interface: r.get(3)?,
        default_profile_id: opt_id(r.get(4)?),
        authentication: r.get(5)?,
        one_session_per_host: r.get(6)?,
        is_active: r.get(7)?,
    })
}

fn hotspot_server_from_row(r: &Row<'_>) -> rusqlite::Result<HotspotServer> {
    Ok(HotspotServer {
        id: parse_id(r.get(0)?)?,
        router_id: parse_id(r.get(1)?)?,
        name: r.get(2)?,
        interface: r.get(3)?,
        ip_pool_id: opt_id(r.get(4)?),
        profile_id: opt_id(r.get(5)?),
        is_active: r.get(6)?,
    })
}

fn list<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    order: &str,
    router: Option<RouterId>,
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {columns} FROM {table} WHERE (?1 IS NULL OR router_id = ?1) ORDER BY {order} COLLATE NOCASE"
    ))?;
    let rows = stmt
        .query_map([router.map(|r| r.to_string())], map)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn load_one<T>(
    conn: &Connection,
    table: &str,
    columns: &str,
    id: &str,
    map: fn(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    Ok(conn
        .query_row(
            &format!("SELECT {columns} FROM {table} WHERE id = ?1"),
            [id],
            map,
        )
        .optional()?)
}

fn snapshot<T: serde::Serialize>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

impl Core {
    pub fn list_pppoe_profiles(
        &self,
        actor: &Actor,
        router: Option<RouterId>,
    ) -> Result<Vec<PppoeProfile>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_ROUTERS)?;
            list(
                tx,
                "pppoe_profiles",
                PPPOE_PROFILE_COLUMNS,
                "name",
                router,
                pppoe_profile_from_row,
            )
        })
    }

    pub fn list_hotspot_profiles(
        &self,
        actor: &Actor,
        router: Option<RouterId>,
    ) -> Result<Vec<HotspotProfile>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_ROUTERS)?;
            list(
                tx,
                "hotspot_profiles",
                HOTSPOT_PROFILE_COLUMNS,
                "name",
                router,
                hotspot_profile_from_row,
            )
        })
    }

    pub fn list_pppoe_servers(
        &self,
        actor: &Actor,
        router: Option<RouterId>,
    ) -> Result<Vec<PppoeServer>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_ROUTERS)?;
            list(
                tx,
                "pppoe_servers",
                PPPOE_SERVER_COLUMNS,
                "service_name",
                router,
                pppoe_server_from_row,
            )
        })
    }

    pub fn list_hotspot_servers(
        &self,
        actor: &Actor,
        router: Option<RouterId>,
    ) -> Result<Vec<HotspotServer>> {
        self.read(|tx| {
            authorize_any(tx, actor, READ_ROUTERS)?;
            list(
                tx,
                "hotspot_servers",
                HOTSPOT_SERVER_COLUMNS,
                "name",
                router,
                hotspot_server_from_row,
            )
        })
    }

    /// Creates (`id` none) or updates a PPPoE profile; the customers on its router whose
    /// plan names it get its pool and session timeout.
    pub fn save_pppoe_profile(
        &self,
        actor: &Actor,
        id: Option<PppoeProfileId>,
        input: &ProfileInput,
    ) -> Result<PppoeProfile> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let old = match id {
                Some(id) => Some(load_one(tx, "pppoe_profiles", PPPOE_PROFILE_COLUMNS, &id.to_string(), pppoe_profile_from_row)?.ok_or(Error::NotFound("pppoe_profile"))?),
                None => None,
            };
            let id = id.unwrap_or_default();
            let (pool_router, bandwidth_exists, router_exists) = lookup_fns(tx);
            let key = id.to_string();
            let taken = |r: RouterId, n: &str| name_taken(tx, "pppoe_profiles", "name", r, n, &key);
            let look = NetworkLookup { pool_router: &pool_router, bandwidth_exists: &bandwidth_exists, router_exists: &router_exists, name_taken: &taken };
            let p = validate_pppoe_profile(id, input, &look)?;
            if old.as_ref().is_some_and(|o| o.router_id != p.router_id) {
                return Err(Error::Validation(vec![FieldError::new("router_id", ValidationCode::OtherRouter)]));
            }
            let params = rusqlite::params![
                key, p.router_id.to_string(), p.name, p.ip_pool_id.map(|x| x.to_string()), p.bandwidth_profile_id.map(|x| x.to_string()),
                p.local_address, p.dns_servers, p.session_timeout_s, p.shared_users, to_storage(now),
            ];
            match &old {
                None => tx.execute("INSERT INTO pppoe_profiles (id, router_id, name, ip_pool_id, bandwidth_profile_id, local_address, dns_servers, session_timeout_s, shared_users, rev, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10)", params)?,
                Some(_) => tx.execute("UPDATE pppoe_profiles SET name = ?3, ip_pool_id = ?4, bandwidth_profile_id = ?5, local_address = ?6, dns_servers = ?7, session_timeout_s = ?8, shared_users = ?9, rev = rev + 1, updated_at = ?10 WHERE id = ?1 AND router_id = ?2", params)?,
            };
            refresh_router_customers(self, tx, p.router_id)?;
            activity::record(tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "pppoe_profile", Some(&key), &p.name, old.as_ref().map(snapshot), Some(snapshot(&p)))?;
            Ok(p)
        })
    }

    pub fn save_hotspot_profile(
        &self,
        actor: &Actor,
        id: Option<HotspotProfileId>,
        input: &ProfileInput,
    ) -> Result<HotspotProfile> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let old = match id {
                Some(id) => Some(load_one(tx, "hotspot_profiles", HOTSPOT_PROFILE_COLUMNS, &id.to_string(), hotspot_profile_from_row)?.ok_or(Error::NotFound("hotspot_profile"))?),
                None => None,
            };
            let id = id.unwrap_or_default();
            let (pool_router, bandwidth_exists, router_exists) = lookup_fns(tx);
            let key = id.to_string();
            let taken = |r: RouterId, n: &str| name_taken(tx, "hotspot_profiles", "name", r, n, &key);
            let look = NetworkLookup { pool_router: &pool_router, bandwidth_exists: &bandwidth_exists, router_exists: &router_exists, name_taken: &taken };
            let p = validate_hotspot_profile(id, input, &look)?;
            if old.as_ref().is_some_and(|o| o.router_id != p.router_id) {
                return Err(Error::Validation(vec![FieldError::new("router_id", ValidationCode::OtherRouter)]));
            }
            let params = rusqlite::params![
                key, p.router_id.to_string(), p.name, p.ip_pool_id.map(|x| x.to_string()), p.bandwidth_profile_id.map(|x| x.to_string()),
                p.shared_users, p.session_timeout_s, p.dns_name, to_storage(now),
            ];
            match &old {
                None => tx.execute("INSERT INTO hotspot_profiles (id, router_id, name, ip_pool_id, bandwidth_profile_id, shared_users, session_timeout_s, dns_name, rev, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)", params)?,
                Some(_) => tx.execute("UPDATE hotspot_profiles SET name = ?3, ip_pool_id = ?4, bandwidth_profile_id = ?5, shared_users = ?6, session_timeout_s = ?7, dns_name = ?8, rev = rev + 1, updated_at = ?9 WHERE id = ?1 AND router_id = ?2", params)?,
            };
            refresh_router_customers(self, tx, p.router_id)?;
            activity::record(tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "hotspot_profile", Some(&key), &p.name, old.as_ref().map(snapshot), Some(snapshot(&p)))?;
            Ok(p)
        })
    }

    pub fn save_pppoe_server(
        &self,
        actor: &Actor,
        id: Option<PppoeServerId>,
        input: &ServerInput,
    ) -> Result<PppoeServer> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let old = match id {
                Some(id) => Some(load_one(tx, "pppoe_servers", PPPOE_SERVER_COLUMNS, &id.to_string(), pppoe_server_from_row)?.ok_or(Error::NotFound("pppoe_server"))?),
                None => None,
            };
            let id = id.unwrap_or_default();
            let (pool_router, bandwidth_exists, router_exists) = lookup_fns(tx);
            let key = id.to_string();
            let taken = |r: RouterId, n: &str| name_taken(tx, "pppoe_servers", "service_name", r, n, &key);
            let look = NetworkLookup { pool_router: &pool_router, bandwidth_exists: &bandwidth_exists, router_exists: &router_exists, name_taken: &taken };
            let profile_router = |p: PppoeProfileId| -> Option<RouterId> {
                tx.query_row("SELECT router_id FROM pppoe_profiles WHERE id = ?1", [p.to_string()], |r| r.get::<_, String>(0)).ok().and_then(|t| t.parse().ok())
            };
            let s = validate_pppoe_server(id, input, &look, &profile_router)?;
            if old.as_ref().is_some_and(|o| o.router_id != s.router_id) {
                return Err(Error::Validation(vec![FieldError::new("router_id", ValidationCode::OtherRouter)]));
            }
            let params = rusqlite::params![
                key, s.router_id.to_string(), s.service_name, s.interface, s.default_profile_id.map(|x| x.to_string()),
                s.authentication, s.one_session_per_host, s.is_active, to_storage(now),
            ];
            match &old {
                None => tx.execute("INSERT INTO pppoe_servers (id, router_id, service_name, interface, default_profile_id, authentication, one_session_per_host, is_active, rev, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1, ?9, ?9)", params)?,
                Some(_) => tx.execute("UPDATE pppoe_servers SET service_name = ?3, interface = ?4, default_profile_id = ?5, authentication = ?6, one_session_per_host = ?7, is_active = ?8, rev = rev + 1, updated_at = ?9 WHERE id = ?1 AND router_id = ?2", params)?,
            };
            activity::record(tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "pppoe_server", Some(&key), &s.service_name, old.as_ref().map(snapshot), Some(snapshot(&s)))?;
            Ok(s)
        })
    }

    pub fn save_hotspot_server(
        &self,
        actor: &Actor,
        id: Option<HotspotServerId>,
        input: &ServerInput,
    ) -> Result<HotspotServer> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let old = match id {
                Some(id) => Some(load_one(tx, "hotspot_servers", HOTSPOT_SERVER_COLUMNS, &id.to_string(), hotspot_server_from_row)?.ok_or(Error::NotFound("hotspot_server"))?),
                None => None,
            };
            let id = id.unwrap_or_default();
            let (pool_router, bandwidth_exists, router_exists) = lookup_fns(tx);
            let key = id.to_string();
            let taken = |r: RouterId, n: &str| name_taken(tx, "hotspot_servers", "name", r, n, &key);
            let look = NetworkLookup { pool_router: &pool_router, bandwidth_exists: &bandwidth_exists, router_exists: &router_exists, name_taken: &taken };
            let profile_router = |p: HotspotProfileId| -> Option<RouterId> {
                tx.query_row("SELECT router_id FROM hotspot_profiles WHERE id = ?1", [p.to_string()], |r| r.get::<_, String>(0)).ok().and_then(|t| t.parse().ok())
            };
            let s = validate_hotspot_server(id, input, &look, &profile_router)?;
            if old.as_ref().is_some_and(|o| o.router_id != s.router_id) {
                return Err(Error::Validation(vec![FieldError::new("router_id", ValidationCode::OtherRouter)]));
            }
            let params = rusqlite::params![
                key, s.router_id.to_string(), s.name, s.interface, s.ip_pool_id.map(|x| x.to_string()),
                s.profile_id.map(|x| x.to_string()), s.is_active, to_storage(now),
            ];
            match &old {
                None => tx.execute("INSERT INTO hotspot_servers (id, router_id, name, interface, ip_pool_id, profile_id, is_active, rev, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8, ?8)", params)?,
                Some(_) => tx.execute("UPDATE hotspot_servers SET name = ?3, interface = ?4, ip_pool_id = ?5, profile_id = ?6, is_active = ?7, rev = rev + 1, updated_at = ?8 WHERE id = ?1 AND router_id = ?2", params)?,
            };
            activity::record(tx, now, &me.who(), if old.is_some() { "update" } else { "create" }, "hotspot_server", Some(&key), &s.name, old.as_ref().map(snapshot), Some(snapshot(&s)))?;
            Ok(s)
        })
    }

    /// Deletes a PPPoE or hotspot profile or server by kind; profiles still used by a
    /// server are refused.
    pub fn delete_network_item(&self, actor: &Actor, kind: NetworkItem, id: &str) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageRouters))?;
            let (table, name_column, entity) = kind.table();
            let (router, name): (String, String) = tx
                .query_row(
                    &format!("SELECT router_id, {name_column} FROM {table} WHERE id = ?1"),
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or(Error::NotFound(entity))?;
            match kind {
                NetworkItem::PppoeProfile => refuse_if_used(
                    tx,
                    id,
                    &[(
                        "pppoe_servers",
                        "SELECT COUNT(*) FROM pppoe_servers WHERE default_profile_id = ?1",
                    )],
                )?,
                NetworkItem::HotspotProfile => refuse_if_used(
                    tx,
                    id,
                    &[(
                        "hotspot_servers",
                        "SELECT COUNT(*) FROM hotspot_servers WHERE profile_id = ?1",
                    )],
                )?,
                _ => {}
            }
            tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])?;
            if matches!(
                kind,
                NetworkItem::PppoeProfile | NetworkItem::HotspotProfile
            ) {
                refresh_router_customers(
                    self,
                    tx,
                    router.parse().map_err(|_| Error::NotFound("router"))?,
                )?;
            }
            activity::record(
                tx,
                now,
                &me.who(),
                "delete",
                entity,
                Some(id),
                &name,
                None,
                None,
            )
        })
    }
}

/// The per-router network items deleted through [`Core::delete_network_item`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum NetworkItem {
    PppoeProfile,
    PppoeServer,
    HotspotProfile,
    HotspotServer,
}

impl NetworkItem {
    fn table(self) -> (&'static str, &'static str, &'static str) {
        match self {
            NetworkItem::PppoeProfile => ("pppoe_profiles", "name", "pppoe_profile"),
            NetworkItem::PppoeServer => ("pppoe_servers", "service_name", "pppoe_server"),
            NetworkItem::HotspotProfile => ("hotspot_profiles", "name", "hotspot_profile"),
            NetworkItem::HotspotServer => ("hotspot_servers", "name", "hotspot_server"),
        }
    }
}
