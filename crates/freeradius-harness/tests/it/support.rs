//! A temporary copy of the app's database, built from the repository's migrations, and
//! helpers that write FreeRADIUS rows by hand.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rusqlite::{Connection, params};

/// The shared secret of the `nas` rows the tests insert.
pub const SECRET: &str = "s3cret-nas";

pub struct Db {
    pub path: PathBuf,
    pub conn: Connection,
    _dir: tempfile::TempDir,
}

impl Db {
    /// A fresh database with every migration applied, in WAL mode as the app opens it, and
    /// a `nas` row for 127.0.0.1.
    pub fn new() -> Result<Db> {
        let dir = tempfile::tempdir().context("temporary directory")?;
        let path = dir.path().join("ispdesk.sqlite");
        let conn = Connection::open(&path).context("open the database")?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        anyhow::ensure!(mode == "wal", "journal mode {mode}");
        // One transaction: statement by statement, WAL commits make this take a second.
        conn.execute_batch("BEGIN")?;
        for migration in migrations()? {
            let sql = std::fs::read_to_string(&migration)
                .with_context(|| format!("read {}", migration.display()))?;
            conn.execute_batch(&sql)
                .with_context(|| format!("apply {}", migration.display()))?;
        }
        conn.execute_batch("COMMIT")?;
        let db = Db {
            path,
            conn,
            _dir: dir,
        };
        db.nas("127.0.0.1", "router-1", SECRET)?;
        Ok(db)
    }

    pub fn nas(&self, address: &str, short_name: &str, secret: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO nas (nasname, shortname, type, secret) VALUES (?1, ?2, 'other', ?3)",
            params![address, short_name, secret],
        )?;
        Ok(())
    }

    pub fn check(&self, user: &str, attribute: &str, op: &str, value: &str) -> Result<()> {
        self.insert("radcheck", "username", user, attribute, op, value)
    }

    pub fn reply(&self, user: &str, attribute: &str, op: &str, value: &str) -> Result<()> {
        self.insert("radreply", "username", user, attribute, op, value)
    }

    pub fn group_reply(&self, group: &str, attribute: &str, op: &str, value: &str) -> Result<()> {
        self.insert("radgroupreply", "groupname", group, attribute, op, value)
    }

    pub fn user_group(&self, user: &str, group: &str) -> Result<()> {
        self.conn.execute(
            "INSERT INTO radusergroup (username, groupname, priority) VALUES (?1, ?2, 1)",
            params![user, group],
        )?;
        Ok(())
    }

    /// A user with a clear-text password (what PAP and CHAP both need).
    pub fn user(&self, user: &str, password: &str) -> Result<()> {
        self.check(user, "Cleartext-Password", ":=", password)
    }

    fn insert(
        &self,
        table: &str,
        key: &str,
        name: &str,
        attribute: &str,
        op: &str,
        value: &str,
    ) -> Result<()> {
        self.conn.execute(
            &format!("INSERT INTO {table} ({key}, attribute, op, value) VALUES (?1, ?2, ?3, ?4)"),
            params![name, attribute, op, value],
        )?;
        Ok(())
    }
}

/// `migrations/V<n>__*.sql`, in version order.
fn migrations() -> Result<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("read {}", dir.display()))? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let version = name
            .strip_prefix('V')
            .and_then(|rest| rest.split_once("__"))
            .and_then(|(v, _)| v.parse::<u32>().ok());
        if let (Some(version), true) = (version, name.ends_with(".sql")) {
            found.push((version, path));
        }
    }
    found.sort();
    anyhow::ensure!(!found.is_empty(), "no migrations in {}", dir.display());
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
