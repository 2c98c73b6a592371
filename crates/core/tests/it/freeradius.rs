//! The proof with the real FreeRADIUS 3.2: it reads the app's own SQLite file (with the
//! configuration in `deploy/freeradius-desktop/`) and `radclient` plays the router.

use crate::fixture::{Isp, customer_input};
use chrono::Duration;
use freeradius_harness::{AcctPacket, AcctStatus, FreeRadius};
use ispdesk_core::RadiusSettingsInput;
use std::path::PathBuf;

const SECRET: &str = "rahasia-radius";

fn deploy() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../deploy/freeradius-desktop")
}

fn radius(isp: &Isp) -> FreeRadius {
    FreeRadius::sqlite_with_template(&deploy(), &isp.db.path())
        .unwrap_or_else(|e| panic!("FreeRADIUS must start (cargo xtask test installs it): {e}"))
}

#[test]
fn freeradius_accepts_exactly_the_customers_who_should_be_online() {
    let isp = Isp::new();
    // A customer whose paid period ran out a year ago and whom the expiry job marked...
    isp.db.clock.advance(-Duration::days(400));
    let expired = isp.customer("kedaluwarsa");
    isp.db.clock.advance(Duration::days(400));
    assert_eq!(isp.db.core.expire_due_customers().unwrap(), 1);
    assert_eq!(
        isp.db
            .core
            .get_customer(&isp.owner, expired.id)
            .unwrap()
            .status,
        ispdesk_domain::customer::CustomerStatus::Expired
    );
    // ...and one still marked active whose Expiration FreeRADIUS must enforce by itself.
    isp.db.clock.advance(-Duration::days(400));
    isp.customer("lewatwaktu");
    isp.db.clock.advance(Duration::days(400));
    isp.customer("aktif");
    let suspended = isp.customer("ditangguhkan");
    isp.db
        .core
        .suspend_customer(&isp.owner, suspended.id)
        .unwrap();
    isp.db
        .core
        .create_customer(
            &isp.owner,
            &customer_input("kuota", &isp.hotspot_plan, &isp.router),
        )
        .unwrap();

    let fr = radius(&isp);
    let ok = fr.auth(SECRET, "aktif", "rahasia1").unwrap();
    assert!(ok.accepted, "{ok:?}\n{}", fr.log());
    assert_eq!(ok.get("Mikrotik-Rate-Limit"), Some("5M/10M"));
    assert_eq!(ok.get("Framed-Pool"), Some("pool-pppoe"));
    assert_eq!(ok.get("Mikrotik-Group"), Some("pppoe-10m"));
    assert!(ok.get("Session-Timeout").is_some());
    assert!(
        ok.get("Message-Authenticator").is_some(),
        "replies carry Message-Authenticator"
    );

    assert!(
        !fr.auth(SECRET, "aktif", "salah-sandi").unwrap().accepted,
        "wrong password"
    );
    assert!(
        !fr.auth(SECRET, "ditangguhkan", "rahasia1")
            .unwrap()
            .accepted,
        "suspended"
    );
    assert!(
        !fr.auth(SECRET, "kedaluwarsa", "rahasia1").unwrap().accepted,
        "expired"
    );
    assert!(
        !fr.auth(SECRET, "lewatwaktu", "rahasia1").unwrap().accepted,
        "past its Expiration"
    );
    assert!(
        !fr.auth(SECRET, "tidakada", "rahasia1").unwrap().accepted,
        "unknown"
    );

    // Hotspots log in with CHAP against the same clear-text password.
    assert!(fr.auth_chap(SECRET, "aktif", "rahasia1").unwrap().accepted);

    let quota = fr.auth(SECRET, "kuota", "rahasia1").unwrap();
    assert!(quota.accepted, "{quota:?}");
    assert_eq!(quota.get("Mikrotik-Total-Limit"), Some("2147483648"));
    assert_eq!(quota.get("Mikrotik-Total-Limit-Gigawords"), Some("2"));
}

