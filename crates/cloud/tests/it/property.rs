//! After any sequence of pushes, a tenant's RADIUS rows are exactly what a from-scratch
//! rebuild derives from its synced rows. Random batches over a few routers, pools,
//! profiles, bandwidth profiles, plans, customers and the RADIUS settings — with user
//! names and plan codes that collide without case, deletes, stale and replayed batches.

use crate::support::*;
use anyhow::Result;
use ispdesk_cloud::seal::Sealer;
use ispdesk_cloud::sync::push::apply_batch;
use ispdesk_domain::sync::{Change, PushBatch};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use uuid::Uuid;

#[derive(Clone, Debug)]
enum Op {
    Router {
        slot: u8,
        addr: u8,
        secret: Option<u8>,
        active: bool,
        api_mode: bool,
    },
    Pool {
        slot: u8,
        router: u8,
        name: u8,
    },
    Profile {
        slot: u8,
        router: u8,
        name: u8,
        pool: Option<u8>,
        timeout: Option<u16>,
    },
    Bandwidth {
        slot: u8,
        up: u8,
        down: u8,
    },
    Plan {
        slot: u8,
        code: u8,
        bandwidth: Option<u8>,
        quota: Option<u8>,
        profile: u8,
    },
    Customer {
        slot: u8,
        name: u8,
        status: u8,
        plan: Option<u8>,
        router: Option<u8>,
        expires: Option<u8>,
    },
    Settings {
        isolir: bool,
        interim: u8,
    },
    Delete {
        table: u8,
        slot: u8,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let slot = 0u8..3;
    prop_oneof![
        1 => (slot.clone(), 0u8..2, proptest::option::of(0u8..2), any::<bool>(), proptest::bool::weighted(0.2))
            .prop_map(|(slot, addr, secret, active, api_mode)| Op::Router { slot, addr, secret, active, api_mode }),
        1 => (slot.clone(), 0u8..3, 0u8..2).prop_map(|(slot, router, name)| Op::Pool { slot, router, name }),
        1 => (slot.clone(), 0u8..3, 0u8..2, proptest::option::of(0u8..3), proptest::option::of(0u16..3))
            .prop_map(|(slot, router, name, pool, timeout)| Op::Profile { slot, router, name, pool, timeout }),
        1 => (slot.clone(), 1u8..4, 1u8..4).prop_map(|(slot, up, down)| Op::Bandwidth { slot, up, down }),
        1 => (slot.clone(), 0u8..3, proptest::option::of(0u8..3), proptest::option::of(0u8..3), 0u8..3)
            .prop_map(|(slot, code, bandwidth, quota, profile)| Op::Plan { slot, code, bandwidth, quota, profile }),
        4 => (0u8..5, 0u8..4, 0u8..4, proptest::option::of(0u8..3), proptest::option::of(0u8..3), proptest::option::of(0u8..2))
            .prop_map(|(slot, name, status, plan, router, expires)| Op::Customer { slot, name, status, plan, router, expires }),
        1 => (any::<bool>(), 0u8..2).prop_map(|(isolir, interim)| Op::Settings { isolir, interim }),
        2 => (0u8..6, 0u8..5).prop_map(|(table, slot)| Op::Delete { table, slot }),
    ]
}

/// Batches of operations; `true` sends the batch twice (a crash before the answer).
fn scenario() -> impl Strategy<Value = Vec<(Vec<Op>, bool)>> {
    proptest::collection::vec(
        (
            proptest::collection::vec(op(), 1..6),
            proptest::bool::weighted(0.15),
        ),
        1..9,
    )
}

const TABLES: [&str; 6] = [
    "routers",
    "ip_pools",
    "pppoe_profiles",
    "bandwidth_profiles",
    "service_plans",
    "customers",
];

/// The desktop's side of the scenario: each row's rev grows with every change.
struct Desktop {
    case: u32,
    revs: HashMap<(&'static str, u8), i64>,
    settings_rev: i64,
}

impl Desktop {
    fn row_id(table: &str, slot: u8) -> String {
        let n = TABLES.iter().position(|t| *t == table).unwrap_or(9) as u32 * 10 + u32::from(slot);
        id(n)
    }

    fn bump(&mut self, table: &'static str, slot: u8) -> i64 {
        let rev = self.revs.entry((table, slot)).or_insert(0);
        *rev += 1;
        *rev
    }

