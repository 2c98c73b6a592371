//! The server: Debian's FreeRADIUS configuration copied into a temporary directory,
//! edited for one test, and run in the foreground with full debug output.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::conf;
use crate::error::{Error, Result};
use crate::postgres::PgServer;
use crate::process::{self, Daemon, NotReady, Requirement};
use crate::radclient::{AcctPacket, AuthReply, Nas, RADCLIENT};

const FREERADIUS: &str = "/usr/sbin/freeradius";
const DEBIAN_CONFIG: &str = "/etc/freeradius/3.0";
const MODULES: &str = "/usr/lib/freeradius";
/// Attempts at finding ports nobody else takes before FreeRADIUS binds them.
const PORT_ATTEMPTS: usize = 5;

/// Environment variables the `sql` module reads its database from (`$ENV{…}` in
/// FreeRADIUS's configuration). A `mods-available/sql` supplied through a configuration
/// template should use them too.
pub mod sql_env {
    pub const SERVER: &str = "RADIUS_SQL_SERVER";
    pub const PORT: &str = "RADIUS_SQL_PORT";
    pub const LOGIN: &str = "RADIUS_SQL_LOGIN";
    pub const PASSWORD: &str = "RADIUS_SQL_PASSWORD";
    pub const DATABASE: &str = "RADIUS_SQL_DB";
    /// The SQLite file of [`FreeRadius::sqlite`](crate::FreeRadius::sqlite).
    pub const SQLITE_FILE: &str = "RADIUS_SQLITE_FILE";
}

/// A running FreeRADIUS 3.2 (`freeradius -X`) on 127.0.0.1 with ports of its own, reading
/// its clients (`nas`), users and groups from SQL and writing accounting and post-auth rows
/// there. Stopped, and its directory removed, on drop.
pub struct FreeRadius {
    dir: tempfile::TempDir,
    raddb: PathBuf,
    log: PathBuf,
    /// `sites-available/default` before our edits: the listeners are rewritten from it
    /// whenever the ports change.
    site: String,
    env: Vec<(&'static str, String)>,
    auth_port: u16,
    acct_port: u16,
    /// `-X` (full debug output) rather than `-f` (foreground, normal logging).
    debug: bool,
    daemon: Option<Daemon>,
}

impl FreeRadius {
    /// FreeRADIUS on the app's own SQLite file (`rlm_sql_sqlite`) with Debian's queries.
    /// The file must already hold the schema: nothing is created or bootstrapped.
    pub fn sqlite(db_path: &Path) -> Result<FreeRadius> {
        FreeRadius::start_sqlite(None, db_path)
    }

    /// Like [`FreeRadius::sqlite`], with a configuration template laid over Debian's (see
    /// [`FreeRadius::postgres`]): e.g. `mods-config/sql/main/sqlite/queries.conf` holding
    /// the app's own queries.
    pub fn sqlite_with_template(config_dir_template: &Path, db_path: &Path) -> Result<FreeRadius> {
        FreeRadius::start_sqlite(Some(config_dir_template), db_path)
    }

    fn start_sqlite(template: Option<&Path>, db_path: &Path) -> Result<FreeRadius> {
        require_freeradius(&[Requirement::new(
            format!("{MODULES}/rlm_sql_sqlite.so"),
            "freeradius",
        )])?;
        let db = std::path::absolute(db_path)
            .map_err(Error::io(format!("resolve {}", db_path.display())))?;
        if !db.is_file() {
            return Err(Error::Config {
                file: db,
                detail: "the SQLite database does not exist (the harness never creates it)".into(),
            });
        }
        let driver = format!(
            "\tdialect = \"sqlite\"\n\tdriver = \"rlm_sql_${{dialect}}\"\n\
             \tsqlite {{\n\t\tfilename = \"$ENV{{{file}}}\"\n\
             \t\t# Debian's value: how long FreeRADIUS waits for the app's write lock.\n\
             \t\tbusy_timeout = 200\n\t}}\n",
            file = sql_env::SQLITE_FILE,
        );
        let mut radius = FreeRadius::prepare(template, &driver)?;
        radius.env = vec![(sql_env::SQLITE_FILE, db.to_string_lossy().into_owned())];
        radius.start()?;
        Ok(radius)
    }

