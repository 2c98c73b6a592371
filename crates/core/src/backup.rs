//! Backups of the local database — the ISP's books.
//!
//! A backup is taken with SQLite's online backup API from a separate read connection (the
//! app keeps working meanwhile), written as `<name>.partial`, checked with
//! `PRAGMA integrity_check`, and only then renamed into place, so a file that looks like a
//! backup is one. The newest [`BACKUPS_KEPT`] are kept. Restoring checks the chosen file
//! the same way, first saves the current database beside it, then copies the backup into
//! the live database with the same API and brings its schema up to date.

use crate::Core;
use crate::activity::{self, Who};
use crate::auth::{Actor, authorize};
use crate::db;
use crate::error::{Error, Result};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use ispdesk_domain::{FieldError, Permission, ValidationCode};
use rusqlite::{Connection, MAIN_DB, OpenFlags};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::{Path, PathBuf};

/// How many automatic and manual backups are kept in the folder.
pub const BACKUPS_KEPT: usize = 14;
/// An automatic backup is due this long after the newest one.
pub const BACKUP_INTERVAL: Duration = Duration::hours(24);

const FOLDER_KEY: &str = "backup.folder";
const NAME_FORMAT: &str = "ispdesk-%Y%m%d-%H%M%S%.3fZ";
const EXTENSION: &str = "sqlite";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BackupInfo {
    pub file_name: String,
    pub path: String,
    pub created_at: DateTime<Utc>,
    // JSON numbers: exact up to 2^53, far beyond any count or Rupiah amount here.
    #[ts(type = "number")]
    pub size_bytes: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct BackupSettings {
    pub folder: Option<String>,
    pub keep: u32,
    pub last_backup: Option<BackupInfo>,
    pub next_due: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct SetBackupFolder {
    pub folder: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct RestoreBackup {
    pub path: String,
}

fn file_name(at: DateTime<Utc>) -> String {
    format!("{}.{EXTENSION}", at.format(NAME_FORMAT))
}

fn parse_file_name(name: &str) -> Option<DateTime<Utc>> {
    let stem = name.strip_suffix(&format!(".{EXTENSION}"))?;
    NaiveDateTime::parse_from_str(stem, NAME_FORMAT)
        .ok()
        .map(|t| t.and_utc())
}

/// The backups in `folder`, newest first. Other files are ignored, never touched.
fn scan(folder: &Path) -> Vec<BackupInfo> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut backups: Vec<BackupInfo> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let created_at = parse_file_name(&name)?;
            let meta = e.metadata().ok().filter(|m| m.is_file())?;
            Some(BackupInfo {
                path: e.path().display().to_string(),
                file_name: name,
                created_at,
                size_bytes: meta.len(),
            })
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.created_at));
    backups
}

/// Checks that `path` is an intact ispdesk database this build can open.
pub fn verify_backup_file(path: &Path) -> std::result::Result<(), String> {
    if !path.is_file() {
        return Err("the file does not exist".into());
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| e.to_string())?;
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => "the file is not a database".to_owned(),
            _ => e.to_string(),
        })?;
    if check != "ok" {
        return Err(format!("the integrity check failed: {check}"));
    }
    let version = db::schema_version(&conn).map_err(|e| e.to_string())?;
    if version == 0 {
        return Err("the file is not an ispdesk database".into());
    }
    if version > db::latest_schema_version() {
        return Err("the backup was made by a newer version of ispdesk".into());
    }
    let has_company: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM settings WHERE key = 'company')",
            [],
            |r| r.get(0),
        )
        .map_err(|e| e.to_string())?;
    if !has_company {
        return Err("the backup holds no ISP profile".into());
    }
    Ok(())
}

impl Core {
    fn backup_folder(&self) -> Result<Option<PathBuf>> {
        self.read(|tx| Ok(db::local_setting::<String>(tx, FOLDER_KEY)?.map(PathBuf::from)))
    }

