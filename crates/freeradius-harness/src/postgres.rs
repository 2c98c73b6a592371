//! A throwaway PostgreSQL: a fresh cluster in a temporary directory, owned by the
//! `postgres` user when the tests run as root, served on a free port of 127.0.0.1 and on a
//! Unix socket in that directory, with fsync off, trusting every local connection.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use rustix::process::Signal;

use crate::error::{Error, Result};
use crate::process::{self, Daemon, NotReady, Requirement};

const PG_ROOT: &str = "/usr/lib/postgresql";
const PORT_ATTEMPTS: usize = 5;

/// A running PostgreSQL server, stopped and deleted on drop.
///
/// The superuser is `postgres`, with no password: authentication is `trust`.
pub struct PgServer {
    // Declared first: dropped (stopped) before the directory goes.
    daemon: Option<Daemon>,
    bin: PathBuf,
    port: u16,
    dir: tempfile::TempDir,
}

impl PgServer {
    /// Creates a cluster with `initdb` and starts `postgres` on it.
    ///
    /// The server is this process's child (what `pg_ctl start` runs, started directly so
    /// the harness holds its PID); it is stopped with SIGINT, PostgreSQL's fast shutdown.
    pub fn start() -> Result<PgServer> {
        let bin = find_bin_dir()?;
        process::require(&[
            Requirement::new(bin.join("initdb"), "postgresql"),
            Requirement::new(bin.join("postgres"), "postgresql"),
            Requirement::new(bin.join("psql"), "postgresql-client"),
        ])?;
        let owner = cluster_owner()?;

        let dir = process::temp_dir("postgres-")?;
        // The cluster's owner must reach the data and socket directories inside it.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
            .map_err(Error::io(format!("open up {}", dir.path().display())))?;
        let data = dir.path().join("data");
        let sockets = dir.path().join("sockets");
        for d in [&data, &sockets] {
            std::fs::create_dir(d).map_err(Error::io(format!("create {}", d.display())))?;
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o700))
                .map_err(Error::io(format!("restrict {}", d.display())))?;
            if let Some((uid, gid)) = owner {
                std::os::unix::fs::chown(d, Some(uid), Some(gid))
                    .map_err(Error::io(format!("give {} to postgres", d.display())))?;
            }
        }

        let mut initdb = Command::new(bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"])
            .arg("--no-sync")
            .current_dir(dir.path())
            .env("LC_ALL", "C");
        as_owner(&mut initdb, owner);
        process::run("initdb", &mut initdb)?;

        let log = dir.path().join("postgres.log");
        for _ in 0..PORT_ATTEMPTS {
            let port = process::free_port(false)?;
            let mut postgres = Command::new(bin.join("postgres"));
            postgres
                .arg("-D")
                .arg(&data)
                .args(["-p", &port.to_string()])
                .arg("-k")
                .arg(&sockets)
                .args(["-c", "listen_addresses=127.0.0.1"])
                .args(["-c", "fsync=off"])
                .args(["-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off"])
                .current_dir(dir.path())
                .env("LC_ALL", "C");
            as_owner(&mut postgres, owner);
            match Daemon::start(
                "postgres",
                postgres,
                &log,
                "database system is ready to accept connections",
                &[
                    "Address already in use",
                    "could not create any TCP/IP sockets",
                ],
            ) {
                Ok(daemon) => {
                    return Ok(PgServer {
                        daemon: Some(daemon),
                        bin,
                        port,
                        dir,
                    });
                }
                Err(NotReady::PortTaken) => continue,
                Err(NotReady::Failed(e)) => return Err(e),
            }
        }
        Err(Error::Io {
            action: format!("bind PostgreSQL's port ({PORT_ATTEMPTS} attempts)"),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        })
    }

    /// The address PostgreSQL listens on.
    pub fn host(&self) -> &str {
        "127.0.0.1"
    }

    /// The directory of PostgreSQL's Unix socket (`.s.PGSQL.<port>`): libpq takes it as
    /// the host, for clients on this machine.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.path().join("sockets")
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser's connection string to the `postgres` database.
    pub fn connection_string(&self) -> String {
        self.database_url("postgres", "postgres", "")
    }

    /// A connection string for `user` to `db`.
    pub fn database_url(&self, db: &str, user: &str, password: &str) -> String {
        let password = if password.is_empty() {
            String::new()
        } else {
            format!(":{}", percent_encode(password))
        };
        format!(
            "postgresql://{}{password}@{}:{}/{}",
            percent_encode(user),
            self.host(),
            self.port,
            percent_encode(db)
        )
    }

    /// Creates a login role and a database it owns.
    pub fn create_database(&self, db: &str, owner: &str, password: &str) -> Result<()> {
        self.psql(
            "postgres",
            "postgres",
            &format!(
                "CREATE ROLE {} LOGIN PASSWORD {}",
                identifier(owner),
                literal(password)
            ),
        )?;
        self.psql(
            "postgres",
            "postgres",
            &format!(
                "CREATE DATABASE {} OWNER {}",
                identifier(db),
                identifier(owner)
            ),
        )?;
        Ok(())
    }

    /// Runs SQL in `db` as `user` with `psql`, stopping at the first error. Returns what
    /// psql prints in unaligned, tuples-only mode: one row a line, columns split by `|`.
    pub fn psql(&self, db: &str, user: &str, sql: &str) -> Result<String> {
        let mut command = self.psql_command(db, user);
        command.arg("-c").arg(sql);
        process::run("psql", &mut command)
    }

    /// Runs an SQL file in `db` as `user` (e.g. FreeRADIUS's `schema.sql`).
    pub fn psql_file(&self, db: &str, user: &str, file: &Path) -> Result<()> {
        let mut command = self.psql_command(db, user);
        command.arg("-f").arg(file);
        process::run("psql", &mut command).map(drop)
    }

    fn psql_command(&self, db: &str, user: &str) -> Command {
        let mut command = Command::new(self.bin.join("psql"));
        command
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .args(["-h", self.host(), "-p", &self.port.to_string()])
            .args(["-U", user, "-d", db])
            .env("PGCONNECT_TIMEOUT", "5")
            .env("LC_ALL", "C");
        command
    }

    /// The cluster's directory and `postgres.log`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            daemon.stop_with(Signal::INT);
        }
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin`.
fn find_bin_dir() -> Result<PathBuf> {
    let missing = || Error::MissingPackages {
        missing: vec![format!("{PG_ROOT}/*/bin/initdb")],
        packages: vec!["postgresql"],
    };
    let entries = std::fs::read_dir(PG_ROOT).map_err(|_| missing())?;
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
        .ok_or_else(missing)
}

/// The `postgres` user's ids when running as root (initdb refuses root); `None` when the
/// tests run as an ordinary user, who then owns the cluster.
fn cluster_owner() -> Result<Option<(u32, u32)>> {
    if !rustix::process::geteuid().is_root() {
        return Ok(None);
    }
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(Error::io("read /etc/passwd"))?;
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            match fields.as_slice() {
                ["postgres", _, uid, gid, ..] => Some((uid.parse().ok()?, gid.parse().ok()?)),
                _ => None,
            }
        })
        .map(Some)
        .ok_or_else(|| Error::MissingPackages {
            missing: vec!["the postgres user".into()],
            packages: vec!["postgresql"],
        })
}

fn as_owner(command: &mut Command, owner: Option<(u32, u32)>) {
    if let Some((uid, gid)) = owner {
        command.uid(uid).gid(gid);
    }
}

fn identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