    fn change(&mut self, op: &Op) -> Change {
        let rid = |t: &str, s: u8| Self::row_id(t, s);
        match op {
            Op::Router {
                slot,
                addr,
                secret,
                active,
                api_mode,
            } => {
                let rev = self.bump("routers", *slot);
                let address = format!("10.{}.{}.{addr}", self.case / 250, self.case % 250);
                let secret = secret.map(|s| format!("secret-{s}"));
                let mut change = router(&rid("routers", *slot), rev, &address, secret.as_deref());
                if let Some(data) = change.data.as_mut() {
                    data.insert("is_active".into(), i64::from(*active).into());
                    data.insert(
                        "provisioning_mode".into(),
                        if *api_mode { "api" } else { "radius" }.into(),
                    );
                    data.insert("short_name".into(), format!("r{slot}").into());
                }
                change
            }
            Op::Pool { slot, router, name } => {
                let rev = self.bump("ip_pools", *slot);
                pool(
                    &rid("ip_pools", *slot),
                    rev,
                    &rid("routers", *router),
                    &format!("pool-{name}"),
                )
            }
            Op::Profile {
                slot,
                router,
                name,
                pool,
                timeout,
            } => {
                let rev = self.bump("pppoe_profiles", *slot);
                pppoe_profile(
                    &rid("pppoe_profiles", *slot),
                    rev,
                    &rid("routers", *router),
                    &format!("prof-{name}"),
                    pool.map(|p| rid("ip_pools", p)).as_deref(),
                    timeout.map(|t| i64::from(t) * 1800),
                )
            }
            Op::Bandwidth { slot, up, down } => {
                let rev = self.bump("bandwidth_profiles", *slot);
                bandwidth(
                    &rid("bandwidth_profiles", *slot),
                    rev,
                    i64::from(*up) * 1_000_000,
                    i64::from(*down) * 2_000_000,
                )
            }
            Op::Plan {
                slot,
                code,
                bandwidth,
                quota,
                profile,
            } => {
                let rev = self.bump("service_plans", *slot);
                let code = ["PLAN-A", "plan-a", "PLAN-B"][usize::from(*code)];
                let quota = quota.map(|q| [1i64 << 30, 5 << 30, 10 << 30][usize::from(q)]);
                let profile = ["", "prof-0", "prof-1"][usize::from(*profile)];
                plan(
                    &rid("service_plans", *slot),
                    rev,
                    code,
                    bandwidth.map(|b| rid("bandwidth_profiles", b)).as_deref(),
                    quota,
                    profile,
                )
            }
            Op::Customer {
                slot,
                name,
                status,
                plan,
                router,
                expires,
            } => {
                let rev = self.bump("customers", *slot);
                let name = ["u0", "U0", "u1", "u2"][usize::from(*name)];
                let status = ["active", "suspended", "expired", "inactive"][usize::from(*status)];
                let expires = expires.map(|e| {
                    ["2020-01-01T00:00:00.000Z", "2099-06-30T17:00:00.000Z"][usize::from(e)]
                });
                customer(
                    &rid("customers", *slot),
                    rev,
                    name,
                    &format!("pw-{slot}-{rev}"),
                    status,
                    plan.map(|p| rid("service_plans", p)).as_deref(),
                    router.map(|r| rid("routers", r)).as_deref(),
                    expires,
                )
            }
            Op::Settings { isolir, interim } => {
                self.settings_rev += 1;
                radius_settings(
                    self.settings_rev,
                    *isolir,
                    [300, 120][usize::from(*interim)],
                )
            }
            Op::Delete { table, slot } => {
                let table = TABLES[usize::from(*table)];
                let rev = self.revs.get(&(table, *slot)).copied().unwrap_or(1);
                delete(table, &rid(table, *slot), rev)
            }
        }
    }
}

async fn run_case(
    pool: &deadpool_postgres::Pool,
    sealer: &Sealer,
    case: u32,
    batches: &[(Vec<Op>, bool)],
) -> Result<(), TestCaseError> {
    let fail = |e: &dyn std::fmt::Display| TestCaseError::fail(e.to_string());
    let mut client = pool.get().await.map_err(|e| fail(&e))?;
    let tenant = Uuid::now_v7();
    {
        let tx = client.transaction().await.map_err(|e| fail(&e))?;
        tx.execute(
            "INSERT INTO tenants (id, name, subdomain, max_routers, max_customers, max_vouchers)
             VALUES ($1, 'prop', $2, 100, 100, 100)",
            &[&tenant, &format!("prop-{tenant}")],
        )
        .await
        .map_err(|e| fail(&e))?;
        ispdesk_cloud::radius::initialise(&tx, tenant)
            .await
            .map_err(|e| fail(&e))?;
        // Usage so far, so quotas have something to subtract.
        tx.execute(
            "INSERT INTO radacct (tenant_id, acctsessionid, acctuniqueid, username, nasipaddress, acctinputoctets, acctoutputoctets)
             VALUES ($1, 's1', 'u1', 'u0', '10.0.0.1', 3221225472, 5), ($1, 's2', 'u2', 'U0', '10.0.0.1', 7, 0)",
            &[&tenant],
        )
        .await
        .map_err(|e| fail(&e))?;
        tx.commit().await.map_err(|e| fail(&e))?;
    }
    let mut desktop = Desktop {
        case,
        revs: HashMap::new(),
        settings_rev: 0,
    };
    for (ops, replay) in batches {
        let push = PushBatch {
            batch_id: Uuid::now_v7(),
            changes: ops.iter().map(|op| desktop.change(op)).collect(),
        };
        let sends = if *replay { 2 } else { 1 };
        for _ in 0..sends {
            match apply_batch(&mut client, sealer, tenant, None, push.clone()).await {
                // Two active routers of the tenant at one address: refused, as it should.
                Ok(_) | Err(ispdesk_cloud::Error::Conflict { .. }) => {}
                Err(e) => return Err(fail(&e)),
            }
        }
    }
    let incremental = ispdesk_cloud::radius::snapshot(&**client, tenant)
        .await
        .map_err(|e| fail(&e))?;
    merged_lists_read_as_rlm_sql_would(&incremental)?;
    let tx = client.transaction().await.map_err(|e| fail(&e))?;
    let rebuilt = match ispdesk_cloud::radius::rebuild(&tx, tenant, sealer).await {
        Ok(()) => ispdesk_cloud::radius::snapshot(&*tx, tenant)
            .await
            .map_err(|e| fail(&e))?,
        Err(e) => return Err(fail(&e)),
    };
    tx.rollback().await.map_err(|e| fail(&e))?;
    prop_assert_eq!(incremental, rebuilt);
    Ok(())
}

/// FreeRADIUS reads a user's items and their first group's as one check list and one
/// reply list (deploy/freeradius queries.conf, "Authorization"). That equals rlm_sql's
/// own reading, user first then group by group, only while every item is `:=`, nothing
/// says Fall-Through, no attribute is both a user's and one of their groups', and a user
/// with reply items or a group has check items: checked on every state here.
fn merged_lists_read_as_rlm_sql_would(snapshot: &[String]) -> Result<(), TestCaseError> {
    // table -> user or group -> attributes
    let mut items: HashMap<&str, HashMap<&str, Vec<&str>>> = HashMap::new();
    let mut groups: HashMap<&str, Vec<&str>> = HashMap::new();
    for row in snapshot {
        let fields: Vec<&str> = row.split('|').collect();
        match fields.as_slice() {
            ["radusergroup", user, group, _] => groups.entry(user).or_default().push(group),
            [
                table @ ("radcheck" | "radreply" | "radgroupcheck" | "radgroupreply"),
                key,
                attribute,
                op,
                ..,
            ] => {
                prop_assert_eq!(*op, ":=", "{}", row);
                prop_assert_ne!(*attribute, "Fall-Through", "{}", row);
                items
                    .entry(table)
                    .or_default()
                    .entry(key)
                    .or_default()
                    .push(attribute);
            }
            _ => {}
        }
    }
    let of = |table: &str, key: &str| -> Vec<&str> {
        items
            .get(table)
            .and_then(|t| t.get(key))
            .cloned()
            .unwrap_or_default()
    };
    let users: Vec<&str> = groups
        .keys()
        .copied()
        .chain(
            items
                .get("radreply")
                .into_iter()
                .flat_map(|t| t.keys().copied()),
        )
        .collect();
    for user in users {
        prop_assert!(
            !of("radcheck", user).is_empty(),
            "{} has no check items",
            user
        );
        for group in groups.get(user).into_iter().flatten() {
            for (own, of_group) in [("radcheck", "radgroupcheck"), ("radreply", "radgroupreply")] {
                let (mine, theirs) = (of(own, user), of(of_group, group));
                prop_assert!(
                    mine.iter().all(|a| !theirs.contains(a)),
                    "{} and its group {} both set one of {:?} / {:?}",
                    user,
                    group,
                    mine,
                    theirs
                );
            }
        }
    }
    Ok(())
}

pub async fn incremental_radius_rows_equal_a_rebuild(shared: Arc<Shared>) -> Result<()> {
    let db = shared.new_database()?;
    let pool = ispdesk_cloud::db::pool(&shared.pg.database_url(&db, OWNER, OWNER_PASSWORD), 2)?;
    let sealer = Sealer::new(&Sealer::parse_key(SEAL_KEY).map_err(anyhow::Error::msg)?);
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/property.proptest-regressions"
        )))),
        ..Config::default()
    });
    let counter = AtomicU32::new(1);
    let handle = tokio::runtime::Handle::current();
    let result = tokio::task::block_in_place(|| {
        runner.run(&scenario(), |batches| {
            let case = counter.fetch_add(1, Ordering::Relaxed);
            handle.block_on(run_case(&pool, &sealer, case, &batches))
        })
    });
    pool.close();
    result.map_err(|e| anyhow::anyhow!("{e}"))
}
