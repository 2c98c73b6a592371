//! CSV import (validate everything, then all or nothing) and export.

use crate::fixture::Isp;
use ispdesk_core::{CustomerQuery, Error};
use ispdesk_domain::ValidationCode;
use ispdesk_domain::customer::CustomerStatus;

fn errors(e: Error) -> Vec<(u32, String, ValidationCode)> {
    match e {
        Error::ImportInvalid(fields) => fields
            .into_iter()
            .map(|f| (f.params["line"].parse().unwrap(), f.field, f.code))
            .collect(),
        other => panic!("expected an import error, got {other:?}"),
    }
}

fn count(isp: &Isp) -> u64 {
    isp.db
        .core
        .search_customers(
            &isp.owner,
            &CustomerQuery {
                page: 1,
                page_size: 1,
                ..Default::default()
            },
        )
        .unwrap()
        .total
}

#[test]
fn every_bad_row_is_reported_by_line_and_nothing_is_imported() {
    let isp = Isp::new();
    isp.customer("existing");
    let csv = "username,password,name,phone,service_type,plan,router,status,expires_at\n\
               budi,rahasia1,Budi,0812-1111-0001,pppoe,PPP-10M,pusat,,\n\
               existing,rahasia1,Siapa,,pppoe,PPP-10M,pusat,,\n\
               siti,ab,Siti,,pppoe,NOPE,pusat,,\n\
               budi,rahasia1,Budi Lagi,,pppoe,PPP-10M,pusat,,\n\
               agus,rahasia1,,,pppoe,PPP-10M,gudang,sleeping,31/13/2026\n";
    let preview = isp
        .db
        .core
        .preview_customer_import(&isp.owner, csv)
        .unwrap();
    assert_eq!(preview.total_rows, 5);
    assert_eq!(preview.valid_rows, 1);
    let err = isp.db.core.import_customers(&isp.owner, csv).unwrap_err();
    assert_eq!(
        errors(err),
        [
            (3, "username".into(), ValidationCode::UsernameTaken),
            (4, "plan".into(), ValidationCode::NotFound),
            (4, "password".into(), ValidationCode::PasswordTooShort),
            (5, "username".into(), ValidationCode::UsernameTaken),
            (6, "router".into(), ValidationCode::NotFound),
            (6, "name".into(), ValidationCode::Required),
        ]
    );
    assert_eq!(count(&isp), 1, "all or nothing");
    let fixed = "username,name\nx,\n";
    assert_eq!(
        errors(isp.db.core.import_customers(&isp.owner, fixed).unwrap_err()),
        [
            (2, "name".into(), ValidationCode::Required),
            (2, "service_type".into(), ValidationCode::Required)
        ]
    );
    let no_header = "nama_paket,harga\nA,1\n";
    assert_eq!(
        errors(
            isp.db
                .core
                .import_customers(&isp.owner, no_header)
                .unwrap_err()
        ),
        [
            (1, "username".into(), ValidationCode::Required),
            (1, "name".into(), ValidationCode::Required)
        ]
    );
}

#[test]
fn a_good_file_imports_with_radius_rows_and_indonesian_headers() {
    let isp = Isp::new();
    // Semicolons, as spreadsheets in Indonesian locales save CSV.
    let csv = "\u{feff}Nama Pengguna;Kata Sandi;Nama;No HP;Paket;Router;Status;Kedaluwarsa\n\
               budi;rahasia1;Budi Santoso;0812-1111-0001;ppp-10m;PUSAT;;2026-12-31\n\
               siti;;Siti Aminah;;PPP-10M;pusat;suspended;\n\
               lama;rahasia1;Pelanggan Lama;;PPP-10M;pusat;;01/01/2026\n";
    let summary = isp.db.core.import_customers(&isp.owner, csv).unwrap();
    assert_eq!(summary.imported, 3);
    assert_eq!(
        isp.attr("radcheck", "budi", "Cleartext-Password")
            .as_deref(),
        Some("rahasia1")
    );
    assert_eq!(isp.groups("budi"), ["plan-ppp-10m"]);
    // 31 Dec 2026 23:59:59 WIB
    assert_eq!(
        isp.attr("radcheck", "budi", "Expiration").as_deref(),
        Some("1798736399")
    );
    assert_eq!(
        isp.attr("radcheck", "siti", "Auth-Type").as_deref(),
        Some("Reject")
    );
    let search = |u: &str| {
        isp.db
            .core
            .search_customers(
                &isp.owner,
                &CustomerQuery {
                    text: u.into(),
                    page: 1,
                    page_size: 5,
                    ..Default::default()
                },
            )
            .unwrap()
            .items[0]
            .customer
            .clone()
    };
    assert_eq!(
        search("lama").status,
        CustomerStatus::Expired,
        "an expiry in the past imports as expired"
    );
    assert_eq!(search("siti").status, CustomerStatus::Suspended);
    isp.assert_radius_consistent();
}

