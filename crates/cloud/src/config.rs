//! Configuration: a TOML file (optional), then `ISPDESK_CLOUD_*` environment variables,
//! which win. Secrets (the sealing key, the bootstrap password) are never printed.

use crate::seal::Sealer;
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable naming the configuration file.
pub const CONFIG_ENV: &str = "ISPDESK_CLOUD_CONFIG";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the server needs, validated.
#[derive(Clone)]
pub struct Config {
    /// Where the HTTP API listens (`127.0.0.1:0` picks a free port).
    pub listen: SocketAddr,
    /// `postgresql://user:password@host:port/db`, the platform's own role (owner of its
    /// tables).
    pub database_url: String,
    pub database_pool_size: usize,
    /// AES-256-GCM key for secrets at rest, 32 bytes (base64 or base64url in the file).
    pub seal_key: [u8; 32],
    pub log_format: LogFormat,
    /// A tracing filter, e.g. `info,ispdesk_cloud=debug`.
    pub log_filter: String,
    /// The super admin created on first start when no platform user has this name.
    pub admin_username: Option<String>,
    pub admin_password: Option<String>,
    /// How long an admin session lasts.
    pub session_ttl: Duration,
    pub radius: RadiusConfig,
}

#[derive(Clone, Debug, Default)]
pub struct RadiusConfig {
    /// The PostgreSQL role FreeRADIUS connects as; granted read access to the auth tables
    /// and `nas`, insert/update on `radacct`, insert on `radpostauth`, at every start.
    pub db_role: Option<String>,
    /// A command restarting FreeRADIUS, run (debounced) after `nas` changed, e.g.
    /// `["systemctl", "restart", "freeradius"]`. Empty: this process does not watch.
    pub reload_command: Vec<String>,
    /// Quiet time after a `nas` change before the reload, so a burst restarts once.
    pub reload_debounce: Duration,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("database_pool_size", &self.database_pool_size)
            .field("seal_key", &"<secret>")
            .field("log_format", &self.log_format)
            .field("log_filter", &self.log_filter)
            .field("admin_username", &self.admin_username)
            .field(
                "admin_password",
                &self.admin_password.as_ref().map(|_| "<secret>"),
            )
            .field("session_ttl", &self.session_ttl)
            .field("radius", &self.radius)
            .finish()
    }
}

/// A URL without its password, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

