//! A database that cannot be used gets a clear error and is never replaced by an empty one.

use ispdesk_core::{AppError, Core, CoreOptions, ErrorCode, OpenError, db};
use rusqlite::Connection;
use std::time::Duration;

#[test]
fn a_file_that_is_not_a_database_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ispdesk.sqlite");
    let junk = b"this is a spreadsheet, not a database, but it is the ISP's file".repeat(100);
    std::fs::write(&path, &junk).unwrap();
    let err = Core::open(&path).err().expect("must not open");
    assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
    assert_eq!(AppError::from(&err).code, ErrorCode::DatabaseCorrupt);
    assert_eq!(std::fs::read(&path).unwrap(), junk, "the file is untouched");
}

#[test]
fn another_programs_database_is_not_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ispdesk.sqlite");
    Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE photos (id INTEGER);")
        .unwrap();
    let err = Core::open(&path).err().expect("must not open");
    assert!(matches!(err, OpenError::Corrupt { .. }), "{err:?}");
    let conn = Connection::open(&path).unwrap();
    assert_eq!(
        db::schema_version(&conn).unwrap(),
        0,
        "no migration was applied"
    );
}

#[test]
fn a_database_from_a_newer_app_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ispdesk.sqlite");
    drop(Core::open(&path).unwrap());
    let future = db::latest_schema_version() + 1;
    Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO refinery_schema_history (version, name, applied_on, checksum) VALUES (?1, 'future', '2030-01-01T00:00:00Z', '0')",
            [future],
        )
        .unwrap();
    let err = Core::open(&path).err().expect("must not open");
    match &err {
        OpenError::TooNew {
            found, supported, ..
        } => {
            assert_eq!(*found, future);
            assert_eq!(*supported, db::latest_schema_version());
        }
        other => panic!("{other:?}"),
    }
    let app = AppError::from(&err);
    assert_eq!(app.code, ErrorCode::DatabaseTooNew);
    assert_eq!(app.params["found"], future.to_string());
}

#[test]
fn a_locked_database_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ispdesk.sqlite");
    // Another program holds an exclusive lock on a (rollback-journal) database.
    let other = Connection::open(&path).unwrap();
    other
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; CREATE TABLE t (x); ")
        .unwrap();
    let err = Core::open_with(
        &path,
        CoreOptions {
            busy_timeout: Duration::from_millis(100),
            ..CoreOptions::default()
        },
    )
    .err()
    .expect("must not open");
    assert!(matches!(err, OpenError::Locked { .. }), "{err:?}");
    assert_eq!(AppError::from(&err).code, ErrorCode::DatabaseLocked);
    other.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn an_unreachable_location_is_unavailable() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let err = Core::open(&blocker.join("ispdesk.sqlite"))
        .err()
        .expect("must not open");
    assert!(matches!(err, OpenError::Unavailable { .. }), "{err:?}");
}

#[cfg(unix)]
#[test]
fn a_new_database_is_readable_only_by_its_user() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ispdesk.sqlite");
    drop(Core::open(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn the_database_runs_in_wal_mode_with_foreign_keys() {
    let db = crate::TestDb::new();
    db.core.with_connection(|c| {
        let mode: String = c
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let fk: bool = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert!(fk);
        let timeout: i64 = c
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout, 5000);
    });
}
