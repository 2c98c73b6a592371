//! Importing a router's secrets and hotspot users as customers.

use ispdesk_core::{AppError, ErrorCode};
use ispdesk_domain::ValidationCode;
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::plan::ServiceType;
use ispdesk_domain::provisioning::MARKER;
use ispdesk_routers::{import_from_router, preview_import, preview_provisioning};
use routeros_api::sim::RouterVersion;

use crate::{Isp, TIMEOUTS, routeros};

async fn seed(isp: &Isp) {
    routeros(&isp.sim, "/ppp/profile/add", &[("name", "paket-10m")]).await;
    routeros(&isp.sim, "/ppp/profile/add", &[("name", "lama-5m")]).await;
    for (name, password, profile, extra) in [
        ("alice", "alice-pw1", "paket-10m", None),
        (
            "bob",
            "bob-pw-22",
            "lama-5m",
            Some(("comment", "Bob Warung Kopi")),
        ),
        ("carol", "carol-pw3", "paket-10m", Some(("disabled", "yes"))),
        ("budi-lama", "budi-pw44", "default", None),
        (
            "dikelola",
            "kelola-pw5",
            "default",
            Some(("comment", "ispdesk:018f-x")),
        ),
    ] {
        let mut attrs = vec![("name", name), ("password", password), ("profile", profile)];
        attrs.extend(extra);
        routeros(&isp.sim, "/ppp/secret/add", &attrs).await;
    }
    routeros(
        &isp.sim,
        "/ip/hotspot/user/add",
        &[("name", "tamu1"), ("password", "tamu-pw1")],
    )
    .await;
}

#[tokio::test]
async fn the_preview_says_what_becomes_of_each_account_and_the_import_does_it() {
    let isp = Isp::new(RouterVersion::V7, "radius").await;
    seed(&isp).await;
    // A customer with that username already exists (usernames ignore case).
    isp.customer("BUDI-LAMA", &isp.pppoe_plan);

    let preview = preview_import(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap();
    assert_eq!(preview.accounts, 6);
    assert_eq!(preview.managed, 1);
    assert!(preview.rejected.is_empty(), "{:?}", preview.rejected);
    assert_eq!(preview.existing.len(), 1);
    assert_eq!(preview.existing[0].username, "budi-lama");
    let new: Vec<(&str, Option<&str>, CustomerStatus)> = preview
        .new_customers
        .iter()
        .map(|r| (r.username.as_str(), r.plan_code.as_deref(), r.status))
        .collect();
    assert_eq!(
        new,
        [
            ("alice", Some("PPP-10M"), CustomerStatus::Active),
            ("bob", None, CustomerStatus::Active),
            ("carol", Some("PPP-10M"), CustomerStatus::Suspended),
            // A plan with no profile gives its customers `default`.
            ("tamu1", Some("HS-1D"), CustomerStatus::Active),
        ]
    );
    assert_eq!(preview.new_customers[1].name, "Bob Warung Kopi");
    assert_eq!(preview.unmatched_profiles.len(), 1);
    assert_eq!(preview.unmatched_profiles[0].profile, "lama-5m");
    assert_eq!(preview.unmatched_profiles[0].accounts, 1);
    let before = isp.customer_count();

    let result = import_from_router(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap();
    assert_eq!(result.imported, 4);
    assert_eq!(result.adopted, 0, "a RADIUS-mode router is not provisioned");
    assert_eq!(isp.customer_count(), before + 4);
    let page = isp
        .core
        .search_customers(
            &isp.owner,
            &ispdesk_core::CustomerQuery {
                text: "carol".into(),
                page: 1,
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap();
    let carol = &page.items[0].customer;
    assert_eq!(carol.status, CustomerStatus::Suspended);
    assert_eq!(carol.service_type, ServiceType::Pppoe);
    assert_eq!(carol.router_id, Some(isp.router.id));
    assert_eq!(
        isp.core
            .reveal_customer_password(&isp.owner, carol.id)
            .unwrap(),
        "carol-pw3",
        "the router's password is kept"
    );
    assert!(
        isp.activity()
            .iter()
            .any(|e| e.action == "import" && e.entity_type == "router")
    );

    // Importing again finds them all existing.
    let again = preview_import(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap();
    assert!(again.new_customers.is_empty());
    assert_eq!(again.existing.len(), 5);
}

#[tokio::test]
async fn one_bad_account_and_nothing_is_imported() {
    let isp = Isp::new(RouterVersion::V6, "radius").await;
    seed(&isp).await;
    routeros(
        &isp.sim,
        "/ppp/secret/add",
        &[("name", "pak rt"), ("password", "spasi-pw1")],
    )
    .await;
    routeros(
        &isp.sim,
        "/ppp/secret/add",
        &[("name", "pendek"), ("password", "abc")],
    )
    .await;
    routeros(&isp.sim, "/ppp/secret/add", &[("name", "kosong")]).await;
    let preview = preview_import(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap();
    let rejected: Vec<(&str, &str, ValidationCode)> = preview
        .rejected
        .iter()
        .map(|e| (e.params["username"].as_str(), e.field.as_str(), e.code))
        .collect();
    assert_eq!(rejected.len(), 3, "{rejected:?}");
    assert!(rejected.contains(&("pendek", "password", ValidationCode::PasswordTooShort)));
    assert!(rejected.contains(&("kosong", "password", ValidationCode::Required)));
    assert!(rejected.contains(&("pak rt", "username", ValidationCode::InvalidUsername)));
    assert!(preview.new_customers.iter().all(|r| r.username != "pak rt"));

    let before = isp.customer_count();
    let error = AppError::from(
        import_from_router(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
            .await
            .unwrap_err(),
    );
    assert_eq!(error.code, ErrorCode::ImportInvalid);
    assert_eq!(error.fields.len(), 3);
    assert_eq!(isp.customer_count(), before, "nothing imported");
}

#[tokio::test]
async fn on_an_api_mode_router_imported_accounts_become_managed() {
    let isp = Isp::new(RouterVersion::V7, "api").await;
    seed(&isp).await;
    routeros(
        &isp.sim,
        "/ip/pool/add",
        &[("name", "pool-pppoe"), ("ranges", "10.10.0.2-10.10.3.254")],
    )
    .await;
    let result = import_from_router(&isp.core, &isp.owner, isp.router.id, TIMEOUTS)
        .await
        .unwrap();
    assert_eq!((result.imported, result.adopted), (5, 5));
    let alice = isp.row("/ppp/secret", "alice").unwrap();
    assert!(alice.get("comment").unwrap().starts_with(MARKER));
    assert_eq!(
        alice.get("password"),
        Some("alice-pw1"),
        "only the marker was written"
    );
    // The app now keeps them: nothing blocks, nothing to remove.
    let diff = preview_provisioning(&isp.core, &isp.owner, isp.router.id, &[], TIMEOUTS)
        .await
        .unwrap();
    // Only `dikelola`, marked as the app's without being anyone's customer, would go.
    let removed: Vec<&str> = diff.remove.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(removed, ["dikelola"]);
    let blocked: Vec<_> = diff.unmanaged.iter().filter(|u| u.blocks).collect();
    // Only the ISP's own `paket-10m` profile, which the app's profile of that name defers to.
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    assert_eq!(blocked[0].name, "paket-10m");
}
