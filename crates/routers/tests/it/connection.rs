//! Test connection: both RouterOS generations, the errors a person can act on, and TLS
//! trust on first use.

use ispdesk_core::ErrorCode;
use ispdesk_domain::Role;
use ispdesk_domain::router::RouterInput;
use ispdesk_routers::{ConnectionTest, confirm_certificate, test_connection};
use routeros_api::sim::{Fault, RouterVersion};

use crate::{Isp, TIMEOUTS, code, router_input};

fn edit(isp: &Isp, change: impl FnOnce(&mut RouterInput)) {
    let mut input = router_input(&isp.sim, "radius");
    change(&mut input);
    isp.core
        .update_router(&isp.owner, isp.router.id, &input)
        .unwrap();
}

#[tokio::test]
async fn identity_version_board_and_uptime_on_v6_and_v7() {
    for (version, expected) in [
        (
            RouterVersion::V6,
            ("6.42.12 (long-term)", "RB OmniTIK UPA-5HnD"),
        ),
        (RouterVersion::V7, ("7.18.2 (stable)", "hEX S")),
    ] {
        let isp = Isp::new(version, "radius").await;
        match test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
            .await
            .unwrap()
        {
            ConnectionTest::Connected { info } => {
                assert_eq!(info.identity, "Kantor Pusat");
                assert_eq!(info.version.as_deref(), Some(expected.0));
                assert_eq!(info.board.as_deref(), Some(expected.1));
                assert!(info.uptime_s.is_some());
            }
            other => panic!("{version:?}: expected a connection, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_wrong_password_is_a_refused_login() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    edit(&isp, |r| r.api_password = "not-the-password".into());
    let result = test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS).await;
    assert_eq!(code(result), ErrorCode::RouterLoginFailed);
}

#[tokio::test]
async fn nobody_listening_is_unreachable_and_a_stalled_router_times_out() {
    let isp = Isp::new(RouterVersion::V6, "radius").await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    edit(&isp, |r| r.api_port = closed.to_string());
    let result = test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS).await;
    let error = ispdesk_core::AppError::from(result.unwrap_err());
    assert_eq!(error.code, ErrorCode::RouterUnreachable);
    assert_eq!(error.params["address"], format!("127.0.0.1:{closed}"));

    edit(&isp, |_| {});
    isp.sim.set_fault(Fault::Stall);
    let started = std::time::Instant::now();
    let result = test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS).await;
    assert_eq!(code(result), ErrorCode::RouterTimeout);
    assert!(started.elapsed() < TIMEOUTS.connect * 2);
    isp.sim.set_fault(Fault::None);
    assert!(matches!(
        test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS).await,
        Ok(ConnectionTest::Connected { .. })
    ));
}

#[tokio::test]
async fn tls_shows_the_fingerprint_first_and_connects_once_it_is_confirmed() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    let tls_port = isp.sim.tls_address().unwrap().port();
    edit(&isp, |r| {
        r.api_tls = true;
        r.api_port = tls_port.to_string();
    });
    let fingerprint = match test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap()
    {
        ConnectionTest::CertificateUnconfirmed { fingerprint } => fingerprint,
        other => panic!("expected the certificate to confirm, got {other:?}"),
    };
    assert_eq!(fingerprint, isp.sim.fingerprint().unwrap().to_string());
    // Other operations refuse until then, with the fingerprint to show.
    let status =
        ispdesk_routers::online_users(&isp.core, &isp.owner, isp.router.id, TIMEOUTS).await;
    assert_eq!(code(status), ErrorCode::RouterCertificateUnconfirmed);

    // People paste fingerprints in any case and separator.
    let typed = fingerprint.replace(':', " ").to_lowercase();
    let stored = confirm_certificate(&isp.core, &isp.owner, isp.router.id, &typed)
        .await
        .unwrap();
    assert_eq!(stored, fingerprint);
    match test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap()
    {
        ConnectionTest::Connected { info } => assert_eq!(info.identity, "Kantor Pusat"),
        other => panic!("expected a connection, got {other:?}"),
    }
    assert!(
        isp.activity().iter().any(|e| e.action == "pin_certificate"),
        "confirming is logged"
    );

    // Another device answering where the confirmed router was: a changed certificate.
    // (Moving the router to a new port clears the confirmation, so confirm the old one again
    // to stand for a router swapped behind the same address.)
    let impostor = crate::start_sim(RouterVersion::V7).await;
    edit(&isp, |r| {
        r.api_tls = true;
        r.api_port = impostor.tls_address().unwrap().port().to_string();
    });
    confirm_certificate(&isp.core, &isp.owner, isp.router.id, &fingerprint)
        .await
        .unwrap();
    match test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap()
    {
        ConnectionTest::CertificateChanged {
            confirmed,
            presented,
        } => {
            assert_eq!(confirmed, fingerprint);
            assert_eq!(presented, impostor.fingerprint().unwrap().to_string());
        }
        other => panic!("expected a changed certificate, got {other:?}"),
    }
    let bad = confirm_certificate(&isp.core, &isp.owner, isp.router.id, "12:34").await;
    assert_eq!(code(bad), ErrorCode::Validation);
}

#[tokio::test]
async fn a_router_without_api_access_and_a_cashier_are_refused_before_any_connection() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    let cashier = isp.staff(Role::Cashier);
    let result = test_connection(&isp.core, &cashier, isp.router.id, TIMEOUTS).await;
    assert_eq!(code(result), ErrorCode::Forbidden);
    edit(&isp, |r| r.api_username.clear());
    let result = test_connection(&isp.core, &isp.owner, isp.router.id, TIMEOUTS).await;
    assert_eq!(code(result), ErrorCode::RouterNotConfigured);
    assert_eq!(isp.sim.connections(), 0);
}