    /// FreeRADIUS on PostgreSQL (`rlm_sql_postgresql`), connecting to `db` on `pg` as
    /// `user` through its Unix socket ([`PgServer::socket_dir`], in [`sql_env::SERVER`]).
    /// The database must hold FreeRADIUS's schema.
    ///
    /// `config_dir_template` is laid over Debian's configuration, path for path, before the
    /// harness's edits: pass a directory holding `mods-config/sql/main/postgresql/queries.conf`
    /// to use your own queries, and `mods-available/sql` to use your own module file (it
    /// should take its connection from the [`sql_env`] variables). Whatever it holds, the
    /// listeners, `sql` in every section and the Message-Authenticator edit still apply.
    pub fn postgres(
        config_dir_template: Option<&Path>,
        pg: &PgServer,
        db: &str,
        user: &str,
        password: &str,
    ) -> Result<FreeRadius> {
        require_freeradius(&[Requirement::new(
            format!("{MODULES}/rlm_sql_postgresql.so"),
            "freeradius-postgresql",
        )])?;
        let driver = format!(
            "\tdialect = \"postgresql\"\n\tdriver = \"rlm_sql_${{dialect}}\"\n\
             \tserver = \"$ENV{{{server}}}\"\n\tport = $ENV{{{port}}}\n\
             \tlogin = \"$ENV{{{login}}}\"\n\tpassword = \"$ENV{{{password}}}\"\n\
             \tradius_db = \"$ENV{{{database}}}\"\n\
             \tpostgresql {{\n\t\tsend_application_name = yes\n\t}}\n",
            server = sql_env::SERVER,
            port = sql_env::PORT,
            login = sql_env::LOGIN,
            password = sql_env::PASSWORD,
            database = sql_env::DATABASE,
        );
        let mut radius = FreeRadius::prepare(config_dir_template, &driver)?;
        radius.env = vec![
            // The Unix socket, as a FreeRADIUS beside its PostgreSQL should connect: on
            // one machine it costs less per query than TCP over loopback.
            (
                sql_env::SERVER,
                pg.socket_dir().to_string_lossy().into_owned(),
            ),
            (sql_env::PORT, pg.port().to_string()),
            (sql_env::LOGIN, user.to_owned()),
            (sql_env::PASSWORD, password.to_owned()),
            (sql_env::DATABASE, db.to_owned()),
        ];
        radius.start()?;
        Ok(radius)
    }

    /// Copies and edits the configuration. `driver` is the dialect and connection part of
    /// the `sql` module the harness writes unless the template brought its own.
    fn prepare(template: Option<&Path>, driver: &str) -> Result<FreeRadius> {
        let dir = process::temp_dir("freeradius-")?;
        let raddb = dir.path().join("raddb");
        let logdir = dir.path().join("log");
        let run_dir = dir.path().join("run");
        for d in [&logdir, &run_dir] {
            std::fs::create_dir_all(d).map_err(Error::io(format!("create {}", d.display())))?;
        }
        process::copy_tree(Path::new(DEBIAN_CONFIG), &raddb)?;
        let template_sql = template.is_some_and(|t| t.join("mods-available/sql").exists());
        if let Some(template) = template {
            process::copy_tree(template, &raddb)?;
        }

        let radiusd_conf = raddb.join("radiusd.conf");
        edit_file(&radiusd_conf, |text| {
            conf::edit_radiusd_conf(
                text,
                &raddb.to_string_lossy(),
                &logdir.to_string_lossy(),
                &run_dir.to_string_lossy(),
            )
        })?;
        write_file(
            &raddb.join("clients.conf"),
            "# No static clients: FreeRADIUS reads them from the nas table (read_clients).\n",
        )?;
        // Only `default` is wanted; inner-tunnel would also listen on 127.0.0.1:18120.
        let inner_tunnel = raddb.join("sites-enabled/inner-tunnel");
        if inner_tunnel.symlink_metadata().is_ok() {
            std::fs::remove_file(&inner_tunnel)
                .map_err(Error::io(format!("remove {}", inner_tunnel.display())))?;
        }
        if !template_sql {
            write_file(&raddb.join("mods-available/sql"), &sql_module(driver))?;
        }
        let enabled = raddb.join("mods-enabled/sql");
        if enabled.symlink_metadata().is_err() {
            std::os::unix::fs::symlink("../mods-available/sql", &enabled)
                .map_err(Error::io(format!("link {}", enabled.display())))?;
        }

        let site_path = raddb.join("sites-available/default");
        let site = std::fs::read_to_string(&site_path)
            .map_err(Error::io(format!("read {}", site_path.display())))?;
        // Check the site's shape now, so a bad template fails here rather than on start.
        conf::edit_default_site(&site, 1, 2).map_err(|detail| Error::Config {
            file: site_path,
            detail,
        })?;

        Ok(FreeRadius {
            log: dir.path().join("radiusd.log"),
            dir,
            raddb,
            site,
            env: Vec::new(),
            auth_port: 0,
            acct_port: 0,
            debug: true,
            daemon: None,
        })
    }

