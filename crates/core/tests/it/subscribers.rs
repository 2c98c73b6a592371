//! Routers, pools, bandwidth, plans and customers through the core, with the RADIUS rows
//! they must leave behind.

use crate::fixture::{Isp, customer_input, plan_input, router_input};
use crate::validation_codes;
use chrono::Duration;
use ispdesk_core::{CustomerQuery, Error, NetworkItem, RadiusSettingsInput, UpdateCustomer};
use ispdesk_domain::bandwidth::BandwidthInput;
use ispdesk_domain::customer::CustomerStatus;
use ispdesk_domain::ip_pool::IpPoolInput;
use ispdesk_domain::radius::expiration_value;
use ispdesk_domain::{Role, ValidationCode};

#[test]
fn router_secrets_are_sealed_and_never_shown() {
    let isp = Isp::new();
    assert!(isp.router.has_radius_secret && isp.router.has_api_password);
    let (secret, api): (Vec<u8>, Vec<u8>) = isp.db.core.with_connection(|c| {
        c.query_row(
            "SELECT radius_secret_enc, api_password_enc FROM routers",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    });
    assert!(!secret.windows(7).any(|w| w == b"rahasia"));
    assert!(!api.windows(8).any(|w| w == b"api-pass"));
    let shown = serde_json::to_string(&isp.db.core.list_routers(&isp.owner).unwrap()).unwrap();
    assert!(!shown.contains("rahasia") && !shown.contains("api-pass"));
    // FreeRADIUS's own table has the secret in clear, as it must.
    let nas: (String, String, String) = isp.db.core.with_connection(|c| {
        c.query_row("SELECT nasname, shortname, secret FROM nas", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap()
    });
    assert_eq!(
        nas,
        ("127.0.0.1".into(), "pusat".into(), "rahasia-radius".into())
    );
    let creds = isp
        .db
        .core
        .router_credentials(&isp.owner, isp.router.id)
        .unwrap();
    assert_eq!(creds.api_password.as_deref(), Some("api-pass-123"));
    // An edit with the secrets left empty keeps them.
    let mut edit = router_input("pusat", "127.0.0.1");
    edit.radius_secret.clear();
    edit.api_password.clear();
    edit.name = "Router Pusat Baru".into();
    isp.db
        .core
        .update_router(&isp.owner, isp.router.id, &edit)
        .unwrap();
    assert_eq!(
        isp.db
            .core
            .router_credentials(&isp.owner, isp.router.id)
            .unwrap()
            .api_password
            .as_deref(),
        Some("api-pass-123")
    );
    let nas_desc: String = isp.db.core.with_connection(|c| {
        c.query_row("SELECT description FROM nas", [], |r| r.get(0))
            .unwrap()
    });
    assert_eq!(nas_desc, "Router Pusat Baru");
    let audit = serde_json::to_string(
        &isp.db
            .core
            .list_activity(
                &isp.owner,
                &ispdesk_core::ActivityQuery {
                    page: 1,
                    page_size: 100,
                    ..Default::default()
                },
            )
            .unwrap(),
    )
    .unwrap();
    assert!(!audit.contains("rahasia-radius") && !audit.contains("api-pass-123"));
}

#[test]
fn short_names_are_unique_and_routers_in_api_mode_are_not_radius_clients() {
    let isp = Isp::new();
    let err = isp
        .db
        .core
        .create_router(&isp.owner, &router_input("pusat", "10.0.0.2"))
        .unwrap_err();
    assert_eq!(
        validation_codes(err),
        [("short_name".to_owned(), ValidationCode::AlreadyUsed)]
    );
    let mut api = router_input("cabang", "10.0.0.2");
    api.provisioning_mode = "api".into();
    isp.db.core.create_router(&isp.owner, &api).unwrap();
    let nas: i64 = isp.db.core.with_connection(|c| {
        c.query_row("SELECT COUNT(*) FROM nas", [], |r| r.get(0))
            .unwrap()
    });
    assert_eq!(nas, 1);
    isp.assert_radius_consistent();
}

#[test]
fn a_router_with_customers_is_not_deleted_and_one_without_takes_its_pools_along() {
    let isp = Isp::new();
    isp.customer("budi");
    let err = isp
        .db
        .core
        .delete_router(&isp.owner, isp.router.id)
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InUse {
                entity: "customers",
                count: 1
            }
        ),
        "{err:?}"
    );
    let other = isp
        .db
        .core
        .create_router(&isp.owner, &router_input("cabang", "10.0.0.9"))
        .unwrap();
    isp.db
        .core
        .create_pool(
            &isp.owner,
            &IpPoolInput {
                router_id: other.id.to_string(),
                name: "p".into(),
                ranges: "10.20.0.0/24".into(),
                pool_type: "any".into(),
            },
        )
        .unwrap();
    isp.db.core.delete_router(&isp.owner, other.id).unwrap();
    assert!(
        isp.db
            .core
            .list_pools(&isp.owner, Some(other.id))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn overlapping_pools_on_one_router_are_refused_naming_the_other() {
    let isp = Isp::new();
    let err = isp
        .db
        .core
        .create_pool(
            &isp.owner,
            &IpPoolInput {
                router_id: isp.router.id.to_string(),
                name: "hotspot".into(),
                ranges: "10.10.3.0/24".into(),
                pool_type: "hotspot".into(),
            },
        )
        .unwrap_err();
    match err {
        Error::Validation(fields) => {
            assert_eq!(fields[0].code, ValidationCode::PoolOverlap);
            assert_eq!(fields[0].params["pool"], "pool-pppoe");
        }
        other => panic!("{other:?}"),
    }
    // The same range on another router is fine.
    let other = isp
        .db
        .core
        .create_router(&isp.owner, &router_input("cabang", "10.0.0.9"))
        .unwrap();
    let pool = isp
        .db
        .core
        .create_pool(
            &isp.owner,
            &IpPoolInput {
                router_id: other.id.to_string(),
                name: "hotspot".into(),
                ranges: "10.10.3.0/24, 10.10.4.1".into(),
                pool_type: "hotspot".into(),
            },
        )
        .unwrap();
    assert_eq!(pool.size, 257);
}

#[test]
fn an_active_customer_gets_password_expiry_plan_group_pool_and_timeout() {
    let isp = Isp::new();
    let c = isp.customer("budi");
    assert_eq!(c.status, CustomerStatus::Active);
    let expires = c.expires_at.unwrap();
    assert_eq!(
        isp.attr("radcheck", "budi", "Cleartext-Password")
            .as_deref(),
        Some("rahasia1")
    );
    assert_eq!(
        isp.attr("radcheck", "budi", "Expiration"),
        Some(expiration_value(expires))
    );
    assert_eq!(isp.attr("radcheck", "budi", "Auth-Type"), None);
    assert_eq!(isp.groups("budi"), ["plan-ppp-10m"]);
    assert_eq!(
        isp.attr("radreply", "budi", "Framed-Pool").as_deref(),
        Some("pool-pppoe")
    );
    assert_eq!(
        isp.attr("radreply", "budi", "Session-Timeout").as_deref(),
        Some("86400")
    );
    assert_eq!(
        isp.group_attr("radgroupreply", "plan-ppp-10m", "Mikrotik-Rate-Limit")
            .as_deref(),
        Some("5M/10M")
    );
    assert_eq!(
        isp.group_attr("radgroupcheck", "plan-ppp-10m", "Simultaneous-Use")
            .as_deref(),
        Some("1")
    );
    // A month on the ISP's calendar: 23 Nov 10:00 WIB -> 23 Dec 10:00 WIB.
    assert_eq!(expires - isp.db.clock_now(), Duration::days(30));
    isp.assert_radius_consistent();
}

#[test]
fn a_ten_gib_hotspot_quota_is_written_with_gigawords() {
    let isp = Isp::new();
    isp.db
        .core
        .create_customer(
            &isp.owner,
            &customer_input("voucher1", &isp.hotspot_plan, &isp.router),
        )
        .unwrap();
    assert_eq!(
        isp.attr("radreply", "voucher1", "Mikrotik-Total-Limit")
            .as_deref(),
        Some("2147483648")
    );
    assert_eq!(
        isp.attr("radreply", "voucher1", "Mikrotik-Total-Limit-Gigawords")
            .as_deref(),
        Some("2")
    );
    assert_eq!(
        isp.group_attr("radgroupcheck", "plan-hs-1d", "Simultaneous-Use")
            .as_deref(),
        Some("2")
    );
    isp.assert_radius_consistent();
}

#[test]
fn suspend_isolir_reactivate_renew_and_expire() {
    let isp = Isp::new();
    let c = isp.customer("budi");
    isp.db.core.suspend_customer(&isp.owner, c.id).unwrap();
    assert_eq!(
        isp.attr("radcheck", "budi", "Auth-Type").as_deref(),
        Some("Reject")
    );
    assert!(isp.groups("budi").is_empty());
    isp.assert_radius_consistent();

    // Isolir on: suspended customers are accepted into the isolir group.
    isp.db
        .core
        .update_radius_settings(
            &isp.owner,
            &RadiusSettingsInput {
                isolir_enabled: true,
                isolir_rate_limit: "256k/256k".into(),
                isolir_address_list: "isolir".into(),
                interim_interval_s: "300".into(),
            },
        )
        .unwrap();
    assert_eq!(isp.groups("budi"), ["isolir"]);
    assert_eq!(isp.attr("radcheck", "budi", "Auth-Type"), None);
    assert_eq!(
        isp.group_attr("radgroupreply", "isolir", "Mikrotik-Address-List")
            .as_deref(),
        Some("isolir")
    );
    assert_eq!(
        isp.group_attr("radgroupreply", "isolir", "Mikrotik-Rate-Limit")
            .as_deref(),
        Some("256k/256k")
    );
    isp.assert_radius_consistent();

    let back = isp.db.core.reactivate_customer(&isp.owner, c.id).unwrap();
    assert_eq!(back.status, CustomerStatus::Active);
    assert_eq!(isp.groups("budi"), ["plan-ppp-10m"]);

    // The month runs out: the job marks them expired and FreeRADIUS rejects them.
    isp.db.clock.advance(Duration::days(31));
    assert_eq!(isp.db.core.expire_due_customers().unwrap(), 1);
    assert_eq!(
        isp.db.core.get_customer(&isp.owner, c.id).unwrap().status,
        CustomerStatus::Expired
    );
    assert_eq!(
        isp.attr("radcheck", "budi", "Auth-Type").as_deref(),
        Some("Reject")
    );
    assert!(matches!(
        isp.db.core.reactivate_customer(&isp.owner, c.id),
        Err(Error::RenewRequired)
    ));

    // Renewing after expiry counts from now.
    let renewed = isp.db.core.renew_customer(&isp.owner, c.id).unwrap();
    assert_eq!(renewed.status, CustomerStatus::Active);
    assert!(renewed.expires_at.unwrap() > isp.db.clock_now() + Duration::days(27));
    // Renewing early adds to the current expiry.
    let again = isp.db.core.renew_customer(&isp.owner, c.id).unwrap();
    assert!(again.expires_at.unwrap() > renewed.expires_at.unwrap() + Duration::days(27));
    assert_eq!(
        isp.attr("radcheck", "budi", "Expiration"),
        Some(expiration_value(again.expires_at.unwrap()))
    );
    isp.assert_radius_consistent();
}

#[test]
fn a_renamed_customer_takes_their_rows_along() {
    let isp = Isp::new();
    let c = isp.customer("budi");
    let mut input = customer_input("budi.santoso", &isp.pppoe_plan, &isp.router);
    input.password.clear();
    isp.db
        .core
        .update_customer(&isp.owner, &UpdateCustomer { id: c.id, input })
        .unwrap();
    assert!(isp.rows("radcheck", "budi").is_empty());
    assert_eq!(
        isp.attr("radcheck", "budi.santoso", "Cleartext-Password")
            .as_deref(),
        Some("rahasia1"),
        "an empty password keeps it"
    );
    assert_eq!(
        isp.db
            .core
            .reveal_customer_password(&isp.owner, c.id)
            .unwrap(),
        "rahasia1"
    );
    isp.assert_radius_consistent();
}

#[test]
fn customer_validation_says_which_field_and_why() {
    let isp = Isp::new();
    isp.customer("budi");
    let mut input = customer_input("BUDI", &isp.hotspot_plan, &isp.router);
    input.service_type = "pppoe".into();
    input.password = "abc".into();
    input.email = "budi@".into();
    input.phone = "call me".into();
    let err = isp.db.core.create_customer(&isp.owner, &input).unwrap_err();
    assert_eq!(
        validation_codes(err),
        [
            ("username".to_owned(), ValidationCode::UsernameTaken),
            ("password".to_owned(), ValidationCode::PasswordTooShort),
            ("phone".to_owned(), ValidationCode::InvalidPhone),
            ("email".to_owned(), ValidationCode::InvalidEmail),
            ("plan_id".to_owned(), ValidationCode::PlanTypeMismatch),
        ]
    );
    // A new customer without a password gets a readable generated one.
    let mut no_password = customer_input("siti", &isp.pppoe_plan, &isp.router);
    no_password.password.clear();
    let siti = isp
        .db
        .core
        .create_customer(&isp.owner, &no_password)
        .unwrap();
    let generated = isp
        .db
        .core
        .reveal_customer_password(&isp.owner, siti.id)
        .unwrap();
    assert_eq!(generated.len(), 8);
    assert!(
        generated
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    assert!(!generated.contains(['0', 'o', '1', 'l', 'i']));
}

#[test]
fn delete_is_refused_while_invoices_are_unpaid_and_with_a_paid_history() {
    let isp = Isp::new();
    let c = isp.customer("budi");
    let invoice = |status: &str| {
        isp.db.core.with_connection(|conn| {
            conn.execute(
                "INSERT INTO invoices (id, number, customer_id, subtotal, tax, total, status, issue_date, due_date, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 150000, 0, 150000, ?4, '2026-11-23', '2026-11-30', 'x', 'x')",
                {
                    let id = ispdesk_domain::CustomerId::new().to_string();
                    (id.clone(), format!("INV/{id}"), c.id.to_string(), status)
                },
            )
            .unwrap()
        })
    };
    invoice("unpaid");
    invoice("unpaid");
    assert!(matches!(
        isp.db.core.delete_customer(&isp.owner, c.id),
        Err(Error::UnpaidInvoices { count: 2 })
    ));
    isp.db.core.with_connection(|conn| {
        conn.execute("UPDATE invoices SET status = 'paid', rev = rev + 1", [])
            .unwrap()
    });
    assert!(matches!(
        isp.db.core.delete_customer(&isp.owner, c.id),
        Err(Error::HasInvoiceHistory)
    ));
    assert!(
        !isp.rows("radcheck", "budi").is_empty(),
        "nothing was removed"
    );
    let plain = isp.customer("siti");
    isp.db.core.delete_customer(&isp.owner, plain.id).unwrap();
    assert!(isp.rows("radcheck", "siti").is_empty());
    isp.assert_radius_consistent();
}

#[test]
fn changing_a_plans_speed_rewrites_one_group_and_a_new_code_moves_its_customers() {
    let isp = Isp::new();
    for i in 0..20 {
        isp.customer(&format!("c{i}"));
    }
    let mut faster = BandwidthInput {
        name: "10M".into(),
        rate_up: "10M".into(),
        rate_down: "20M".into(),
        ..Default::default()
    };
    faster.priority = "5".into();
    isp.db
        .core
        .update_bandwidth_profile(&isp.owner, isp.bandwidth.id, &faster)
        .unwrap();
    assert_eq!(
        isp.group_attr("radgroupreply", "plan-ppp-10m", "Mikrotik-Rate-Limit")
            .as_deref(),
        Some("10M/20M 0/0 0/0 0/0 5")
    );
    let mut renamed = plan_input("PPP-20M", "pppoe", &isp.bandwidth);
    renamed.shared_users = "2".into();
    isp.db
        .core
        .update_plan(&isp.owner, isp.pppoe_plan.id, &renamed)
        .unwrap();
    assert_eq!(isp.groups("c7"), ["plan-ppp-20m"]);
    assert_eq!(
        isp.group_attr("radgroupreply", "plan-ppp-10m", "Mikrotik-Rate-Limit"),
        None,
        "the old group is gone"
    );
    assert_eq!(
        isp.group_attr("radgroupcheck", "plan-ppp-20m", "Simultaneous-Use")
            .as_deref(),
        Some("2")
    );
    assert!(matches!(
        isp.db.core.delete_plan(&isp.owner, isp.pppoe_plan.id),
        Err(Error::InUse {
            entity: "customers",
            count: 20
        })
    ));
    assert!(matches!(
        isp.db
            .core
            .delete_bandwidth_profile(&isp.owner, isp.bandwidth.id),
        Err(Error::InUse { .. })
    ));
    isp.assert_radius_consistent();
}

#[test]
fn a_router_profile_change_reaches_its_customers() {
    let isp = Isp::new();
    isp.customer("budi");
    let input = ispdesk_domain::network::ProfileInput {
        router_id: isp.router.id.to_string(),
        name: "pppoe-10m".into(),
        ip_pool_id: isp.pppoe_pool.id.to_string(),
        bandwidth_profile_id: String::new(),
        local_address: "10.10.0.1".into(),
        dns_servers: String::new(),
        session_timeout: "12h".into(),
        shared_users: "1".into(),
        dns_name: String::new(),
    };
    isp.db
        .core
        .save_pppoe_profile(&isp.owner, Some(isp.pppoe_profile.id), &input)
        .unwrap();
    assert_eq!(
        isp.attr("radreply", "budi", "Session-Timeout").as_deref(),
        Some("43200")
    );
    assert!(matches!(
        isp.db.core.delete_pool(&isp.owner, isp.pppoe_pool.id),
        Err(Error::InUse {
            entity: "pppoe_profiles",
            ..
        })
    ));
    isp.db
        .core
        .delete_network_item(
            &isp.owner,
            NetworkItem::PppoeProfile,
            &isp.pppoe_profile.id.to_string(),
        )
        .unwrap();
    assert_eq!(isp.attr("radreply", "budi", "Framed-Pool"), None);
    isp.assert_radius_consistent();
}

#[test]
fn search_by_prefix_with_filters_and_paging() {
    let isp = Isp::new();
    for (u, name, phone) in [
        ("budi", "Budi Santoso", "081211110001"),
        ("budiman", "Budiman", "081211110002"),
        ("siti", "Siti Aminah", "085700000003"),
        ("agus", "Agus Salim", "081399990004"),
    ] {
        let mut input = customer_input(u, &isp.pppoe_plan, &isp.router);
        input.name = name.into();
        input.phone = phone.into();
        isp.db.core.create_customer(&isp.owner, &input).unwrap();
    }
    let search = |text: &str| -> Vec<String> {
        isp.db
            .core
            .search_customers(
                &isp.owner,
                &CustomerQuery {
                    text: text.into(),
                    page: 1,
                    page_size: 50,
                    ..Default::default()
                },
            )
            .unwrap()
            .items
            .into_iter()
            .map(|i| i.customer.username)
            .collect()
    };
    assert_eq!(search("bud"), ["budi", "budiman"]);
    assert_eq!(search("SITI"), ["siti"]);
    assert_eq!(search("0857"), ["siti"]);
    assert_eq!(search("ag"), ["agus"]);
    assert_eq!(search("%"), Vec::<String>::new(), "wildcards are literal");
    let siti = isp
        .db
        .core
        .search_customers(
            &isp.owner,
            &CustomerQuery {
                text: "siti".into(),
                page: 1,
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap();
    isp.db
        .core
        .suspend_customer(&isp.owner, siti.items[0].customer.id)
        .unwrap();
    let suspended = isp
        .db
        .core
        .search_customers(
            &isp.owner,
            &CustomerQuery {
                status: Some(CustomerStatus::Suspended),
                page: 1,
                page_size: 10,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(suspended.total, 1);
    let page2 = isp
        .db
        .core
        .search_customers(
            &isp.owner,
            &CustomerQuery {
                page: 2,
                page_size: 3,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(page2.total, 4);
    assert_eq!(page2.items.len(), 1);
    assert_eq!(page2.items[0].customer.username, "siti");
    assert_eq!(page2.items[0].plan_name.as_deref(), Some("Paket PPP-10M"));
    assert_eq!(page2.items[0].router_name.as_deref(), Some("Router pusat"));
}

#[test]
fn who_may_do_what_with_subscribers() {
    let isp = Isp::new();
    let cashier = isp.db.staff(&isp.owner, "kasir", Role::Cashier);
    let tech = isp.db.staff(&isp.owner, "teknisi", Role::Technician);
    let reseller = isp.db.staff(&isp.owner, "agen", Role::Reseller);
    // The cashier serves customers and reads the plans and routers to do so.
    isp.db
        .core
        .create_customer(
            &cashier,
            &customer_input("budi", &isp.pppoe_plan, &isp.router),
        )
        .unwrap();
    isp.db.core.list_plans(&cashier).unwrap();
    isp.db.core.list_routers(&cashier).unwrap();
    assert!(matches!(
        isp.db
            .core
            .create_plan(&cashier, &plan_input("X", "pppoe", &isp.bandwidth)),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        isp.db
            .core
            .create_router(&cashier, &router_input("x", "10.9.9.9")),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        isp.db.core.list_pools(&cashier, None),
        Err(Error::Forbidden(_))
    ));
    // The technician runs the network but not the price list.
    isp.db
        .core
        .create_router(&tech, &router_input("cabang", "10.9.9.9"))
        .unwrap();
    assert!(matches!(
        isp.db
            .core
            .create_plan(&tech, &plan_input("X", "pppoe", &isp.bandwidth)),
        Err(Error::Forbidden(_))
    ));
    // The reseller sells vouchers only.
    assert!(matches!(
        isp.db
            .core
            .search_customers(&reseller, &CustomerQuery::default()),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        isp.db.core.list_routers(&reseller),
        Err(Error::Forbidden(_))
    ));
    isp.db.core.list_plans(&reseller).unwrap();
}
