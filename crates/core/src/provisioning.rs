//! api-mode provisioning, the core's half: the desired state of a router gathered from the
//! database (customers with their passwords opened, plans, the router's profiles) and the
//! queue of routers to reconcile.
//!
//! The queue (`provision_queue`, migration V3) is filled by triggers in the same transaction
//! as any change that concerns a router in `api` mode — a customer's password, status, plan
//! or router, a plan's profile or speed, a profile, a pool's name — so no operation can
//! forget it. `ispdesk-routers` drains it: [`Core::due_provisioning`], then for each router
//! [`Core::provisioning_job`], apply, and [`Core::finish_provisioning`] (or
//! [`Core::postpone_provisioning`] when the router could not be reached). A row is cleared
//! only if no change arrived meanwhile (its `generation` is unchanged).

use crate::Core;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::network::{RouterCredentials, load_bandwidth, load_router};
use crate::plans::load_plan;
use crate::router_tasks::{RouterTask, authorize_task, open_credentials, record_system};
use crate::secrets::Purpose;
use chrono::{DateTime, Duration, Utc};
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::plan::{ServicePlan, ServiceType};
use ispdesk_domain::provisioning::{DesiredState, ProfileRecord, Subscriber, desired_state};
use ispdesk_domain::router::{ProvisioningMode, Router};
use ispdesk_domain::time::to_storage;
use ispdesk_domain::{BandwidthProfileId, PlanId, RouterId};
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;

/// What a router should hold, for the provisioning diff. Holds subscriber passwords: it
/// never leaves the backend.
#[derive(Clone, Debug)]
pub struct ProvisioningState {
    pub router: Router,
    pub desired: DesiredState,
    /// The router's queue entry, if a change is waiting for it.
    pub queued_generation: Option<i64>,
}

/// One queued router for the provisioning job, with what it needs to connect.
#[derive(Clone, Debug)]
pub struct ProvisioningJob {
    pub credentials: RouterCredentials,
    pub desired: DesiredState,
    pub generation: i64,
    pub attempts: i64,
}

/// The longest wait between attempts at an unreachable router.
const MAX_RETRY_WAIT: Duration = Duration::minutes(30);

fn rate_limit_of(conn: &Connection, id: Option<BandwidthProfileId>) -> Result<Option<String>> {
    Ok(match id {
        Some(id) => load_bandwidth(conn, id)?.map(|b| b.rate_limit()),
        None => None,
    })
}

