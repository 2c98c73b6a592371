//! Access-Requests against the app's SQLite file: what the RADIUS rows make FreeRADIUS
//! answer.

use anyhow::Result;
use freeradius_harness::FreeRadius;

use crate::support::{Db, SECRET, now};

#[test]
fn accepts_with_the_reply_attributes_of_user_and_group() -> Result<()> {
    let db = Db::new()?;
    db.user("alice", "wonder")?;
    db.user_group("alice", "plan-10m")?;
    db.group_reply("plan-10m", "Mikrotik-Rate-Limit", ":=", "5M/10M")?;
    db.reply("alice", "Framed-Pool", ":=", "pool-pppoe")?;
    // 10 GiB: FreeRADIUS's integers are 32-bit, so the app splits the quota itself.
    db.reply("alice", "Mikrotik-Total-Limit", ":=", "2147483648")?;
    db.reply("alice", "Mikrotik-Total-Limit-Gigawords", ":=", "2")?;
    db.reply("alice", "Mikrotik-Address-List", ":=", "customers")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    let reply = radius.auth(SECRET, "alice", "wonder")?;

    assert!(reply.accepted, "{reply:?}");
    assert_eq!(reply.get("Mikrotik-Rate-Limit"), Some("5M/10M"));
    assert_eq!(reply.get("Framed-Pool"), Some("pool-pppoe"));
    assert_eq!(reply.get("Mikrotik-Total-Limit"), Some("2147483648"));
    assert_eq!(reply.get("Mikrotik-Total-Limit-Gigawords"), Some("2"));
    assert_eq!(reply.get("Mikrotik-Address-List"), Some("customers"));
    Ok(())
}

#[test]
fn rejects_a_wrong_password_and_filters_the_reply() -> Result<()> {
    let db = Db::new()?;
    db.user("bob", "right")?;
    db.reply("bob", "Mikrotik-Rate-Limit", ":=", "1M/1M")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    let reply = radius.auth(SECRET, "bob", "wrong")?;

    assert!(!reply.accepted, "{reply:?}");
    // attr_filter.access_reject keeps the user's reply rows out of the reject.
    assert_eq!(reply.get("Mikrotik-Rate-Limit"), None);
    Ok(())
}

#[test]
fn rejects_auth_type_reject_even_with_the_right_password() -> Result<()> {
    let db = Db::new()?;
    db.user("suspended", "pw")?;
    db.check("suspended", "Auth-Type", ":=", "Reject")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    assert!(!radius.auth(SECRET, "suspended", "pw")?.accepted);
    Ok(())
}

#[test]
fn rejects_after_expiration_and_caps_session_timeout_before_it() -> Result<()> {
    let db = Db::new()?;
    db.user("expired", "pw")?;
    // Unix seconds: 2020-01-01T00:00:00Z.
    db.check("expired", "Expiration", ":=", "1577836800")?;
    db.user("current", "pw")?;
    let in_an_hour = now() + 3600;
    db.check("current", "Expiration", ":=", &in_an_hour.to_string())?;
    db.reply("current", "Session-Timeout", ":=", "86400")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    let expired = radius.auth(SECRET, "expired", "pw")?;
    let current = radius.auth(SECRET, "current", "pw")?;

    assert!(!expired.accepted, "{expired:?}");
    assert!(current.accepted, "{current:?}");
    let timeout: i64 = current.get("Session-Timeout").unwrap_or("").parse()?;
    assert!(
        (3590..=3600).contains(&timeout),
        "Session-Timeout {timeout} should be capped to the time left until Expiration"
    );
    Ok(())
}

#[test]
fn chap_works_with_a_cleartext_password() -> Result<()> {
    let db = Db::new()?;
    db.user("hotspot", "voucher-123")?;
    db.reply("hotspot", "Mikrotik-Rate-Limit", ":=", "2M/2M")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    let good = radius.auth_chap(SECRET, "hotspot", "voucher-123")?;
    let bad = radius.auth_chap(SECRET, "hotspot", "voucher-124")?;

    assert!(good.accepted, "{good:?}");
    assert_eq!(good.get("Mikrotik-Rate-Limit"), Some("2M/2M"));
    assert!(!bad.accepted, "{bad:?}");
    Ok(())
}

#[test]
fn accept_and_reject_carry_a_message_authenticator() -> Result<()> {
    let db = Db::new()?;
    db.user("carol", "pw")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    let accept = radius.auth(SECRET, "carol", "pw")?;
    let reject = radius.auth(SECRET, "carol", "nope")?;

    // radclient checks the HMAC before it prints the reply; the attribute comes last.
    for reply in [&accept, &reject] {
        let last = reply.attributes.last().map(|(name, _)| name.as_str());
        assert_eq!(last, Some("Message-Authenticator"), "{reply:?}");
        let value = reply.get("Message-Authenticator").unwrap_or_default();
        assert_eq!(value.len(), 2 + 32, "{value}");
    }
    Ok(())
}

#[test]
fn post_auth_rows_record_every_answer_with_the_clear_text_pap_password() -> Result<()> {
    let db = Db::new()?;
    db.user("dave", "secret-pw")?;
    let radius = FreeRadius::sqlite(&db.path)?;

    radius.auth(SECRET, "dave", "secret-pw")?;
    radius.auth(SECRET, "dave", "typo-pw")?;
    radius.auth_chap(SECRET, "dave", "secret-pw")?;

    let mut stmt = db
        .conn
        .prepare("SELECT username, pass, reply, authdate FROM radpostauth ORDER BY id")?;
    let rows: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 3, "{rows:?}");
    // FIXME(app): the stock query keeps PAP passwords, right or wrong, in clear text; the
    // app must ship its own post-auth query (issue 4 requires it for the platform too).
    assert_eq!(rows[0].0, "dave");
    assert_eq!(
        (rows[0].1.as_str(), rows[0].2.as_str()),
        ("secret-pw", "Access-Accept")
    );
    assert_eq!(
        (rows[1].1.as_str(), rows[1].2.as_str()),
        ("typo-pw", "Access-Reject")
    );
    // CHAP leaves the CHAP response, as hex.
    assert!(rows[2].1.starts_with("0x"), "{:?}", rows[2]);
    assert_eq!(rows[2].2, "Access-Accept");
    // '%S.%M': the server's local time with microseconds, not the app's UTC ISO format.
    let authdate = &rows[0].3;
    assert_eq!(
        authdate.len(),
        "2025-01-01 00:00:00.000000".len(),
        "{authdate}"
    );
    assert_eq!(&authdate[10..11], " ", "{authdate}");
    Ok(())
}