#[test]
fn export_has_no_passwords_and_imports_back() {
    let isp = Isp::new();
    isp.customer("budi");
    isp.customer("siti");
    let csv = isp
        .db
        .core
        .export_customers_csv(&isp.owner, &CustomerQuery::default())
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "username,name,phone,email,address,service_type,plan,router,status,expires_at,notes"
    );
    assert_eq!(csv.lines().count(), 3);
    assert!(!csv.contains("rahasia1"));
    assert!(csv.contains("budi,Pelanggan budi,0812-1111-2222,,RT 01 RW 02,pppoe,PPP-10M,pusat,active,2026-12-23 10:00,"));
    // Into another ISP with the same plan and router names.
    let other = Isp::new();
    let renamed = csv.replace("budi,", "budi2,").replace("siti,", "siti2,");
    assert_eq!(
        other
            .db
            .core
            .import_customers(&other.owner, &renamed)
            .unwrap()
            .imported,
        2
    );
}

#[test]
fn a_search_matching_thousands_counts_up_to_the_cap_and_still_pages_in_order() {
    let isp = Isp::new();
    let mut csv = String::from("username,name,service_type\n");
    for i in 0..5_050 {
        // Names out of username order, so the page order is checked.
        csv.push_str(&format!(
            "pel{i:05},Pelanggan {:05},pppoe\n",
            (i * 7919) % 5_050
        ));
    }
    assert_eq!(
        isp.db
            .core
            .import_customers(&isp.owner, &csv)
            .unwrap()
            .imported,
        5_050
    );
    let page = isp
        .db
        .core
        .search_customers(
            &isp.owner,
            &CustomerQuery {
                text: "pel".into(),
                page: 1,
                page_size: 20,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(page.total_capped);
    assert_eq!(page.total, u64::from(ispdesk_core::COUNT_CAP));
    let names: Vec<String> = page.items.iter().map(|i| i.customer.name.clone()).collect();
    let expected: Vec<String> = (0..20).map(|n| format!("Pelanggan {n:05}")).collect();
    assert_eq!(names, expected);
    let few = isp
        .db
        .core
        .search_customers(
            &isp.owner,
            &CustomerQuery {
                text: "Pelanggan 0001".into(),
                page: 1,
                page_size: 20,
                ..Default::default()
            },
        )
        .unwrap();
    assert!(!few.total_capped);
    assert_eq!(few.total, 10);
}

#[test]
fn an_import_gives_back_the_memory_it_borrowed_for_its_page_cache() {
    let isp = Isp::new();
    let cache = |isp: &Isp| -> i64 {
        isp.db
            .core
            .with_connection(|c| c.query_row("PRAGMA cache_size", [], |r| r.get(0)).unwrap())
    };
    let before = cache(&isp);
    let csv = "username,password,name,plan,router\nbudi,rahasia1,Budi,PPP-10M,pusat\n";
    isp.db.core.import_customers(&isp.owner, csv).unwrap();
    assert_eq!(cache(&isp), before);
    // Also when the file is refused.
    let bad = "username,password,name,plan,router\nbudi,rahasia1,Budi,PPP-10M,pusat\n";
    assert!(isp.db.core.import_customers(&isp.owner, bad).is_err());
    assert_eq!(cache(&isp), before);
}
