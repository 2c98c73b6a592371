//! The proof end to end (issue #4): the desktop core with its sync engine → the real
//! ispdesk-cloud → PostgreSQL → FreeRADIUS, with radclient as the router; and the faults
//! the desktop's sync must survive.

use anyhow::{Context, Result};
use chrono::{Duration as Days, Utc};
use freeradius_harness::{AcctPacket, AcctStatus};
use ispdesk_core::{SessionQuery, UsageQuery};
use ispdesk_platform_tests::{CUSTOMER_PASSWORD, Desktop, Platform, RADIUS_SECRET, blocking};
use ispdesk_sync::{Engine, PlatformClient, SyncState, SyncStatus};
use std::net::Ipv4Addr;
use std::time::Duration;
use tokio::sync::watch;

const ROUTER: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 21);

/// One pass of the engine, as the background loop does after a change.
async fn sync(desktop: &Desktop) -> Result<SyncStatus> {
    let (engine, _wake, status) = Engine::new(desktop.core.clone());
    engine.sync_once().await?;
    Ok(status.borrow().clone())
}

/// Waits until the engine's status satisfies `ok`.
async fn wait_for(
    status: &mut watch::Receiver<SyncStatus>,
    within: Duration,
    what: &str,
    ok: impl FnMut(&SyncStatus) -> bool,
) -> Result<SyncStatus> {
    let waited = tokio::time::timeout(within, async {
        status.wait_for(ok).await.map(|seen| seen.clone())
    })
    .await;
    match waited {
        Ok(seen) => Ok(seen?),
        Err(_) => anyhow::bail!("{what}: still {:?}", *status.borrow()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_made_on_the_desktop_is_served_by_the_platforms_freeradius() -> Result<()> {
    let platform = Platform::start().await?;
    let (_, code) = platform.create_tenant("berkah", 1000).await?;
    let desktop = Desktop::new(ROUTER)?;
    desktop.pair(&platform.url(), &code).await?;
    // The first sync sends the whole database: the router becomes a FreeRADIUS client.
    let first = sync(&desktop).await?;
    assert_eq!(first.state, SyncState::Synced, "{first:?}");
    assert_eq!(first.pending, 0);
    let radius = platform.start_radius().await?;
    let nas = radius.nas(ROUTER, RADIUS_SECRET);

    // The cashier adds a customer; after the next sync the router lets her in at the
    // plan's speed.
    let siti = desktop.customer("siti")?;
    sync(&desktop).await?;
    let n = nas.clone();
    let accepted = blocking(move || n.auth("siti", CUSTOMER_PASSWORD)).await??;
    assert!(accepted.accepted, "{accepted:?}\n{}", radius.log());
    assert_eq!(accepted.get("Mikrotik-Rate-Limit"), Some("5M/10M"));
    assert_eq!(accepted.get("Framed-Pool"), Some("pool-pppoe"));
    let n = nas.clone();
    let wrong = blocking(move || n.auth("siti", "salah")).await??;
    assert!(!wrong.accepted);

    // The same username from a router the platform does not know: no answer at all.
    let stranger = radius.nas(Ipv4Addr::new(127, 0, 0, 99), RADIUS_SECRET);
    let unknown = blocking(move || stranger.auth("siti", CUSTOMER_PASSWORD)).await?;
    assert!(unknown.is_err(), "{unknown:?}");

    // She connects: the router's accounting comes back to the desktop after a pull.
    let mut start = AcctPacket::new(AcctStatus::Start, "siti", "81a00001");
    start.nas_ip = ROUTER;
    start.framed_ip = Some(Ipv4Addr::new(10, 10, 0, 7));
    let mut interim = start.clone();
    interim.status = AcctStatus::InterimUpdate;
    interim.input_octets = 1_500_000;
    interim.output_octets = 20_000_000;
    interim.session_time = 300;
    let n = nas.clone();
    let (s, i) = (start.clone(), interim.clone());
    blocking(move || -> Result<()> {
        n.accounting(&s)?;
        n.accounting(&i)?;
        Ok(())
    })
    .await??;
    sync(&desktop).await?;
    let online = desktop.core.accounting_sessions(
        &desktop.owner,
        &SessionQuery {
            router_id: Some(desktop.router.id),
            online_only: true,
            page_size: 50,
            ..SessionQuery::default()
        },
    )?;
    assert_eq!(online.total, 1, "{online:?}");
    let session = &online.items[0];
    assert_eq!(session.username, "siti");
    assert_eq!(session.customer_id, Some(siti.id));
    assert_eq!(session.router_id, Some(desktop.router.id));
    assert_eq!(session.address, "10.10.0.7");
    assert_eq!(
        (session.bytes_in, session.bytes_out),
        (1_500_000, 20_000_000)
    );
    assert!(session.stopped_at.is_none());

    // The cashier suspends her: the next Access-Request is rejected.
    desktop.core.suspend_customer(&desktop.owner, siti.id)?;
    sync(&desktop).await?;
    let n = nas.clone();
    let rejected = blocking(move || n.auth("siti", CUSTOMER_PASSWORD)).await??;
    assert!(!rejected.accepted, "{rejected:?}\n{}", radius.log());

    // The router ends the session: the desktop shows it closed with its last counters
    // (more than 4 GiB downloaded: the gigawords count).
    let mut stop = interim.clone();
    stop.status = AcctStatus::Stop;
    stop.output_octets = 5;
    stop.output_gigawords = 1;
    stop.session_time = 900;
    stop.terminate_cause = Some("Admin-Reset".into());
    let n = nas.clone();
    blocking(move || n.accounting(&stop)).await??;
    sync(&desktop).await?;
    let history = desktop.core.accounting_sessions(
        &desktop.owner,
        &SessionQuery {
            customer_id: Some(siti.id),
            page_size: 50,
            ..SessionQuery::default()
        },
    )?;
    assert_eq!(history.total, 1);
    let closed = &history.items[0];
    assert!(closed.stopped_at.is_some(), "{closed:?}");
    assert_eq!(closed.session_seconds, 900);
    assert_eq!(closed.bytes_out, (1_i64 << 32) + 5);
    assert_eq!(closed.terminate_cause, "Admin-Reset");
    let online = desktop.core.accounting_sessions(
        &desktop.owner,
        &SessionQuery {
            online_only: true,
            page_size: 50,
            ..SessionQuery::default()
        },
    )?;
    assert_eq!(online.total, 0);

    // And the usage report counts it under her plan.
    let usage = desktop.core.usage_by_plan(
        &desktop.owner,
        &UsageQuery {
            from: Utc::now() - Days::days(1),
            to: Utc::now() + Days::days(1),
        },
    )?;
    let plan = usage
        .iter()
        .find(|u| u.plan_id == Some(desktop.plan.id))
        .with_context(|| format!("{usage:?}"))?;
    assert_eq!((plan.customers, plan.sessions), (1, 1));
    assert_eq!(plan.bytes_out, (1_i64 << 32) + 5);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desktop_works_offline_and_delivers_everything_when_the_platform_returns() -> Result<()>
{
    let mut platform = Platform::start().await?;
    let (tenant, code) = platform.create_tenant("offline", 1000).await?;
    let desktop = Desktop::new(ROUTER)?;
    desktop.pair(&platform.url(), &code).await?;
    let (engine, wake, mut status) = Engine::new(desktop.core.clone());
    let running = tokio::spawn(engine.run());
    wait_for(&mut status, Duration::from_secs(20), "first sync", |s| {
        s.state == SyncState::Synced
    })
    .await?;

    // The internet goes; the cashier keeps working.
    platform.stop().await?;
    let mut made = Vec::new();
    for n in 0..20 {
        made.push(desktop.customer(&format!("offline{n:02}"))?);
        wake.notify_one();
    }
    desktop.core.suspend_customer(&desktop.owner, made[3].id)?;
    wake.notify_one();
    let offline = wait_for(&mut status, Duration::from_secs(20), "offline", |s| {
        s.state == SyncState::Offline
    })
    .await?;
    assert!(offline.offline_since.is_some(), "{offline:?}");
    assert_eq!(
        offline.problem.as_ref().map(|p| p.code.as_str()),
        Some("offline")
    );
    // Twenty rows wait (the suspension is a second change to one of them).
    assert_eq!(desktop.core.pending_changes()?, 20);
    // Retries back off: a few attempts, not a busy loop.
    tokio::time::sleep(Duration::from_secs(4)).await;
    desktop.customer("offline20")?;
    wake.notify_one();

    // It comes back; the engine notices by itself (no wake-up) and sends everything.
    platform.restart().await?;
    let back = wait_for(&mut status, Duration::from_secs(90), "delivery", |s| {
        s.state == SyncState::Synced && s.pending == 0
    })
    .await?;
    assert!(
        back.offline_since.is_none() && back.problem.is_none(),
        "{back:?}"
    );
    running.abort();

    let count = platform.psql(&format!(
        "SELECT count(*) FROM synced_rows WHERE tenant_id = '{tenant}' AND table_name = 'customers' AND data IS NOT NULL"
    ))?;
    assert_eq!(count, "21");
    let suspended = platform.psql(&format!(
        "SELECT data->>'status' FROM synced_rows WHERE tenant_id = '{tenant}' AND row_id = '{}'",
        made[3].id
    ))?;
    assert_eq!(suspended, "suspended");
    let radius_users = platform.psql(&format!(
        "SELECT count(DISTINCT username) FROM radcheck WHERE tenant_id = '{tenant}' AND username LIKE 'offline%'"
    ))?;
    assert_eq!(radius_users, "21");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_push_cut_off_before_its_acknowledgement_is_applied_once() -> Result<()> {
    let platform = Platform::start().await?;
    let (tenant, code) = platform.create_tenant("kill", 1000).await?;
    let mut desktop = Desktop::new(ROUTER)?;
    desktop.pair(&platform.url(), &code).await?;
    sync(&desktop).await?;
    for n in 0..5 {
        desktop.customer(&format!("kill{n}"))?;
    }

    // The push reaches the platform, which applies it; the app dies before it records the
    // acknowledgement.
    let pairing = desktop.core.sync_pairing()?.context("paired")?;
    let client = PlatformClient::new(&pairing.info.platform_url, Some(pairing.token))?;
    let push = desktop.core.begin_push()?.context("a batch")?;
    assert_eq!(push.batch.changes.len(), 5);
    let first_ack = client.push(&push.batch).await?;
    let sent = push.batch.batch_id;
    drop(push);
    drop(client);
    desktop.restart()?;

    // Started again, the app sends the same batch, under the same id, and then goes on.
    assert_eq!(desktop.core.pending_changes()?, 5);
    let again = desktop.core.begin_push()?.context("the batch in flight")?;
    assert_eq!(again.batch.batch_id, sent);
    assert_eq!(again.batch.changes.len(), 5);
    drop(again);
    desktop.customer("kill5")?;
    let status = sync(&desktop).await?;
    assert_eq!(
        (status.state, status.pending),
        (SyncState::Synced, 0),
        "{status:?}"
    );

    // The platform applied it once: one batch row with that id, the rows at their revs,
    // one more batch for kill5.
    let batches = platform.psql(&format!(
        "SELECT count(*) FROM sync_batches WHERE tenant_id = '{tenant}' AND batch_id = '{sent}'"
    ))?;
    assert_eq!(batches, "1");
    let ack = platform.psql(&format!(
        "SELECT ack->>'applied' FROM sync_batches WHERE tenant_id = '{tenant}' AND batch_id = '{sent}'"
    ))?;
    assert_eq!(ack, first_ack.applied.to_string());
    let customers = platform.psql(&format!(
        "SELECT count(*) FROM synced_rows WHERE tenant_id = '{tenant}' AND table_name = 'customers' AND data IS NOT NULL"
    ))?;
    assert_eq!(customers, "6");
    let revs = platform.psql(&format!(
        "SELECT string_agg(DISTINCT rev::text, ',') FROM synced_rows WHERE tenant_id = '{tenant}' AND table_name = 'customers'"
    ))?;
    assert_eq!(revs, "1");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_shown_with_its_reason_and_nothing_on_the_desktop_is_lost() -> Result<()> {
    let platform = Platform::start().await?;
    let (tenant, code) = platform.create_tenant("limit", 2).await?;
    let desktop = Desktop::new(ROUTER)?;
    desktop.pair(&platform.url(), &code).await?;
    sync(&desktop).await?;
    for n in 0..3 {
        desktop.customer(&format!("limit{n}"))?;
    }

    // Three customers on a plan for two: the platform refuses the batch, the owner sees why.
    let (engine, _wake, status) = Engine::new(desktop.core.clone());
    let refused = engine.sync_once().await;
    assert!(refused.is_err());
    let shown = status.borrow().clone();
    assert_eq!(shown.state, SyncState::Refused, "{shown:?}");
    assert_eq!(shown.pending, 3);
    let problem = shown.problem.context("a reason")?;
    assert_eq!(problem.code, "plan_limit_reached");
    assert_eq!(
        problem.params.get("resource").map(String::as_str),
        Some("customers")
    );
    assert_eq!(problem.params.get("limit").map(String::as_str), Some("2"));
    // Nothing half-applied there, nothing lost here.
    assert_eq!(
        platform.psql(&format!(
            "SELECT count(*) FROM synced_rows WHERE tenant_id = '{tenant}' AND table_name = 'customers'"
        ))?,
        "0"
    );
    assert_eq!(desktop.core.pending_changes()?, 3);

    // The platform raises the limit; the same changes go through.
    platform
        .admin(
            "PUT",
            &format!("/api/v1/admin/tenants/{tenant}/limits"),
            Some(serde_json::json!({ "max_routers": 10, "max_customers": 10, "max_vouchers": 10 })),
        )
        .await?;
    engine.sync_once().await?;
    let shown = status.borrow().clone();
    assert_eq!(
        (shown.state, shown.pending),
        (SyncState::Synced, 0),
        "{shown:?}"
    );

    // The device is revoked: refused with that reason; the desktop keeps its data.
    let devices = platform
        .admin(
            "GET",
            &format!("/api/v1/admin/tenants/{tenant}/devices"),
            None,
        )
        .await?;
    let device = devices[0]["id"].as_str().context("a device")?.to_owned();
    platform
        .admin(
            "POST",
            &format!("/api/v1/admin/devices/{device}/revoke"),
            None,
        )
        .await?;
    desktop.customer("limit3")?;
    assert!(engine.sync_once().await.is_err());
    let shown = status.borrow().clone();
    assert_eq!(shown.state, SyncState::Refused);
    assert_eq!(
        shown.problem.map(|p| p.code),
        Some("token_revoked".to_owned())
    );
    assert_eq!(desktop.core.pending_changes()?, 1);
    let core = desktop.core.clone();
    let owner = desktop.owner.clone();
    let total = blocking(move || {
        core.search_customers(&owner, &ispdesk_core::CustomerQuery::default())
            .map(|p| p.total)
    })
    .await??;
    assert_eq!(total, 4);
    Ok(())
}