    fn settings_for(&self, folder: Option<PathBuf>) -> BackupSettings {
        let last_backup = folder.as_deref().and_then(|f| scan(f).into_iter().next());
        let next_due = folder.as_ref().map(|_| {
            last_backup
                .as_ref()
                .map(|b| b.created_at + BACKUP_INTERVAL)
                .unwrap_or_else(|| self.now())
        });
        BackupSettings {
            folder: folder.map(|f| f.display().to_string()),
            keep: BACKUPS_KEPT as u32,
            last_backup,
            next_due,
        }
    }

    pub fn backup_settings(&self, actor: &Actor) -> Result<BackupSettings> {
        self.check_permission(actor, Some(Permission::ManageSettings))?;
        Ok(self.settings_for(self.backup_folder()?))
    }

    /// Chooses the folder backups go to, creating it if needed. It must be writable.
    pub fn set_backup_folder(
        &self,
        actor: &Actor,
        input: &SetBackupFolder,
    ) -> Result<BackupSettings> {
        self.check_permission(actor, Some(Permission::ManageSettings))?;
        let folder = PathBuf::from(input.folder.trim());
        let invalid =
            || Error::Validation(vec![FieldError::new("folder", ValidationCode::InvalidPath)]);
        if input.folder.trim().is_empty() {
            return Err(Error::Validation(vec![FieldError::new(
                "folder",
                ValidationCode::Required,
            )]));
        }
        if !folder.is_absolute() || std::fs::create_dir_all(&folder).is_err() || !writable(&folder)
        {
            return Err(invalid());
        }
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageSettings))?;
            let old: Option<String> = db::local_setting(tx, FOLDER_KEY)?;
            let new = folder.display().to_string();
            db::set_local_setting(tx, FOLDER_KEY, &new)?;
            activity::record(
                tx,
                now,
                &me.who(),
                "update",
                "backup",
                None,
                &new,
                Some(json!({ "folder": old })),
                Some(json!({ "folder": new })),
            )
        })?;
        Ok(self.settings_for(Some(folder)))
    }

    pub fn list_backups(&self, actor: &Actor) -> Result<Vec<BackupInfo>> {
        self.check_permission(actor, Some(Permission::ManageSettings))?;
        Ok(self.backup_folder()?.map(|f| scan(&f)).unwrap_or_default())
    }

    /// "Back up now".
    pub fn backup_now(&self, actor: &Actor) -> Result<BackupInfo> {
        let me = self.read(|tx| authorize(tx, actor, Some(Permission::ManageSettings)))?;
        self.run_backup(&me.who())
    }

    /// The daily job: backs up when a folder is set and the newest backup is
    /// [`BACKUP_INTERVAL`] old or there is none. Returns the backup it made.
    pub fn run_scheduled_backup(&self) -> Result<Option<BackupInfo>> {
        let Some(folder) = self.backup_folder()? else {
            return Ok(None);
        };
        let due = scan(&folder)
            .first()
            .is_none_or(|newest| newest.created_at + BACKUP_INTERVAL <= self.now());
        if !due {
            return Ok(None);
        }
        self.run_backup(&Who::system()).map(Some)
    }

    fn run_backup(&self, who: &Who) -> Result<BackupInfo> {
        let folder = self.backup_folder()?.ok_or(Error::BackupFolderNotSet)?;
        std::fs::create_dir_all(&folder).map_err(|e| Error::BackupFailed(e.to_string()))?;
        let now = self.now();
        let name = file_name(now);
        let target = folder.join(&name);
        self.copy_database_to(&target)?;
        for old in scan(&folder).into_iter().skip(BACKUPS_KEPT) {
            if let Err(e) = std::fs::remove_file(&old.path) {
                tracing::warn!(file = %old.path, error = %e, "could not remove an old backup");
            }
        }
        let size_bytes = std::fs::metadata(&target).map(|m| m.len()).unwrap_or(0);
        self.write(|tx| {
            activity::record(
                tx,
                now,
                who,
                "backup",
                "backup",
                None,
                &name,
                None,
                Some(json!({ "file": name, "size_bytes": size_bytes })),
            )
        })?;
        Ok(BackupInfo {
            file_name: name,
            path: target.display().to_string(),
            created_at: now,
            size_bytes,
        })
    }

    /// Copies the live database to `target` (through `<target>.partial`, verified, then
    /// renamed), from its own read connection.
    fn copy_database_to(&self, target: &Path) -> Result<()> {
        let partial = target.with_extension(format!("{EXTENSION}.partial"));
        let failed = |e: &dyn std::fmt::Display| Error::BackupFailed(e.to_string());
        let result = (|| {
            let src = Connection::open_with_flags(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| failed(&e))?;
            src.busy_timeout(self.options.busy_timeout)
                .map_err(|e| failed(&e))?;
            let mut dst = Connection::open(&partial).map_err(|e| failed(&e))?;
            {
                let backup =
                    rusqlite::backup::Backup::new(&src, &mut dst).map_err(|e| failed(&e))?;
                // All pages in one step (-1): one consistent snapshot of the source.
                let mut waits = 0;
                loop {
                    use rusqlite::backup::StepResult;
                    match backup.step(-1).map_err(|e| failed(&e))? {
                        StepResult::Done => break,
                        StepResult::More => {}
                        StepResult::Busy | StepResult::Locked if waits < 100 => {
                            waits += 1;
                            std::thread::sleep(std::time::Duration::from_millis(50));
                        }
                        _ => return Err(Error::BackupFailed("the database stayed locked".into())),
                    }
                }
            }
            // A backup is one self-contained file, not a WAL database with side files.
            dst.query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            })
            .map_err(|e| failed(&e))?;
            drop(dst);
            verify_backup_file(&partial).map_err(Error::BackupFailed)?;
            std::fs::rename(&partial, target).map_err(|e| failed(&e))
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// Replaces the database with the backup at `input.path`. The current database is
    /// first saved beside the live file (`ispdesk-before-restore-….sqlite`), so a restore
    /// can itself be undone. Everyone must sign in again afterwards.
    pub fn restore_backup(&self, actor: &Actor, input: &RestoreBackup) -> Result<()> {
        let me = self.read(|tx| authorize(tx, actor, Some(Permission::ManageSettings)))?;
        let source = PathBuf::from(input.path.trim());
        verify_backup_file(&source).map_err(Error::BackupInvalid)?;
        let now = self.now();
        let safety = self.path.with_file_name(format!(
            "ispdesk-before-restore-{}.{EXTENSION}",
            now.format("%Y%m%d-%H%M%S%.3fZ")
        ));
        self.copy_database_to(&safety)?;
        let mut conn = self.lock();
        conn.restore(MAIN_DB, &source, None::<fn(rusqlite::backup::Progress)>)
            .map_err(|e| Error::BackupFailed(e.to_string()))?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        db::configure(&conn, self.options.busy_timeout)?;
        db::migrate(&mut conn).map_err(|e| Error::BackupFailed(format!("{e:?}")))?;
        let tx = conn.transaction()?;
        activity::record(
            &tx,
            now,
            &me.who(),
            "restore",
            "backup",
            None,
            &source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            None,
            Some(
                json!({ "file": source.display().to_string(), "saved_before_restore": safety.display().to_string() }),
            ),
        )?;
        tx.commit()?;
        Ok(())
    }
}

fn writable(folder: &Path) -> bool {
    let probe = folder.join(".ispdesk-write-test");
    let ok = std::fs::write(&probe, b"ok").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn names_round_trip_and_sort_by_time() {
        let a = Utc.with_ymd_and_hms(2026, 11, 23, 10, 33, 24).unwrap();
        let b = a + Duration::milliseconds(5);
        assert_eq!(file_name(a), "ispdesk-20261123-103324.000Z.sqlite");
        assert_eq!(parse_file_name(&file_name(b)), Some(b));
        assert!(file_name(a) < file_name(b));
        assert_eq!(parse_file_name("holiday.jpg"), None);
        assert_eq!(
            parse_file_name("ispdesk-20261123-103324.000Z.sqlite.partial"),
            None
        );
    }
}