/// Gathers the router's customers and profiles and derives what it should hold.
fn desired_for(core: &Core, conn: &Connection, router: RouterId) -> Result<DesiredState> {
    let key = router.to_string();
    type CustomerRow = (String, String, Vec<u8>, String, String, Option<String>);
    let rows: Vec<CustomerRow> = conn
        .prepare(
            "SELECT id, username, password_enc, service_type, status, plan_id FROM customers
             WHERE router_id = ?1 ORDER BY username",
        )?
        .query_map([&key], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut plans: HashMap<PlanId, Option<(ServicePlan, Option<String>)>> = HashMap::new();
    let mut subscribers = Vec::with_capacity(rows.len());
    for (id, username, sealed, service, status, plan_id) in rows {
        let password = core
            .vault
            .open(Purpose::CustomerPassword, &sealed)
            .ok_or(Error::SecretsUnavailable)?;
        let plan = match plan_id.and_then(|p| p.parse::<PlanId>().ok()) {
            Some(plan_id) => {
                if let std::collections::hash_map::Entry::Vacant(slot) = plans.entry(plan_id) {
                    let loaded = match load_plan(conn, plan_id)? {
                        Some(p) => {
                            let rate = rate_limit_of(conn, p.bandwidth_profile_id)?;
                            Some((p, rate))
                        }
                        None => None,
                    };
                    slot.insert(loaded);
                }
                plans[&plan_id].as_ref()
            }
            None => None,
        };
        subscribers.push(Subscriber {
            customer_id: id.parse().map_err(|_| Error::NotFound("customer"))?,
            username,
            password,
            service: ServiceType::parse(&service).unwrap_or(ServiceType::Hotspot),
            status: CustomerStatus::parse(&status).unwrap_or(CustomerStatus::Inactive),
            profile: plan
                .map(|(p, _)| p.profile_name.clone())
                .filter(|p| !p.is_empty()),
            plan_rate_limit: plan.and_then(|(_, rate)| rate.clone()),
        });
    }
    let mut profiles = Vec::new();
    for (service, sql) in [
        (
            ServiceType::Pppoe,
            "SELECT t.id, t.name, p.name, t.local_address, t.dns_servers, t.session_timeout_s, t.shared_users, t.bandwidth_profile_id
             FROM pppoe_profiles t LEFT JOIN ip_pools p ON p.id = t.ip_pool_id WHERE t.router_id = ?1",
        ),
        (
            ServiceType::Hotspot,
            "SELECT t.id, t.name, p.name, '', '', t.session_timeout_s, t.shared_users, t.bandwidth_profile_id
             FROM hotspot_profiles t LEFT JOIN ip_pools p ON p.id = t.ip_pool_id WHERE t.router_id = ?1",
        ),
    ] {
        type RecordRow = (
            String,
            String,
            Option<String>,
            String,
            String,
            Option<u32>,
            u32,
            Option<String>,
        );
        let records: Vec<RecordRow> = conn
            .prepare(sql)?
            .query_map([&key], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (id, name, pool, local_address, dns_servers, timeout, shared, bandwidth) in records {
            profiles.push(ProfileRecord {
                id,
                service,
                name,
                pool,
                local_address,
                dns_servers,
                session_timeout_s: timeout,
                shared_users: shared,
                rate_limit: rate_limit_of(conn, bandwidth.and_then(|b| b.parse().ok()))?,
            });
        }
    }
    Ok(desired_state(&subscribers, &profiles))
}

fn queued_generation(conn: &Connection, router: RouterId) -> Result<Option<(i64, i64)>> {
    Ok(conn
        .query_row(
            "SELECT generation, attempts FROM provision_queue WHERE router_id = ?1",
            [router.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?)
}

impl Core {
    /// What the router should hold, with the subscribers' passwords, for a person to see the
    /// diff and apply it. Allowed for a router in either mode, so the owner can look before
    /// switching a router to `api`.
    pub fn provisioning_state(&self, actor: &Actor, router: RouterId) -> Result<ProvisioningState> {
        self.read(|tx| {
            authorize_task(tx, actor, RouterTask::Provision)?;
            let loaded = load_router(tx, router)?.ok_or(Error::NotFound("router"))?;
            Ok(ProvisioningState {
                router: loaded,
                desired: desired_for(self, tx, router)?,
                queued_generation: queued_generation(tx, router)?.map(|(g, _)| g),
            })
        })
    }

    /// For the provisioning job: the queued routers due now, oldest first. Entries of routers
    /// no longer in `api` mode or no longer active are dropped.
    pub fn due_provisioning(&self) -> Result<Vec<RouterId>> {
        let now = to_storage(self.now());
        self.write(|tx| {
            tx.execute(
                "DELETE FROM provision_queue WHERE router_id IN
                 (SELECT id FROM routers WHERE provisioning_mode != 'api' OR is_active = 0)",
                [],
            )?;
            let ids: Vec<String> = tx
                .prepare(
                    "SELECT router_id FROM provision_queue
                     WHERE not_before IS NULL OR not_before <= ?1 ORDER BY queued_at",
                )?
                .query_map([&now], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(ids.into_iter().filter_map(|id| id.parse().ok()).collect())
        })
    }

    /// For the provisioning job: a queued router's credentials and desired state, or `None`
    /// when it is no longer queued or no longer in `api` mode.
    pub fn provisioning_job(&self, router: RouterId) -> Result<Option<ProvisioningJob>> {
        self.read(|tx| {
            let Some((generation, attempts)) = queued_generation(tx, router)? else {
                return Ok(None);
            };
            let credentials = open_credentials(self, tx, router)?;
            if credentials.router.provisioning_mode != ProvisioningMode::Api {
                return Ok(None);
            }
            Ok(Some(ProvisioningJob {
                credentials,
                desired: desired_for(self, tx, router)?,
                generation,
                attempts,
            }))
        })
    }

    /// The router was reconciled up to `generation`: clears its queue entry unless a newer
    /// change arrived meanwhile. With `details` (what was done, counts and failures) the
    /// system logs it; an automatic run that found nothing to do is not worth a log line.
    /// Returns whether the entry was cleared.
    pub fn finish_provisioning(
        &self,
        router: RouterId,
        generation: Option<i64>,
        details: Option<serde_json::Value>,
    ) -> Result<bool> {
        let now = self.now();
        self.write(|tx| {
            let cleared = match generation {
                Some(g) => {
                    tx.execute(
                        "DELETE FROM provision_queue WHERE router_id = ?1 AND generation = ?2",
                        (router.to_string(), g),
                    )? > 0
                }
                None => false,
            };
            if let Some(details) = details {
                let name = load_router(tx, router)?.map(|r| r.name).unwrap_or_default();
                record_system(tx, now, router, "provision", &name, details)?;
            }
            Ok(cleared)
        })
    }

    /// The router could not be reached (or refused the login): try again later, waiting
    /// longer after each failure (20 s, 40 s, … up to 30 min). A new change resets the wait.
    pub fn postpone_provisioning(
        &self,
        router: RouterId,
        generation: i64,
        error: &str,
    ) -> Result<DateTime<Utc>> {
        let now = self.now();
        self.write(|tx| {
            let attempts = queued_generation(tx, router)?.map_or(0, |(_, a)| a) + 1;
            let wait = Duration::seconds(10 << attempts.clamp(1, 12)).min(MAX_RETRY_WAIT);
            let not_before = now + wait;
            tx.execute(
                "UPDATE provision_queue SET attempts = ?3, not_before = ?4, last_error = ?5
                 WHERE router_id = ?1 AND generation = ?2",
                (
                    router.to_string(),
                    generation,
                    attempts,
                    to_storage(not_before),
                    error,
                ),
            )?;
            Ok(not_before)
        })
    }
}
