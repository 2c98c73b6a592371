//! api-mode provisioning against the simulator: the diff, applying it, the queue the core
//! fills, suspension, per-item failures and unmanaged items.

use std::net::{IpAddr, Ipv4Addr};

use ispdesk_core::ErrorCode;
use ispdesk_domain::customer::CustomerInput;
use ispdesk_domain::ip_pool::IpPoolInput;
use ispdesk_domain::network::ProfileInput;
use ispdesk_domain::provisioning::{ItemKind, ItemRef, MARKER, Warning};
use ispdesk_routers::{
    ItemAction, apply_provisioning, drain_provision_queue, preview_provisioning,
};
use routeros_api::sim::RouterVersion;

use crate::{Isp, TIMEOUTS, code, plan_input, routeros};

fn ip(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(10, 10, 0, last))
}

/// The router's own setup the app does not manage: the pool its profiles point at, and a
/// secret of the ISP's own.
async fn prepare(isp: &Isp) {
    routeros(
        &isp.sim,
        "/ip/pool/add",
        &[("name", "pool-pppoe"), ("ranges", "10.10.0.2-10.10.3.254")],
    )
    .await;
    routeros(
        &isp.sim,
        "/ppp/secret/add",
        &[
            ("name", "tetangga"),
            ("password", "wifi-rumah"),
            ("comment", "punya pak RT"),
        ],
    )
    .await;
}

fn queued(isp: &Isp) -> Vec<(String, i64)> {
    isp.core.with_connection(|c| {
        c.prepare("SELECT router_id, generation FROM provision_queue")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    })
}

#[tokio::test]
async fn the_diff_is_shown_then_applied_and_a_second_diff_is_empty() {
    let isp = Isp::new(RouterVersion::V7, "api").await;
    prepare(&isp).await;
    let alice = isp.customer("alice", &isp.pppoe_plan);
    isp.customer("bob", &isp.pppoe_plan);
    isp.customer("tamu1", &isp.hotspot_plan);
    let tetangga_before = isp.row("/ppp/secret", "tetangga").unwrap();

    let diff = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    let adds: Vec<(ItemKind, &str)> = diff.add.iter().map(|a| (a.kind, a.name.as_str())).collect();
    assert_eq!(
        adds,
        [
            (ItemKind::PppProfile, "paket-10m"),
            (ItemKind::PppSecret, "alice"),
            (ItemKind::PppSecret, "bob"),
            (ItemKind::HotspotUser, "tamu1"),
        ]
    );
    assert!(diff.change.is_empty() && diff.remove.is_empty());
    assert!(
        diff.add.iter().all(|a| !a.fields.contains_key("password")),
        "the diff never shows a password"
    );
    assert!(
        diff.unmanaged
            .iter()
            .any(|u| u.name == "tetangga" && !u.blocks)
    );
    assert!(diff.warnings.is_empty(), "{:?}", diff.warnings);

    let report = apply_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert_eq!((report.added, report.changed, report.removed), (4, 0, 0));
    assert!(report.failures.is_empty(), "{:?}", report.failures);

    let secret = isp.row("/ppp/secret", "alice").unwrap();
    assert_eq!(secret.get("password"), Some("rahasia-alice"));
    assert_eq!(secret.get("profile"), Some("paket-10m"));
    assert_eq!(secret.get("service"), Some("pppoe"));
    assert_eq!(secret.get("disabled"), Some("false"));
    assert_eq!(
        secret.get("comment"),
        Some(format!("{MARKER}{}", alice.id).as_str())
    );
    let profile = isp.row("/ppp/profile", "paket-10m").unwrap();
    // The profile has no bandwidth of its own: it takes the plan's.
    assert_eq!(profile.get("rate-limit"), Some("5M/10M"));
    assert_eq!(profile.get("remote-address"), Some("pool-pppoe"));
    assert_eq!(profile.get("local-address"), Some("10.10.0.1"));
    assert_eq!(profile.get("session-timeout"), Some("1d"));
    assert_eq!(profile.get("only-one"), Some("yes"));
    let user = isp.row("/ip/hotspot/user", "tamu1").unwrap();
    assert_eq!(user.get("profile"), Some("default"));

    let again = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(isp.row("/ppp/secret", "tetangga").unwrap(), tetangga_before);
    assert!(queued(&isp).is_empty(), "a manual apply clears the queue");
    assert!(
        isp.activity()
            .iter()
            .any(|e| e.action == "provision" && e.staff_name == "Budi Santoso")
    );

    // Drift on the router is seen and repaired; removed customers' secrets go.
    routeros(
        &isp.sim,
        "/ppp/secret/set",
        &[("numbers", "bob"), ("password", "diubah")],
    )
    .await;
    let drift = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert_eq!(drift.change.len(), 1);
    assert_eq!(drift.change[0].fields[0].field, "password");
    assert_eq!(
        drift.change[0].fields[0].to, None,
        "passwords are never shown"
    );
    isp.core.delete_customer(&isp.owner, alice.id).unwrap();
    let report = apply_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert_eq!((report.changed, report.removed), (1, 1));
    assert!(isp.row("/ppp/secret", "alice").is_none());
    assert_eq!(
        isp.row("/ppp/secret", "bob").unwrap().get("password"),
        Some("rahasia-bob")
    );
    assert_eq!(isp.row("/ppp/secret", "tetangga").unwrap(), tetangga_before);
}