    /// Starts the server and waits for "Ready to process requests", choosing new ports
    /// when another process took the chosen ones first.
    fn start(&mut self) -> Result<()> {
        for _ in 0..PORT_ATTEMPTS {
            if self.auth_port == 0 {
                self.auth_port = process::free_port(true)?;
                self.acct_port = process::free_port(true)?;
            }
            let site_path = self.raddb.join("sites-available/default");
            let site = conf::edit_default_site(&self.site, self.auth_port, self.acct_port)
                .map_err(|detail| Error::Config {
                    file: site_path.clone(),
                    detail,
                })?;
            write_file(&site_path, &site)?;

            let mut command = Command::new(FREERADIUS);
            if self.debug {
                command.arg("-X");
            } else {
                // Foreground, normal log level to stdout: what a production server does,
                // for benchmarks (`-X` logs every query and attribute, and is single-threaded).
                command.args(["-f", "-l", "stdout"]);
            }
            command
                .arg("-d")
                .arg(&self.raddb)
                .current_dir(self.dir.path())
                .envs(self.env.iter().map(|(k, v)| (k, v)));
            match Daemon::start(
                "freeradius",
                command,
                &self.log,
                "Ready to process requests",
                &["Address already in use"],
            ) {
                Ok(daemon) => {
                    self.daemon = Some(daemon);
                    return Ok(());
                }
                Err(NotReady::PortTaken) => self.auth_port = 0,
                Err(NotReady::Failed(e)) => return Err(e),
            }
        }
        Err(Error::Io {
            action: format!("bind FreeRADIUS's ports ({PORT_ATTEMPTS} attempts)"),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        })
    }

    /// Stops and starts the server, on the same ports unless another process took them in
    /// between. FreeRADIUS reads the `nas` table only at start-up, so a test that adds a
    /// router afterwards must restart (users, groups and accounting are read per request).
    pub fn restart(&mut self) -> Result<()> {
        if let Some(mut daemon) = self.daemon.take() {
            daemon.stop();
        }
        self.start()
    }

    /// Whether the server runs with `-X` (the default: full debug output, one thread) or
    /// as in production (`-f`, normal logging, its thread pool). Takes effect at the next
    /// [`FreeRadius::restart`]; [`FreeRadius::log`] then holds far less.
    pub fn set_debug(&mut self, debug: bool) {
        self.debug = debug;
    }

    /// A router sending from `source` (in 127.0.0.0/8) with its `nas` row's secret.
    pub fn nas(&self, source: Ipv4Addr, secret: &str) -> Nas {
        Nas {
            auth_port: self.auth_port,
            acct_port: self.acct_port,
            dictionaries: self.raddb.clone(),
            source,
            secret: secret.to_owned(),
            timeout: Duration::from_secs(3),
        }
    }

