//! FreeRADIUS and the app share one WAL database: what happens while the app holds the
//! write lock longer than FreeRADIUS's `busy_timeout` (200 ms).

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use anyhow::Result;
use freeradius_harness::{AcctPacket, AcctStatus, Error, FreeRadius};
use rusqlite::Connection;

use crate::support::{Db, SECRET};

#[test]
fn a_long_app_write_turns_accepts_into_rejects_and_drops_accounting() -> Result<()> {
    let db = Db::new()?;
    db.user("hank", "pw")?;
    let radius = FreeRadius::sqlite(&db.path)?;
    // A second connection, as FreeRADIUS sees the app: a write transaction left open.
    let app = Connection::open(&db.path)?;
    app.execute_batch(
        "BEGIN IMMEDIATE;
         INSERT INTO radcheck (username, attribute, op, value)
         VALUES ('ivy', 'Cleartext-Password', ':=', 'pw');",
    )?;

    let asked = Instant::now();
    let auth = radius.auth(SECRET, "hank", "pw")?;
    let auth_took = asked.elapsed();
    let acct = radius
        .nas(Ipv4Addr::LOCALHOST, SECRET)
        .timeout(Duration::from_secs(1))
        .accounting(&AcctPacket::new(AcctStatus::Start, "hank", "locked-1"));

    // WAL lets FreeRADIUS read radcheck during the write, and PAP succeeds; but the
    // post-auth INSERT into radpostauth waits 200 ms, fails with "database is locked", and
    // a failing post-auth turns the Accept into a Reject.
    // FIXME(app): keep write transactions far below 200 ms, or ship a longer busy_timeout
    // and a post-auth that tolerates a failed insert.
    assert!(!auth.accepted, "{auth:?}");
    assert!(auth_took >= Duration::from_millis(200), "{auth_took:?}");
    // The accounting INSERT fails the same way and FreeRADIUS does not answer: the router
    // retries (and gives up after its own timeout).
    assert!(matches!(acct, Err(Error::NoAnswer { .. })), "{acct:?}");
    let log = radius.log();
    assert!(log.contains("rlm_sql_sqlite: database is locked"));

    // Once the app commits, FreeRADIUS sees its rows at once: no restart for users.
    app.execute_batch("COMMIT")?;
    let ivy = radius.auth(SECRET, "ivy", "pw")?;
    assert!(ivy.accepted, "{ivy:?}");
    assert!(radius.auth(SECRET, "hank", "pw")?.accepted);
    Ok(())
}