#[tokio::test]
async fn changes_queue_the_router_and_suspension_disables_the_secret_and_ends_the_session() {
    let isp = Isp::new(RouterVersion::V6, "api").await;
    prepare(&isp).await;
    let alice = isp.customer("alice", &isp.pppoe_plan);
    let tamu = isp.customer("tamu1", &isp.hotspot_plan);
    assert_eq!(queued(&isp).len(), 1, "a new customer queues the router");

    let outcomes = drain_provision_queue(&isp.core, TIMEOUTS).await.unwrap();
    assert_eq!(outcomes.len(), 1);
    let report = outcomes[0].result.as_ref().unwrap();
    assert_eq!(report.added, 3);
    assert!(queued(&isp).is_empty());
    let system_entry = isp
        .activity()
        .into_iter()
        .find(|e| e.action == "provision")
        .expect("the job's work is logged");
    assert_eq!(system_entry.staff_name, "system");

    // A phone number is not on the router: no reconciling for it.
    let mut edit = CustomerInput {
        username: "alice".into(),
        password: String::new(),
        name: "Alice".into(),
        phone: "0812-9999-0000".into(),
        email: String::new(),
        address: String::new(),
        service_type: "pppoe".into(),
        plan_id: isp.pppoe_plan.id.to_string(),
        router_id: isp.router.id.to_string(),
        notes: String::new(),
    };
    isp.core
        .update_customer(
            &isp.owner,
            &ispdesk_core::UpdateCustomer {
                id: alice.id,
                input: edit.clone(),
            },
        )
        .unwrap();
    assert!(queued(&isp).is_empty());

    isp.sim.connect_ppp("alice", ip(20)).unwrap();
    isp.sim.connect_ppp("tetangga", ip(21)).unwrap();
    isp.sim
        .connect_hotspot("tamu1", ip(50), "AA:BB:CC:00:00:01")
        .unwrap();
    isp.core.suspend_customer(&isp.owner, alice.id).unwrap();
    isp.core.suspend_customer(&isp.owner, tamu.id).unwrap();
    assert_eq!(queued(&isp).len(), 1);
    let outcomes = drain_provision_queue(&isp.core, TIMEOUTS).await.unwrap();
    let report = outcomes[0].result.as_ref().unwrap();
    assert_eq!((report.changed, report.disconnected), (2, 2), "{report:?}");
    assert_eq!(
        isp.row("/ppp/secret", "alice").unwrap().get("disabled"),
        Some("true")
    );
    assert_eq!(
        isp.row("/ip/hotspot/user", "tamu1")
            .unwrap()
            .get("disabled"),
        Some("true")
    );
    assert!(
        isp.row("/ppp/active", "alice").is_none(),
        "the session is ended"
    );
    assert!(isp.row("/ip/hotspot/active", "tamu1").is_none());
    assert!(
        isp.row("/ppp/active", "tetangga").is_some(),
        "others stay online"
    );
    assert!(
        isp.sim.connect_ppp("alice", ip(22)).is_err(),
        "and cannot dial in again"
    );

    // Reactivating enables it again; a new password reaches the router.
    isp.core.reactivate_customer(&isp.owner, alice.id).unwrap();
    edit.password = "sandi-baru-9".into();
    isp.core
        .update_customer(
            &isp.owner,
            &ispdesk_core::UpdateCustomer {
                id: alice.id,
                input: edit,
            },
        )
        .unwrap();
    drain_provision_queue(&isp.core, TIMEOUTS).await.unwrap();
    let secret = isp.row("/ppp/secret", "alice").unwrap();
    assert_eq!(secret.get("disabled"), Some("false"));
    assert_eq!(secret.get("password"), Some("sandi-baru-9"));

    // A plan's speed reaches the router through its profile.
    let mut plan = plan_input("PPP-10M", "pppoe", "paket-10m", &isp.bandwidth);
    let faster = isp
        .core
        .create_bandwidth_profile(
            &isp.owner,
            &ispdesk_domain::bandwidth::BandwidthInput {
                name: "20M".into(),
                rate_up: "10M".into(),
                rate_down: "20M".into(),
                ..Default::default()
            },
        )
        .unwrap();
    plan.bandwidth_profile_id = faster.id.to_string();
    isp.core
        .update_plan(&isp.owner, isp.pppoe_plan.id, &plan)
        .unwrap();
    assert_eq!(
        queued(&isp).len(),
        1,
        "a plan change queues its customers' routers"
    );
    drain_provision_queue(&isp.core, TIMEOUTS).await.unwrap();
    assert_eq!(
        isp.row("/ppp/profile", "paket-10m")
            .unwrap()
            .get("rate-limit"),
        Some("10M/20M")
    );
}