    /// PAP from 127.0.0.1, the `nas` row `nasname = '127.0.0.1'`.
    pub fn auth(&self, nas_secret: &str, user: &str, password: &str) -> Result<AuthReply> {
        self.nas(Ipv4Addr::LOCALHOST, nas_secret)
            .auth(user, password)
    }

    /// CHAP from 127.0.0.1.
    pub fn auth_chap(&self, nas_secret: &str, user: &str, password: &str) -> Result<AuthReply> {
        self.nas(Ipv4Addr::LOCALHOST, nas_secret)
            .auth_chap(user, password)
    }

    /// An Accounting-Request from 127.0.0.1.
    pub fn accounting(&self, nas_secret: &str, packet: AcctPacket) -> Result<()> {
        self.nas(Ipv4Addr::LOCALHOST, nas_secret)
            .accounting(&packet)
    }

    pub fn auth_port(&self) -> u16 {
        self.auth_port
    }

    pub fn acct_port(&self) -> u16 {
        self.acct_port
    }

    /// The edited configuration directory (`-d`).
    pub fn config_dir(&self) -> &Path {
        &self.raddb
    }

    /// The server's `-X` output, every run since this instance was created.
    pub fn log(&self) -> String {
        process::read_from(&self.log, 0)
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// The PID of the running server, if it is running.
    pub fn pid(&self) -> Option<u32> {
        self.daemon.as_ref().map(Daemon::id)
    }
}

impl Drop for FreeRadius {
    fn drop(&mut self) {
        // Stop before the TempDir field removes the directory under the server.
        if let Some(mut daemon) = self.daemon.take() {
            daemon.stop();
        }
    }
}

fn require_freeradius(extra: &[Requirement]) -> Result<()> {
    let mut requirements = vec![
        Requirement::new(FREERADIUS, "freeradius"),
        Requirement::new(format!("{DEBIAN_CONFIG}/radiusd.conf"), "freeradius"),
        Requirement::new(RADCLIENT, "freeradius-utils"),
    ];
    for r in extra {
        requirements.push(Requirement::new(r.path.clone(), r.package));
    }
    process::require(&requirements)
}

/// The `sql` module: the driver part, then what both dialects share, as Debian's
/// `mods-available/sql` has it, with clients read from `nas`.
fn sql_module(driver: &str) -> String {
    format!(
        "# Written by freeradius-harness.\nsql {{\n{driver}\
         \tacct_table1 = \"radacct\"\n\tacct_table2 = \"radacct\"\n\
         \tpostauth_table = \"radpostauth\"\n\tauthcheck_table = \"radcheck\"\n\
         \tgroupcheck_table = \"radgroupcheck\"\n\tauthreply_table = \"radreply\"\n\
         \tgroupreply_table = \"radgroupreply\"\n\tusergroup_table = \"radusergroup\"\n\
         \tdelete_stale_sessions = yes\n\
         \tpool {{\n\t\tstart = 1\n\t\tmin = 1\n\t\tmax = 4\n\t\tspare = 1\n\t\tuses = 0\n\
         \t\tretry_delay = 1\n\t\tlifetime = 0\n\t\tidle_timeout = 0\n\t}}\n\
         \t# Clients come from the nas table, read at start-up only.\n\
         \tread_clients = yes\n\tclient_table = \"nas\"\n\
         \tgroup_attribute = \"SQL-Group\"\n\
         \t$INCLUDE ${{modconfdir}}/${{.:name}}/main/${{dialect}}/queries.conf\n}}\n"
    )
}

fn edit_file(path: &Path, edit: impl FnOnce(&str) -> Result<String, String>) -> Result<()> {
    let text =
        std::fs::read_to_string(path).map_err(Error::io(format!("read {}", path.display())))?;
    let edited = edit(&text).map_err(|detail| Error::Config {
        file: path.to_owned(),
        detail,
    })?;
    write_file(path, &edited)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    // Debian's files are links in places; write a new file rather than through a link.
    if path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        std::fs::remove_file(path).map_err(Error::io(format!("replace {}", path.display())))?;
    }
    std::fs::write(path, text).map_err(Error::io(format!("write {}", path.display())))
}
