//! Opening the local tenant database: where it lives, the connection settings, the
//! schema migrations, and telling a broken or foreign file apart from a fresh start.

use crate::error::OpenError;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod embedded {
    refinery::embed_migrations!("../../migrations");
}

/// The file name of the database inside the data directory.
pub const DATABASE_FILE: &str = "ispdesk.sqlite";

/// Environment variable that moves the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "ISPDESK_DATA_DIR";

/// The per-user data directory: `$ISPDESK_DATA_DIR` if set, else the OS's data directory
/// (`~/.local/share/ispdesk` on Linux, `%APPDATA%\ispdesk` on Windows).
pub fn default_data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    dirs::data_dir().map(|d| d.join("ispdesk"))
}

/// The newest schema version this build knows.
pub fn latest_schema_version() -> i64 {
    embedded::migrations::runner()
        .get_migrations()
        .iter()
        .map(|m| i64::from(m.version()))
        .max()
        .unwrap_or(0)
}

/// The schema version recorded in a database, or 0 for an empty one.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    let has_history: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'refinery_schema_history')",
        [],
        |r| r.get(0),
    )?;
    if !has_history {
        return Ok(0);
    }
    conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM refinery_schema_history",
        [],
        |r| r.get(0),
    )
}

/// Connection settings every connection to the database gets.
pub fn configure(conn: &Connection, busy_timeout: Duration) -> rusqlite::Result<()> {
    conn.busy_timeout(busy_timeout)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(())
}

fn classify(path: &Path, e: rusqlite::Error) -> OpenError {
    let path = path.to_owned();
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            OpenError::Locked { path }
        }
        Some(rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt) => {
            OpenError::Corrupt {
                path,
                detail: e.to_string(),
            }
        }
        _ => OpenError::Unavailable {
            path,
            detail: e.to_string(),
        },
    }
}

/// Opens (creating if absent) the database at `path` and brings its schema up to date.
///
/// Never replaces an existing file: a locked, unreadable or newer-version database is an
/// [`OpenError`], and the file is left exactly as it was.
pub fn open(path: &Path, busy_timeout: Duration) -> Result<Connection, OpenError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| OpenError::Unavailable {
            path: path.to_owned(),
            detail: e.to_string(),
        })?;
    }
    let existed = path.exists();
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| classify(path, e))?;
    if !existed {
        restrict_permissions(path);
    }
    configure(&conn, busy_timeout).map_err(|e| classify(path, e))?;
    // Reading the schema is the first real read: a file that is not a database fails here.
    let found = schema_version(&conn).map_err(|e| classify(path, e))?;
    let supported = latest_schema_version();
    if found > supported {
        return Err(OpenError::TooNew {
            path: path.to_owned(),
            found,
            supported,
        });
    }
    if found == 0 && existed && has_foreign_tables(&conn).map_err(|e| classify(path, e))? {
        return Err(OpenError::Corrupt {
            path: path.to_owned(),
            detail: "the file is an SQLite database of another program".into(),
        });
    }
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(|e| classify(path, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(%mode, "could not switch the database to WAL");
    }
    migrate(&mut conn).map_err(|e| match e {
        MigrateError::Locked => OpenError::Locked {
            path: path.to_owned(),
        },
        MigrateError::Failed(detail) => OpenError::MigrationFailed {
            path: path.to_owned(),
            detail,
        },
    })?;
    Ok(conn)
}

/// An empty file is a fresh start; a database holding someone else's tables is not ours to
/// migrate.
fn has_foreign_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name NOT LIKE 'sqlite_%')",
        [],
        |r| r.get(0),
    )
}

#[derive(Debug)]
pub(crate) enum MigrateError {
    Locked,
    Failed(String),
}

/// Applies the embedded migrations not yet applied. Each migration runs in its own
/// transaction together with its history row, so a failing one leaves the database as
/// the previous migration left it.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    // SQLite's documented procedure for changing a table's definition runs without foreign
    // keys (they cannot be switched inside a transaction, so it is done around the runner).
    let foreign_keys: bool = conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .map_err(|e| MigrateError::Failed(e.to_string()))?;
    conn.pragma_update(None, "foreign_keys", false)
        .map_err(|e| MigrateError::Failed(e.to_string()))?;
    let report = embedded::migrations::runner()
        .set_abort_divergent(true)
        .set_abort_missing(true)
        .run(conn);
    let restore = conn.pragma_update(None, "foreign_keys", foreign_keys);
    let report = report.map_err(|e| {
        if let refinery::error::Kind::Connection(_, source) = e.kind()
            && let Some(sqlite) = source.downcast_ref::<rusqlite::Error>()
            && matches!(
                sqlite.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            )
        {
            return MigrateError::Locked;
        }
        MigrateError::Failed(e.to_string())
    })?;
    restore.map_err(|e| MigrateError::Failed(e.to_string()))?;
    if !report.applied_migrations().is_empty() {
        // A migration may rewrite definitions in sqlite_schema (V4): a new schema version
        // makes this and every other connection read them again.
        let version: i64 = conn
            .query_row("PRAGMA schema_version", [], |r| r.get(0))
            .map_err(|e| MigrateError::Failed(e.to_string()))?;
        conn.pragma_update(None, "schema_version", version + 1)
            .map_err(|e| MigrateError::Failed(e.to_string()))?;
        let problems: i64 = conn
            .query_row("SELECT COUNT(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .map_err(|e| MigrateError::Failed(e.to_string()))?;
        if problems > 0 {
            return Err(MigrateError::Failed(format!(
                "{problems} rows break a foreign key after the upgrade"
            )));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn restrict_permissions(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    // The database holds the derived RADIUS tables, which FreeRADIUS needs in clear.
    if let Err(e) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
        tracing::warn!(error = %e, "could not restrict the database file's permissions");
    }
}

#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) {
    // On Windows the per-user data directory is already private to the user.
}

/// Reads one `local_settings` value.
pub(crate) fn local_setting<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    key: &str,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM local_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?;
    Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
}

pub(crate) fn set_local_setting<T: serde::Serialize>(
    conn: &Connection,
    key: &str,
    value: &T,
) -> rusqlite::Result<()> {
    let text = serde_json::to_string(value).expect("settings serialise");
    conn.execute(
        "INSERT INTO local_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, text),
    )?;
    Ok(())
}