#[tokio::test]
async fn an_item_the_router_refuses_is_reported_and_the_rest_apply() {
    let isp = Isp::new(RouterVersion::V7, "api").await;
    prepare(&isp).await;
    // A second profile whose pool the router does not have.
    let pool = isp
        .core
        .create_pool(
            &isp.owner,
            &IpPoolInput {
                router_id: isp.router.id.to_string(),
                name: "pool-baru".into(),
                ranges: "10.20.0.2-10.20.0.254".into(),
                pool_type: "pppoe".into(),
            },
        )
        .unwrap();
    isp.core
        .save_pppoe_profile(
            &isp.owner,
            None,
            &ProfileInput {
                router_id: isp.router.id.to_string(),
                name: "paket-20m".into(),
                ip_pool_id: pool.id.to_string(),
                shared_users: "1".into(),
                ..Default::default()
            },
        )
        .unwrap();
    let plan20 = isp
        .core
        .create_plan(
            &isp.owner,
            &plan_input("PPP-20M", "pppoe", "paket-20m", &isp.bandwidth),
        )
        .unwrap();
    isp.customer("alice", &isp.pppoe_plan);
    isp.customer("carol", &plan20);
    isp.customer("tamu1", &isp.hotspot_plan);

    let report = apply_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    let failed: Vec<(ItemKind, &str, ItemAction)> = report
        .failures
        .iter()
        .map(|f| (f.kind, f.name.as_str(), f.action))
        .collect();
    assert_eq!(
        failed,
        [
            (ItemKind::PppProfile, "paket-20m", ItemAction::Add),
            (ItemKind::PppSecret, "carol", ItemAction::Add),
        ]
    );
    assert!(
        report.failures[0].message.contains("remote-address"),
        "{:?}",
        report.failures
    );
    assert!(
        report.failures[1].message.contains("profile"),
        "{:?}",
        report.failures
    );
    assert_eq!(report.added, 3, "the profile paket-10m, alice and tamu1");
    assert!(isp.row("/ppp/secret", "alice").is_some());
    assert!(isp.row("/ip/hotspot/user", "tamu1").is_some());
    let logged = isp
        .activity()
        .into_iter()
        .find(|e| e.action == "provision")
        .unwrap();
    assert_eq!(
        logged.new_values.unwrap()["failures"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Once the router has the pool, the next run completes.
    routeros(
        &isp.sim,
        "/ip/pool/add",
        &[("name", "pool-baru"), ("ranges", "10.20.0.2-10.20.0.254")],
    )
    .await;
    let report = apply_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert!(report.failures.is_empty());
    assert_eq!(report.added, 2);
}

#[tokio::test]
async fn a_name_held_by_an_unmanaged_item_blocks_until_adopted() {
    let isp = Isp::new(RouterVersion::V7, "api").await;
    prepare(&isp).await;
    isp.customer("tetangga", &isp.pppoe_plan);
    let diff = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert!(diff.add.iter().all(|a| a.name != "tetangga"));
    assert!(
        diff.unmanaged
            .iter()
            .any(|u| u.name == "tetangga" && u.blocks)
    );
    let before = isp.row("/ppp/secret", "tetangga").unwrap();
    apply_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert_eq!(
        isp.row("/ppp/secret", "tetangga").unwrap(),
        before,
        "never touched"
    );

    let adopt = [ItemRef {
        kind: ItemKind::PppSecret,
        name: "tetangga".into(),
    }];
    let diff = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &adopt, TIMEOUTS)
        .await
        .unwrap();
    let fields: Vec<&str> = diff.change[0]
        .fields
        .iter()
        .map(|f| f.field.as_str())
        .collect();
    assert_eq!(fields, ["password", "service", "profile", "comment"]);
    apply_provisioning(&isp.core, &isp.owner, isp.router.id, &adopt, TIMEOUTS)
        .await
        .unwrap();
    let now = isp.row("/ppp/secret", "tetangga").unwrap();
    assert_eq!(now.get("password"), Some("rahasia-tetangga"));
    assert!(now.get("comment").unwrap().starts_with(MARKER));
}

#[tokio::test]
async fn radius_routers_are_previewed_not_provisioned_and_unreachable_ones_wait() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    isp.customer("alice", &isp.pppoe_plan);
    assert!(queued(&isp).is_empty(), "RADIUS routers are never queued");
    let diff = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    assert_eq!(diff.add.len(), 2);
    assert!(
        !diff
            .warnings
            .iter()
            .any(|w| matches!(w, Warning::MissingProfile { .. }))
    );
    let applied = apply_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS).await;
    assert_eq!(code(applied), ErrorCode::RouterNotApiMode);
    assert!(isp.row("/ppp/secret", "alice").is_none());

    // Switching to api mode queues it; while it cannot be reached it waits, longer each time.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut input = crate::router_input(&isp.sim, "api");
    input.api_port = closed.to_string();
    isp.core
        .update_router(&isp.owner, isp.router.id, &input)
        .unwrap();
    assert_eq!(queued(&isp).len(), 1);
    let outcomes = drain_provision_queue(&isp.core, TIMEOUTS).await.unwrap();
    let error = outcomes[0].result.as_ref().unwrap_err();
    assert!(error.is_connection(), "{error}");
    assert!(error.to_string().contains("cannot reach"), "{error}");
    let (attempts, not_before): (i64, Option<String>) = isp.core.with_connection(|c| {
        c.query_row(
            "SELECT attempts, not_before FROM provision_queue",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    });
    assert_eq!(attempts, 1);
    assert!(not_before.is_some());
    // Not due again yet.
    assert!(
        drain_provision_queue(&isp.core, TIMEOUTS)
            .await
            .unwrap()
            .is_empty()
    );
    // A fix to the router (its port) makes it due at once, and it goes through.
    let mut input = crate::router_input(&isp.sim, "api");
    input.api_port = isp.sim.address().port().to_string();
    isp.core
        .update_router(&isp.owner, isp.router.id, &input)
        .unwrap();
    routeros(
        &isp.sim,
        "/ip/pool/add",
        &[("name", "pool-pppoe"), ("ranges", "10.10.0.2-10.10.3.254")],
    )
    .await;
    let outcomes = drain_provision_queue(&isp.core, TIMEOUTS).await.unwrap();
    assert_eq!(outcomes[0].result.as_ref().unwrap().added, 2);
    assert!(queued(&isp).is_empty());
}
