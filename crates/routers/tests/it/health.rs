//! The poller: readings come from the router, and it survives drops and stalls.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use ispdesk_core::ErrorCode;
use ispdesk_domain::RouterId;
use ispdesk_routers::{Endpoint, Link, Poller, PollerConfig, RouterStatus, Timeouts};
use routeros_api::sim::{Fault, RouterVersion, Simulator};
use tokio::sync::watch;

use crate::{API_PASSWORD, API_USER, Isp, eventually, start_sim};

fn fast() -> PollerConfig {
    PollerConfig {
        interval: Duration::from_millis(50),
        timeouts: Timeouts {
            connect: Duration::from_millis(300),
            command: Duration::from_millis(300),
        },
        min_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
    }
}

fn endpoint(sim: &Simulator) -> Endpoint {
    Endpoint::new(
        RouterId::new(),
        "127.0.0.1",
        sim.address().port(),
        API_USER,
        API_PASSWORD,
    )
}

async fn wait_for(
    rx: &mut watch::Receiver<RouterStatus>,
    what: &str,
    f: impl FnMut(&RouterStatus) -> bool,
) -> RouterStatus {
    tokio::time::timeout(Duration::from_secs(5), rx.wait_for(f))
        .await
        .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
        .expect("the poller is running")
        .clone()
}

#[tokio::test]
async fn readings_come_from_the_router() {
    let sim = start_sim(RouterVersion::V7).await;
    let poller = Poller::new(fast(), tokio::runtime::Handle::current());
    let endpoint = endpoint(&sim);
    poller.watch(endpoint.clone());
    let mut rx = poller.subscribe(endpoint.router_id).unwrap();
    // The second reading of a connection has rates.
    let status = wait_for(&mut rx, "traffic rates", |s| {
        s.health
            .as_ref()
            .is_some_and(|h| h.interfaces.iter().any(|i| i.rx_bps.is_some()))
    })
    .await;
    assert_eq!(status.link, Link::Online);
    assert!(status.error.is_none() && status.checked_at.is_some());
    let health = status.health.unwrap();
    let resource = sim.rows("/system/resource").remove(0);
    assert_eq!(health.identity.as_deref(), Some("Kantor Pusat"));
    assert_eq!(health.version.as_deref(), resource.get("version"));
    assert_eq!(health.board.as_deref(), resource.get("board-name"));
    assert_eq!(health.memory_total, resource.u64("total-memory"));
    assert_eq!(health.disk_total, resource.u64("total-hdd-space"));
    assert_eq!(
        health.disk_used,
        Some(resource.u64("total-hdd-space").unwrap() - resource.u64("free-hdd-space").unwrap())
    );
    let memory_used = health.memory_used.unwrap();
    assert!(memory_used > 0 && memory_used < health.memory_total.unwrap());
    let load = health.cpu_load.unwrap();
    let router_load = resource.u32("cpu-load").unwrap();
    assert!(load.abs_diff(router_load) <= 5, "{load} vs {router_load}");
    let names: Vec<&str> = health.interfaces.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["ether1", "ether2", "ether3", "ether4", "ether5"]);
    // ether1 carries ~20 Mbit/s in the simulator; ether3 has no link.
    let ether1 = &health.interfaces[0];
    assert!(
        ether1.running && ether1.rx_bps.unwrap() > 1_000_000,
        "{ether1:?}"
    );
    assert_eq!(health.interfaces[2].rx_bps, Some(0));

    // Sessions show up in the next reading.
    sim.connect_ppp("andi", IpAddr::V4(Ipv4Addr::new(10, 10, 0, 9)))
        .unwrap();
    poller.poll_now(endpoint.router_id);
    let status = wait_for(&mut rx, "the PPP session", |s| {
        s.sessions
            .as_ref()
            .is_some_and(|v| v.iter().any(|x| x.name == "andi"))
    })
    .await;
    // Its dynamic interface is not among the router's interfaces.
    assert!(
        status
            .health
            .unwrap()
            .interfaces
            .iter()
            .all(|i| !i.name.starts_with('<'))
    );
}

#[tokio::test]
async fn the_poller_survives_a_dropped_connection_and_a_stall() {
    let sim = start_sim(RouterVersion::V6).await;
    let poller = Poller::new(fast(), tokio::runtime::Handle::current());
    let endpoint = endpoint(&sim);
    poller.watch(endpoint.clone());
    let mut rx = poller.subscribe(endpoint.router_id).unwrap();
    wait_for(&mut rx, "online", |s| s.link == Link::Online).await;

    sim.drop_connections();
    wait_for(&mut rx, "noticing the drop", |s| s.link != Link::Online).await;
    let back = wait_for(&mut rx, "back online", |s| s.link == Link::Online).await;
    assert!(back.error.is_none());

    sim.set_fault(Fault::Stall);
    let stalled = wait_for(&mut rx, "the stall", |s| s.link == Link::Offline).await;
    let error = stalled.error.expect("says why");
    assert_eq!(error.code, ErrorCode::RouterTimeout);
    assert!(stalled.health.is_some(), "the last reading is kept");
    sim.set_fault(Fault::None);
    let resumed = wait_for(&mut rx, "resumed", |s| s.link == Link::Online).await;
    assert!(resumed.checked_at > stalled.checked_at);
}

#[tokio::test]
async fn watching_follows_the_routers_list() {
    let a = start_sim(RouterVersion::V7).await;
    let b = start_sim(RouterVersion::V7).await;
    let poller = Poller::new(fast(), tokio::runtime::Handle::current());
    let (ea, eb) = (endpoint(&a), endpoint(&b));
    poller.set_routers(vec![ea.clone(), eb.clone()]);
    eventually(Duration::from_secs(5), "both connected", || async {
        a.connections() == 1 && b.connections() == 1
    })
    .await;
    // The same list again changes nothing; dropping one closes its connection.
    poller.set_routers(vec![ea.clone(), eb.clone()]);
    poller.set_routers(vec![ea.clone()]);
    eventually(Duration::from_secs(5), "b released", || async {
        b.connections() == 0
    })
    .await;
    assert_eq!(poller.watched(), vec![ea.router_id]);
    assert_eq!(a.connections(), 1);
    drop(poller);
    eventually(Duration::from_secs(5), "a released", || async {
        a.connections() == 0
    })
    .await;
}

#[tokio::test]
async fn the_host_job_points_the_poller_at_active_routers_with_api_access() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    let poller = Poller::new(fast(), tokio::runtime::Handle::current());
    ispdesk_routers::refresh_poller(&isp.core, &poller)
        .await
        .unwrap();
    assert_eq!(poller.watched(), vec![isp.router.id]);
    let mut rx = poller.subscribe(isp.router.id).unwrap();
    wait_for(&mut rx, "online", |s| s.link == Link::Online).await;
    let statuses = ispdesk_routers::router_statuses(&isp.core, &isp.owner, &poller)
        .await
        .unwrap();
    assert_eq!(statuses.len(), 1);
    let cashier = isp.staff(ispdesk_domain::Role::Cashier);
    assert_eq!(
        crate::code(
            ispdesk_routers::router_status(&isp.core, &cashier, &poller, isp.router.id).await
        ),
        ErrorCode::Forbidden
    );
    let mut input = crate::router_input(&isp.sim, "radius");
    input.is_active = false;
    isp.core
        .update_router(&isp.owner, isp.router.id, &input)
        .unwrap();
    ispdesk_routers::refresh_poller(&isp.core, &poller)
        .await
        .unwrap();
    assert!(poller.watched().is_empty());
}
