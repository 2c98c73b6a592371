use crate::{TestDb, setup_input};
use chrono::Duration;
use ispdesk_core::{BACKUPS_KEPT, BackupInfo, Error, RestoreBackup, SetBackupFolder};
use ispdesk_domain::{Role, ValidationCode};
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;

/// Every table's rows, in key order, as text: two databases with equal dumps hold the
/// same books.
fn dump(conn: &Connection, skip_restore_entries: bool) -> BTreeMap<String, Vec<String>> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    tables
        .into_iter()
        .map(|t| {
            let filter = if skip_restore_entries && t == "activity_log" {
                "WHERE action != 'restore'"
            } else {
                ""
            };
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {t} {filter} ORDER BY 1"))
                .unwrap();
            let n = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    Ok((0..n)
                        .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                        .collect::<Vec<_>>()
                        .join("|"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (t, rows)
        })
        .collect()
}

fn with_folder() -> (TestDb, ispdesk_core::Actor, std::path::PathBuf) {
    let (db, owner) = TestDb::with_owner();
    let folder = db.dir.path().join("cadangan");
    db.core
        .set_backup_folder(
            &owner,
            &SetBackupFolder {
                folder: folder.display().to_string(),
            },
        )
        .unwrap();
    (db, owner, folder)
}

#[test]
fn backup_needs_a_folder() {
    let (db, owner) = TestDb::with_owner();
    assert!(matches!(
        db.core.backup_now(&owner),
        Err(Error::BackupFolderNotSet)
    ));
    assert_eq!(db.core.run_scheduled_backup().unwrap(), None);
    let settings = db.core.backup_settings(&owner).unwrap();
    assert_eq!(settings.folder, None);
    assert_eq!(settings.next_due, None);
    assert_eq!(settings.keep, 14);
}

#[test]
fn a_folder_must_be_an_absolute_writable_directory() {
    let (db, owner) = TestDb::with_owner();
    for bad in ["relative/path", ""] {
        let err = db
            .core
            .set_backup_folder(&owner, &SetBackupFolder { folder: bad.into() })
            .unwrap_err();
        let codes = crate::validation_codes(err);
        assert_eq!(codes.len(), 1);
        assert!(matches!(
            codes[0].1,
            ValidationCode::InvalidPath | ValidationCode::Required
        ));
    }
    let file = db.dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = db
        .core
        .set_backup_folder(
            &owner,
            &SetBackupFolder {
                folder: file.display().to_string(),
            },
        )
        .unwrap_err();
    assert_eq!(
        crate::validation_codes(err),
        [("folder".to_owned(), ValidationCode::InvalidPath)]
    );
}

#[test]
fn a_backup_is_a_verified_copy_of_the_database() {
    let (db, owner, folder) = with_folder();
    let info = db.core.backup_now(&owner).unwrap();
    assert!(info.file_name.starts_with("ispdesk-") && info.file_name.ends_with(".sqlite"));
    assert!(Path::new(&info.path).starts_with(&folder));
    assert!(info.size_bytes > 0);
    let copy = Connection::open(&info.path).unwrap();
    let check: String = copy
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let mode: String = copy
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "a backup is one self-contained file");
    let leftovers: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty());
    assert_eq!(db.core.list_backups(&owner).unwrap(), vec![info.clone()]);
    let settings = db.core.backup_settings(&owner).unwrap();
    assert_eq!(settings.last_backup, Some(info.clone()));
    assert_eq!(
        settings.next_due,
        Some(info.created_at + Duration::hours(24))
    );
}

#[test]
fn daily_backups_keep_the_newest_fourteen_and_leave_other_files_alone() {
    let (db, owner, folder) = with_folder();
    std::fs::write(folder.join("catatan.txt"), b"owner's note").unwrap();
    let mut made: Vec<BackupInfo> = Vec::new();
    for day in 0..20 {
        let made_now = db.core.run_scheduled_backup().unwrap();
        assert!(made_now.is_some(), "day {day}: a backup was due");
        // Not due again the same day.
        db.clock.advance(Duration::hours(23));
        assert_eq!(db.core.run_scheduled_backup().unwrap(), None, "day {day}");
        db.clock.advance(Duration::hours(1));
        made.push(made_now.unwrap());
    }
    let kept = db.core.list_backups(&owner).unwrap();
    assert_eq!(kept.len(), BACKUPS_KEPT);
    let newest: Vec<_> = made
        .iter()
        .rev()
        .take(BACKUPS_KEPT)
        .map(|b| b.file_name.clone())
        .collect();
    assert_eq!(
        kept.iter().map(|b| b.file_name.clone()).collect::<Vec<_>>(),
        newest
    );
    assert!(folder.join("catatan.txt").exists());
    let entry = &db
        .core
        .list_activity(
            &owner,
            &ispdesk_core::ActivityQuery {
                entity_type: Some("backup".into()),
                page: 1,
                page_size: 1,
                ..Default::default()
            },
        )
        .unwrap()
        .items[0];
    assert_eq!(entry.staff_name, "system");
    assert_eq!(entry.action, "backup");
}

