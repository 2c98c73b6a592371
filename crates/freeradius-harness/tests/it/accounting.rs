//! Accounting-Requests land in the app's `radacct`, and Simultaneous-Use reads them back.

use std::net::Ipv4Addr;

use anyhow::Result;
use freeradius_harness::{AcctPacket, AcctStatus, AuthReply, FreeRadius};
use rusqlite::OptionalExtension;

use crate::support::{Db, SECRET, now};

#[derive(Debug, PartialEq, Eq)]
struct Session {
    username: String,
    nasipaddress: String,
    framedipaddress: String,
    start: Option<i64>,
    update: Option<i64>,
    stop: Option<i64>,
    session_time: Option<i64>,
    input: Option<i64>,
    output: Option<i64>,
    terminate_cause: String,
}

fn session(db: &Db, session_id: &str) -> Result<Option<Session>> {
    Ok(db
        .conn
        .query_row(
            "SELECT username, nasipaddress, framedipaddress, acctstarttime, acctupdatetime,
                    acctstoptime, acctsessiontime, acctinputoctets, acctoutputoctets,
                    acctterminatecause
             FROM radacct WHERE acctsessionid = ?1",
            [session_id],
            |r| {
                Ok(Session {
                    username: r.get(0)?,
                    nasipaddress: r.get(1)?,
                    framedipaddress: r.get(2)?,
                    start: r.get(3)?,
                    update: r.get(4)?,
                    stop: r.get(5)?,
                    session_time: r.get(6)?,
                    input: r.get(7)?,
                    output: r.get(8)?,
                    terminate_cause: r.get(9)?,
                })
            },
        )
        .optional()?)
}

#[test]
fn start_interim_and_stop_update_one_radacct_row() -> Result<()> {
    let db = Db::new()?;
    let radius = FreeRadius::sqlite(&db.path)?;
    let before = now();
    let packet = |status| AcctPacket {
        framed_ip: Some(Ipv4Addr::new(10, 0, 0, 9)),
        ..AcctPacket::new(status, "erin", "81a00001")
    };

    radius.accounting(SECRET, packet(AcctStatus::Start))?;
    let started = session(&db, "81a00001")?.expect("a row after Start");
    radius.accounting(
        SECRET,
        AcctPacket {
            input_octets: 1000,
            input_gigawords: 1,
            output_octets: 7,
            output_gigawords: 3,
            session_time: 300,
            ..packet(AcctStatus::InterimUpdate)
        },
    )?;
    let interim = session(&db, "81a00001")?.expect("the row after Interim-Update");
    radius.accounting(
        SECRET,
        AcctPacket {
            input_octets: 2000,
            input_gigawords: 2,
            output_octets: 4_294_967_295,
            output_gigawords: 0,
            session_time: 600,
            terminate_cause: Some("User-Request".into()),
            ..packet(AcctStatus::Stop)
        },
    )?;
    let stopped = session(&db, "81a00001")?.expect("the row after Stop");

    let count: i64 = db
        .conn
        .query_row("SELECT COUNT(*) FROM radacct", [], |r| r.get(0))?;
    assert_eq!(count, 1, "Start, Interim and Stop share one row");

    assert_eq!(started.username, "erin");
    assert_eq!(started.nasipaddress, "127.0.0.1");
    assert_eq!(started.framedipaddress, "10.0.0.9");
    assert_eq!(started.stop, None);
    // SQLite dialect: times are Unix seconds (INTEGER), not text.
    let start = started.start.expect("acctstarttime");
    assert!(
        (before..=now()).contains(&start),
        "{start} not in [{before}, now]"
    );

    assert_eq!(interim.input, Some((1 << 32) + 1000));
    assert_eq!(interim.output, Some((3 << 32) + 7));
    assert_eq!(interim.session_time, Some(300));
    assert_eq!(interim.stop, None);
    assert!(interim.update >= started.update);

    assert_eq!(stopped.input, Some((2 << 32) + 2000));
    assert_eq!(stopped.output, Some(4_294_967_295));
    assert_eq!(stopped.session_time, Some(600));
    assert_eq!(stopped.terminate_cause, "User-Request");
    assert!(stopped.stop.is_some_and(|t| t >= start));
    Ok(())
}

/// Debian's SQLite `simul_verify_query` looks sessions up by `%{SQL-Group}` (empty in an
/// Access-Request) instead of the user name; PostgreSQL's and MySQL's use the user name.
const STOCK_VERIFY_FILTER: &str = "WHERE username = '%{${group_attribute}}'";

/// A configuration template whose SQLite queries look sessions up by user.
fn template_with_fixed_verify_query() -> Result<tempfile::TempDir> {
    let stock =
        std::fs::read_to_string("/etc/freeradius/3.0/mods-config/sql/main/sqlite/queries.conf")?;
    anyhow::ensure!(
        stock.matches(STOCK_VERIFY_FILTER).count() == 1,
        "Debian's sqlite queries.conf changed: check whether Simultaneous-Use works now"
    );
    let template = tempfile::tempdir()?;
    let dir = template.path().join("mods-config/sql/main/sqlite");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        dir.join("queries.conf"),
        stock.replace(STOCK_VERIFY_FILTER, "WHERE username = '%{SQL-User-Name}'"),
    )?;
    Ok(template)
}

/// Logs frank in, opens a session, and returns the answer to a second login.
fn second_login_while_a_session_is_open(
    radius: &FreeRadius,
    session_id: &str,
) -> Result<AuthReply> {
    let first = radius.auth(SECRET, "frank", "pw")?;
    anyhow::ensure!(first.accepted, "first login refused: {first:?}");
    radius.accounting(
        SECRET,
        AcctPacket::new(AcctStatus::Start, "frank", session_id),
    )?;
    Ok(radius.auth(SECRET, "frank", "pw")?)
}

fn simultaneous_use_db() -> Result<Db> {
    let db = Db::new()?;
    db.user("frank", "pw")?;
    db.check("frank", "Simultaneous-Use", ":=", "1")?;
    Ok(db)
}

#[test]
fn simultaneous_use_is_not_enforced_by_debians_sqlite_queries() -> Result<()> {
    let db = simultaneous_use_db()?;
    let radius = FreeRadius::sqlite(&db.path)?;

    let second = second_login_while_a_session_is_open(&radius, "s-stock")?;

    // FIXME(app): the stock verify query finds no session, so a second login is accepted.
    // The app must ship its own SQLite queries.conf (see the next test).
    assert!(
        second.accepted,
        "Debian fixed simul_verify_query? {second:?}"
    );
    Ok(())
}

#[test]
fn simultaneous_use_one_rejects_a_second_login_until_the_stop() -> Result<()> {
    let db = simultaneous_use_db()?;
    let template = template_with_fixed_verify_query()?;
    let radius = FreeRadius::sqlite_with_template(template.path(), &db.path)?;

    let second = second_login_while_a_session_is_open(&radius, "s-1")?;
    assert!(!second.accepted, "{second:?}");
    assert_eq!(
        second.get("Reply-Message"),
        Some("You are already logged in - access denied")
    );

    radius.accounting(
        SECRET,
        AcctPacket {
            session_time: 60,
            terminate_cause: Some("Lost-Carrier".into()),
            ..AcctPacket::new(AcctStatus::Stop, "frank", "s-1")
        },
    )?;
    let after_stop = radius.auth(SECRET, "frank", "pw")?;
    assert!(after_stop.accepted, "{after_stop:?}");
    Ok(())
}
