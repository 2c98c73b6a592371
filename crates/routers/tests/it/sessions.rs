//! Online users and disconnecting them.

use std::net::{IpAddr, Ipv4Addr};

use ispdesk_core::ErrorCode;
use ispdesk_domain::Role;
use ispdesk_routers::{SessionKind, SessionRef, disconnect_session, online_users};
use routeros_api::sim::RouterVersion;

use crate::{Isp, TIMEOUTS, code};

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 10, 0, last))
}

#[tokio::test]
async fn sessions_appear_and_a_disconnect_removes_one_and_is_logged() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    assert!(
        online_users(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
            .await
            .unwrap()
            .is_empty()
    );
    isp.sim.connect_ppp("andi", ip(10)).unwrap();
    isp.sim.connect_ppp("sari", ip(11)).unwrap();
    isp.sim
        .connect_hotspot("tamu", ip(50), "aa:bb:cc:00:11:22")
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;

    let online = online_users(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap();
    let names: Vec<&str> = online.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["andi", "sari", "tamu"]);
    let andi = &online[0];
    assert_eq!(andi.kind, SessionKind::Ppp);
    assert_eq!(andi.address.as_deref(), Some("10.10.0.10"));
    assert_eq!(andi.service.as_deref(), Some("pppoe"));
    assert!(andi.mac_address.is_some() && andi.uptime_s.is_some());
    let tamu = &online[2];
    assert_eq!(tamu.kind, SessionKind::Hotspot);
    assert_eq!(tamu.mac_address.as_deref(), Some("AA:BB:CC:00:11:22"));
    assert!(
        tamu.bytes_in.unwrap() > 0,
        "hotspot sessions carry byte counts"
    );

    // A cashier on the phone with a subscriber may kick them.
    let cashier = isp.staff(Role::Cashier);
    for session in [&online[0], &online[2]] {
        disconnect_session(
            &isp.core,
            &cashier,
            None,
            isp.router.id,
            &SessionRef {
                kind: session.kind,
                id: session.id.clone(),
                name: session.name.clone(),
            },
            TIMEOUTS,
        )
        .await
        .unwrap();
    }
    assert!(isp.row("/ppp/active", "andi").is_none());
    assert!(isp.row("/ip/hotspot/active", "tamu").is_none());
    assert!(
        isp.row("/ppp/active", "sari").is_some(),
        "the others stay online"
    );
    let logged: Vec<_> = isp
        .activity()
        .into_iter()
        .filter(|e| e.action == "disconnect")
        .collect();
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|e| e.entity_type == "router"
        && e.entity_id == Some(isp.router.id.to_string())
        && e.staff_name == "Staf cashier"));
    assert!(logged.iter().any(|e| e.summary.ends_with("andi")));

    // Gone already: not found, and nothing logged.
    let again = disconnect_session(
        &isp.core,
        &isp.owner,
        None,
        isp.router.id,
        &SessionRef {
            kind: SessionKind::Ppp,
            id: online[0].id.clone(),
            name: "andi".into(),
        },
        TIMEOUTS,
    )
    .await;
    assert_eq!(code(again), ErrorCode::NotFound);
}

#[tokio::test]
async fn a_reseller_sees_no_one() {
    let isp = Isp::new(RouterVersion::V6, "radius").await;
    isp.sim.connect_ppp("andi", ip(10)).unwrap();
    let reseller = isp.staff(Role::Reseller);
    assert_eq!(
        code(online_users(&isp.core, &reseller, isp.router.id, TIMEOUTS).await),
        ErrorCode::Forbidden
    );
    let kick = disconnect_session(
        &isp.core,
        &reseller,
        None,
        isp.router.id,
        &SessionRef {
            kind: SessionKind::Ppp,
            id: "*80000001".into(),
            name: "andi".into(),
        },
        TIMEOUTS,
    )
    .await;
    assert_eq!(code(kick), ErrorCode::Forbidden);
    assert!(isp.row("/ppp/active", "andi").is_some());
}