#[test]
fn restore_brings_back_exactly_what_was_backed_up() {
    let (db, owner, _) = with_folder();
    db.staff(&owner, "kasir", Role::Cashier);
    let info = db.core.backup_now(&owner).unwrap();
    let at_backup = Connection::open(&info.path)
        .map(|c| dump(&c, false))
        .unwrap();

    // Life goes on after the backup...
    db.clock.advance(Duration::hours(2));
    db.staff(&owner, "teknisi", Role::Technician);
    let mut company = setup_input().company;
    company.name = "Berkah Net Baru".into();
    db.core.update_company(&owner, &company).unwrap();
    db.core.with_connection(|c| {
        c.execute_batch(
            "INSERT INTO radcheck (username, attribute, op, value) VALUES ('u1', 'Cleartext-Password', ':=', 'x');",
        )
        .unwrap()
    });

    db.core
        .restore_backup(
            &owner,
            &RestoreBackup {
                path: info.path.clone(),
            },
        )
        .unwrap();
    let restored = db.core.with_connection(|c| dump(c, true));
    assert_eq!(restored, at_backup);
    assert_eq!(
        db.core.company_profile().unwrap().unwrap().name,
        "Berkah Net"
    );
    // The restore itself is on record, and the replaced database was saved first.
    let newest = db.core.with_connection(|c| {
        c.query_row(
            "SELECT action, new_values FROM activity_log ORDER BY at DESC, id DESC LIMIT 1",
            [],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .unwrap()
    });
    assert_eq!(newest.0, "restore");
    let saved: serde_json::Value = serde_json::from_str(&newest.1).unwrap();
    let saved_path = saved["saved_before_restore"].as_str().unwrap();
    let before = Connection::open(saved_path).unwrap();
    let teknisi: i64 = before
        .query_row(
            "SELECT COUNT(*) FROM staff_users WHERE username = 'teknisi'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(teknisi, 1, "the database replaced by the restore is kept");
    // And the app keeps working on the restored database.
    crate::login(&db.core, "kasir", crate::STAFF_PASSWORD).unwrap();
    assert!(crate::login(&db.core, "teknisi", crate::STAFF_PASSWORD).is_err());
    db.core.backup_now(&owner).unwrap();
}

#[test]
fn a_damaged_or_foreign_file_is_not_restored() {
    let (db, owner, folder) = with_folder();
    let before = db.core.with_connection(|c| dump(c, false));
    let junk = folder.join("ispdesk-20260101-000000.000Z.sqlite");
    std::fs::write(&junk, b"not a database at all".repeat(200)).unwrap();
    let foreign = folder.join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE photos (id INTEGER)")
        .unwrap();
    let info = db.core.backup_now(&owner).unwrap();
    let truncated = folder.join("truncated.sqlite");
    let bytes = std::fs::read(&info.path).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let after_backup = db.core.with_connection(|c| dump(c, false));
    for bad in [&junk, &foreign, &truncated, &folder.join("missing.sqlite")] {
        let err = db
            .core
            .restore_backup(
                &owner,
                &RestoreBackup {
                    path: bad.display().to_string(),
                },
            )
            .unwrap_err();
        assert!(matches!(err, Error::BackupInvalid(_)), "{bad:?}: {err:?}");
    }
    assert_eq!(
        db.core.with_connection(|c| dump(c, false)),
        after_backup,
        "nothing changed"
    );
    assert_ne!(before, after_backup, "the backup itself was logged");
}

#[test]
fn only_the_owner_backs_up_and_restores() {
    let (db, owner, _) = with_folder();
    let info = db.core.backup_now(&owner).unwrap();
    let admin = db.staff(&owner, "admin1", Role::Admin);
    assert!(matches!(
        db.core.backup_now(&admin),
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        db.core
            .restore_backup(&admin, &RestoreBackup { path: info.path }),
        Err(Error::Forbidden(_))
    ));
}