/// The file's shape; every field optional so the environment can supply it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<SocketAddr>,
    database_url: Option<String>,
    database_pool_size: Option<usize>,
    seal_key: Option<String>,
    log_format: Option<LogFormat>,
    log_filter: Option<String>,
    admin_username: Option<String>,
    admin_password: Option<String>,
    session_ttl_s: Option<u64>,
    #[serde(default)]
    radius: FileRadius,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRadius {
    db_role: Option<String>,
    reload_command: Option<Vec<String>>,
    reload_debounce_ms: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parse {
        path: PathBuf,
        source: Box<toml::de::Error>,
    },
    #[error("{name}: {detail}")]
    Invalid { name: &'static str, detail: String },
    #[error("{name} is required (in the configuration file or as {env})")]
    Missing {
        name: &'static str,
        env: &'static str,
    },
}

impl Config {
    /// Reads `path` (or the file named by `ISPDESK_CLOUD_CONFIG`, if any), then the
    /// process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let env_path = std::env::var_os(CONFIG_ENV).map(PathBuf::from);
        let path = path.map(Path::to_owned).or(env_path);
        let text = match &path {
            Some(p) => Some(
                std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.clone(),
                    source,
                })?,
            ),
            None => None,
        };
        Config::from_parts(
            text.as_deref(),
            path.as_deref().unwrap_or(Path::new("<none>")),
            |name| std::env::var(name).ok(),
        )
    }

    /// The file's text (if any) and an environment lookup: the testable core of
    /// [`Config::load`].
    pub fn from_parts(
        file: Option<&str>,
        file_name: &Path,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        let file: FileConfig = match file {
            Some(text) => toml::from_str(text).map_err(|e| ConfigError::Parse {
                path: file_name.to_owned(),
                source: Box::new(e),
            })?,
            None => FileConfig::default(),
        };
        let pick = |env_name: &str, from_file: Option<String>| env(env_name).or(from_file);

        let listen = match env("ISPDESK_CLOUD_LISTEN") {
            Some(text) => text.parse().map_err(|_| ConfigError::Invalid {
                name: "listen",
                detail: format!("{text:?} is not an address:port"),
            })?,
            None => file
                .listen
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
        };
        let database_url =
            pick("ISPDESK_CLOUD_DATABASE_URL", file.database_url).ok_or(ConfigError::Missing {
                name: "database_url",
                env: "ISPDESK_CLOUD_DATABASE_URL",
            })?;
        let database_pool_size = match env("ISPDESK_CLOUD_DATABASE_POOL_SIZE") {
            Some(text) => text.parse().map_err(|_| ConfigError::Invalid {
                name: "database_pool_size",
                detail: format!("{text:?} is not a number"),
            })?,
            None => file.database_pool_size.unwrap_or(16),
        };
        let seal_key_text =
            pick("ISPDESK_CLOUD_SEAL_KEY", file.seal_key).ok_or(ConfigError::Missing {
                name: "seal_key",
                env: "ISPDESK_CLOUD_SEAL_KEY",
            })?;
        let seal_key =
            Sealer::parse_key(&seal_key_text).map_err(|detail| ConfigError::Invalid {
                name: "seal_key",
                detail,
            })?;
        let log_format = match env("ISPDESK_CLOUD_LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "log_format",
                    detail: format!("{other:?}: expected \"text\" or \"json\""),
                });
            }
            None => file.log_format.unwrap_or(LogFormat::Text),
        };
        let log_filter =
            pick("ISPDESK_CLOUD_LOG", file.log_filter).unwrap_or_else(|| "info".into());
        let admin_username = pick("ISPDESK_CLOUD_ADMIN_USERNAME", file.admin_username);
        let admin_password = pick("ISPDESK_CLOUD_ADMIN_PASSWORD", file.admin_password);
        if admin_password
            .as_deref()
            .is_some_and(|p| p.chars().count() < 12)
        {
            return Err(ConfigError::Invalid {
                name: "admin_password",
                detail: "at least 12 characters".into(),
            });
        }
        let session_ttl = Duration::from_secs(file.session_ttl_s.unwrap_or(12 * 3600));
        let reload_command = match env("ISPDESK_CLOUD_RADIUS_RELOAD_COMMAND") {
            Some(text) => text.split_whitespace().map(str::to_owned).collect(),
            None => file.radius.reload_command.unwrap_or_default(),
        };
        Ok(Config {
            listen,
            database_url,
            database_pool_size: database_pool_size.max(2),
            seal_key,
            log_format,
            log_filter,
            admin_username,
            admin_password,
            session_ttl,
            radius: RadiusConfig {
                db_role: pick("ISPDESK_CLOUD_RADIUS_DB_ROLE", file.radius.db_role),
                reload_command,
                reload_debounce: Duration::from_millis(
                    file.radius.reload_debounce_ms.unwrap_or(1000),
                ),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    #[test]
    fn the_environment_wins_over_the_file() {
        let file = format!(
            "listen = \"0.0.0.0:9000\"\ndatabase_url = \"postgresql://a:pw@h/db\"\nseal_key = \"{KEY}\"\n\
             log_format = \"json\"\n[radius]\ndb_role = \"fr\"\nreload_command = [\"systemctl\", \"restart\", \"freeradius\"]\n"
        );
        let config = Config::from_parts(Some(&file), Path::new("c.toml"), |name| {
            (name == "ISPDESK_CLOUD_LISTEN").then(|| "127.0.0.1:7000".to_owned())
        })
        .unwrap();
        assert_eq!(config.listen, "127.0.0.1:7000".parse().unwrap());
        assert_eq!(config.log_format, LogFormat::Json);
        assert_eq!(config.radius.db_role.as_deref(), Some("fr"));
        assert_eq!(
            config.radius.reload_command,
            ["systemctl", "restart", "freeradius"]
        );
        assert_eq!(config.seal_key[31], 31);
        let shown = format!("{config:?}");
        assert!(!shown.contains("pw@"), "{shown}");
        assert!(shown.contains("a:***@h/db"), "{shown}");
    }

    #[test]
    fn missing_and_bad_values_are_named() {
        let err = Config::from_parts(None, Path::new("-"), |_| None).unwrap_err();
        assert!(
            err.to_string().contains("ISPDESK_CLOUD_DATABASE_URL"),
            "{err}"
        );
        let err =
            Config::from_parts(Some("nonsense = 1"), Path::new("c.toml"), |_| None).unwrap_err();
        assert!(err.to_string().contains("nonsense"), "{err}");
        let err = Config::from_parts(None, Path::new("-"), |name| match name {
            "ISPDESK_CLOUD_DATABASE_URL" => Some("postgresql://x".into()),
            "ISPDESK_CLOUD_SEAL_KEY" => Some("c2hvcnQ".into()),
            _ => None,
        })
        .unwrap_err();
        assert!(err.to_string().contains("seal_key"), "{err}");
    }
}
