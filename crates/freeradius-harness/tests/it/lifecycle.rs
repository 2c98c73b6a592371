//! The harness's own promises: instances in parallel, routers added later, another source
//! address, stopping what it started, and start-up failures that say why.

use std::net::Ipv4Addr;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use freeradius_harness::{Error, FreeRadius};

use crate::support::{Db, SECRET};

#[test]
fn two_instances_in_parallel_answer_from_their_own_databases() -> Result<()> {
    let start = |password: &'static str| {
        std::thread::spawn(move || -> Result<(Db, FreeRadius)> {
            let db = Db::new()?;
            db.user("same-name", password)?;
            let radius = FreeRadius::sqlite(&db.path)?;
            Ok((db, radius))
        })
    };
    let (a, b) = (start("password-a"), start("password-b"));
    let (_db_a, a) = a.join().expect("thread a")?;
    let (_db_b, b) = b.join().expect("thread b")?;

    let ports_a = [a.auth_port(), a.acct_port()];
    let ports_b = [b.auth_port(), b.acct_port()];
    assert!(
        ports_a.iter().all(|p| !ports_b.contains(p)),
        "{ports_a:?} {ports_b:?}"
    );
    assert!(a.auth(SECRET, "same-name", "password-a")?.accepted);
    assert!(!a.auth(SECRET, "same-name", "password-b")?.accepted);
    assert!(b.auth(SECRET, "same-name", "password-b")?.accepted);
    assert!(!b.auth(SECRET, "same-name", "password-a")?.accepted);
    Ok(())
}

#[test]
fn a_router_added_after_start_is_served_after_restart_from_its_own_address() -> Result<()> {
    let db = Db::new()?;
    db.user("gina", "pw")?;
    let mut radius = FreeRadius::sqlite(&db.path)?;
    let (auth_port, first_pid) = (radius.auth_port(), radius.pid());
    db.nas("127.0.0.2", "router-2", "second-secret")?;
    let router_2 = Ipv4Addr::new(127, 0, 0, 2);
    // radclient waits about a second however short the timeout.
    let quick = Duration::from_secs(1);

    // FreeRADIUS read `nas` at start-up and drops packets from unknown clients.
    let unknown = radius
        .nas(router_2, "second-secret")
        .timeout(quick)
        .auth("gina", "pw");
    assert!(
        matches!(unknown, Err(Error::NoAnswer { .. })),
        "{unknown:?}"
    );

    radius.restart()?;
    assert_eq!(radius.auth_port(), auth_port, "restart keeps the ports");
    assert_ne!(radius.pid(), first_pid);
    let reply = radius.nas(router_2, "second-secret").auth("gina", "pw")?;
    assert!(reply.accepted, "{reply:?}");
    assert!(
        radius
            .log()
            .contains("Adding client 127.0.0.2 (router-2) to global clients list")
    );

    // A wrong secret breaks the request's Message-Authenticator: silently dropped.
    let wrong = radius
        .nas(router_2, SECRET)
        .timeout(quick)
        .auth("gina", "pw");
    assert!(matches!(wrong, Err(Error::NoAnswer { .. })), "{wrong:?}");
    Ok(())
}

#[test]
fn drop_stops_the_server() -> Result<()> {
    let db = Db::new()?;
    let radius = FreeRadius::sqlite(&db.path)?;
    let pid = radius.pid().expect("running");
    let dir = radius.config_dir().to_owned();
    assert!(Path::new(&format!("/proc/{pid}")).exists());

    drop(radius);

    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "pid {pid} still there"
    );
    assert!(!dir.exists(), "{} left behind", dir.display());
    Ok(())
}

#[test]
fn a_database_that_is_missing_or_not_sqlite_fails_with_the_reason() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let missing = FreeRadius::sqlite(&dir.path().join("absent.sqlite"));
    assert!(
        matches!(missing, Err(Error::Config { .. })),
        "{:?}",
        missing.err()
    );

    let not_a_database = dir.path().join("notes.sqlite");
    std::fs::write(
        &not_a_database,
        "this is not a database, just some text ".repeat(100),
    )?;
    let err = FreeRadius::sqlite(&not_a_database)
        .err()
        .expect("FreeRADIUS cannot start on a text file");
    let message = err.to_string();
    assert!(matches!(err, Error::StartFailed { .. }), "{message}");
    // The last lines of FreeRADIUS's output say why.
    assert!(
        message.contains("Failed to load clients from SQL"),
        "{message}"
    );
    Ok(())
}