#[test]
fn isolir_accepts_suspended_customers_into_the_isolir_address_list() {
    let isp = Isp::new();
    let c = isp.customer("budi");
    isp.db.core.suspend_customer(&isp.owner, c.id).unwrap();
    isp.db
        .core
        .update_radius_settings(
            &isp.owner,
            &RadiusSettingsInput {
                isolir_enabled: true,
                isolir_rate_limit: "128k/128k".into(),
                isolir_address_list: "isolir".into(),
                interim_interval_s: "300".into(),
            },
        )
        .unwrap();
    let fr = radius(&isp);
    let reply = fr.auth(SECRET, "budi", "rahasia1").unwrap();
    assert!(reply.accepted, "{reply:?}");
    assert_eq!(reply.get("Mikrotik-Address-List"), Some("isolir"));
    assert_eq!(reply.get("Mikrotik-Rate-Limit"), Some("128k/128k"));
    assert!(
        !fr.auth(SECRET, "budi", "salah").unwrap().accepted,
        "the password still counts"
    );
    // Paid again: back to the plan, live, without restarting FreeRADIUS.
    isp.db.core.reactivate_customer(&isp.owner, c.id).unwrap();
    let back = fr.auth(SECRET, "budi", "rahasia1").unwrap();
    assert_eq!(back.get("Mikrotik-Address-List"), None);
    assert_eq!(back.get("Mikrotik-Rate-Limit"), Some("5M/10M"));
}

#[test]
fn shared_users_and_accounting_are_enforced_and_recorded() {
    let isp = Isp::new();
    isp.customer("budi");
    let fr = radius(&isp);
    assert!(fr.auth(SECRET, "budi", "rahasia1").unwrap().accepted);
    let mut start = AcctPacket::new(AcctStatus::Start, "budi", "81a00001");
    start.framed_ip = Some("10.10.0.9".parse().unwrap());
    fr.accounting(SECRET, start).unwrap();
    let second = fr.auth(SECRET, "budi", "rahasia1").unwrap();
    assert!(!second.accepted, "the plan allows one device at a time");
    let mut stop = AcctPacket::new(AcctStatus::Stop, "budi", "81a00001");
    stop.input_gigawords = 1;
    stop.input_octets = 1000;
    stop.output_octets = 5000;
    stop.session_time = 120;
    stop.terminate_cause = Some("User-Request".into());
    fr.accounting(SECRET, stop).unwrap();
    assert!(
        fr.auth(SECRET, "budi", "rahasia1").unwrap().accepted,
        "free again after the Stop"
    );

    let (input, output, time, started, stopped): (i64, i64, i64, String, String) = isp.db.core.with_connection(|c| {
        c.query_row(
            "SELECT acctinputoctets, acctoutputoctets, acctsessiontime, acctstarttime, acctstoptime FROM radacct WHERE username = 'budi'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
    });
    assert_eq!(input, (1 << 32) + 1000, "gigawords count");
    assert_eq!(output, 5000);
    assert_eq!(time, 120);
    assert!(
        ispdesk_domain::time::from_storage(&started).is_some(),
        "the app's time format: {started}"
    );
    assert!(
        ispdesk_domain::time::from_storage(&stopped).is_some(),
        "{stopped}"
    );

    let posts: Vec<(String, String)> = isp.db.core.with_connection(|c| {
        c.prepare("SELECT pass, reply FROM radpostauth WHERE username = 'budi' ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    });
    assert_eq!(posts.len(), 3);
    assert!(
        posts.iter().all(|(pass, _)| pass.is_empty()),
        "no password in radpostauth: {posts:?}"
    );
    assert_eq!(posts[1].1, "Access-Reject");
}

#[test]
fn quota_used_lowers_the_limit_and_a_spent_quota_is_refused() {
    let isp = Isp::new();
    let c = isp
        .db
        .core
        .create_customer(
            &isp.owner,
            &customer_input("kuota", &isp.hotspot_plan, &isp.router),
        )
        .unwrap();
    let fr = radius(&isp);
    let mut stop = AcctPacket::new(AcctStatus::Stop, "kuota", "s1");
    stop.output_octets = 3 << 30;
    stop.session_time = 600;
    fr.accounting(SECRET, stop).unwrap();
    // Usage reaches the RADIUS rows when the customer's rows are next written (here: a
    // renewal; in the app also on every accounting sync).
    isp.db.core.renew_customer(&isp.owner, c.id).unwrap();
    let left = 7u64 << 30;
    let reply = fr.auth(SECRET, "kuota", "rahasia1").unwrap();
    assert_eq!(
        reply.get("Mikrotik-Total-Limit"),
        Some((left & 0xFFFF_FFFF).to_string().as_str())
    );
    assert_eq!(reply.get("Mikrotik-Total-Limit-Gigawords"), Some("1"));
    let mut more = AcctPacket::new(AcctStatus::Stop, "kuota", "s2");
    more.output_gigawords = 2;
    more.session_time = 600;
    fr.accounting(SECRET, more).unwrap();
    isp.db.core.renew_customer(&isp.owner, c.id).unwrap();
    assert!(
        !fr.auth(SECRET, "kuota", "rahasia1").unwrap().accepted,
        "10 GiB spent"
    );
}
