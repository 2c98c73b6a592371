//! One throwaway PostgreSQL per test binary, a database per test (copied from a migrated
//! template), the real server on port 0, HTTP through reqwest, and the real FreeRADIUS
//! with the platform's configuration when a test needs RADIUS.

use anyhow::{Context, Result, bail};
use freeradius_harness::{FreeRadius, Nas, PgServer};
use ispdesk_cloud::nas_watch::NasWatcher;
use ispdesk_cloud::{Config, Server};
use ispdesk_domain::sync::{ApiError, Change, ChangeOp, PairResponse, PullPage, PushBatch};
use serde_json::{Value, json};
use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use uuid::Uuid;

pub const OWNER: &str = "ispdesk";
pub const OWNER_PASSWORD: &str = "platform-pass";
pub const RADIUS_ROLE: &str = "ispdesk_radius";
pub const RADIUS_PASSWORD: &str = "radius-pass";
pub const ADMIN: &str = "root@platform";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
const TEMPLATE_DB: &str = "cloud_template";
pub const SEAL_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

/// What every test of this binary shares: the PostgreSQL cluster and the migrated
/// template database.
pub struct Shared {
    pub pg: PgServer,
    next_db: AtomicU32,
}

impl Shared {
    pub fn start() -> Result<Shared> {
        let pg = PgServer::start().context("start PostgreSQL")?;
        pg.psql(
            "postgres",
            "postgres",
            &format!(
                "CREATE ROLE {OWNER} LOGIN PASSWORD '{OWNER_PASSWORD}';
                 CREATE ROLE {RADIUS_ROLE} LOGIN PASSWORD '{RADIUS_PASSWORD}';"
            ),
        )?;
        pg.psql(
            "postgres",
            "postgres",
            &format!("CREATE DATABASE {TEMPLATE_DB} OWNER {OWNER}"),
        )?;
        let url = pg.database_url(TEMPLATE_DB, OWNER, OWNER_PASSWORD);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let pool = ispdesk_cloud::db::pool(&url, 2)?;
            ispdesk_cloud::db::migrate(&pool).await?;
            ispdesk_cloud::db::grant_radius_role(&pool, RADIUS_ROLE).await?;
            pool.close();
            anyhow::Ok(())
        })?;
        Ok(Shared {
            pg,
            next_db: AtomicU32::new(1),
        })
    }

    /// A fresh database with the platform's schema.
    pub fn new_database(&self) -> Result<String> {
        let name = format!("t{}", self.next_db.fetch_add(1, Ordering::Relaxed));
        self.pg.psql(
            "postgres",
            "postgres",
            &format!("CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} OWNER {OWNER}"),
        )?;
        Ok(name)
    }
}

pub fn deploy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/freeradius")
}

/// One test's platform: its database and a server on a free port, with the super admin
/// signed in.
pub struct Env {
    pub shared: Arc<Shared>,
    pub db: String,
    pub db_url: String,
    pub server: Server,
    pub http: reqwest::Client,
    pub admin_token: String,
}

#[derive(Clone, Debug)]
pub struct Tenant {
    pub id: Uuid,
    pub code: String,
}

#[derive(Clone, Debug)]
pub struct Device {
    pub tenant: Uuid,
    pub device: Uuid,
    pub token: String,
}

/// Limits large enough not to matter.
pub fn roomy() -> Value {
    json!({ "max_routers": 100, "max_customers": 100_000, "max_vouchers": 100_000 })
}

impl Env {
    pub async fn new(shared: Arc<Shared>) -> Result<Env> {
        let db = shared.new_database()?;
        let db_url = shared.pg.database_url(&db, OWNER, OWNER_PASSWORD);
        let config = Config::from_parts(None, std::path::Path::new("-"), |name| match name {
            "ISPDESK_CLOUD_LISTEN" => Some("127.0.0.1:0".into()),
            "ISPDESK_CLOUD_DATABASE_URL" => Some(db_url.clone()),
            "ISPDESK_CLOUD_DATABASE_POOL_SIZE" => Some("8".into()),
            "ISPDESK_CLOUD_SEAL_KEY" => Some(SEAL_KEY.into()),
            "ISPDESK_CLOUD_ADMIN_USERNAME" => Some(ADMIN.into()),
            "ISPDESK_CLOUD_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            "ISPDESK_CLOUD_RADIUS_DB_ROLE" => Some(RADIUS_ROLE.into()),
            "ISPDESK_CLOUD_LOG" => Some("warn".into()),
            _ => None,
        })?;
        let server = Server::start(&config).await?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let mut env = Env {
            shared,
            db,
            db_url,
            server,
            http,
            admin_token: String::new(),
        };
        let login: Value = env
            .post_json(
                "/api/v1/admin/login",
                None,
                &json!({ "username": ADMIN, "password": ADMIN_PASSWORD }),
            )
            .await?
            .ok_json(200)
            .await?;
        env.admin_token = login["token"]
            .as_str()
            .context("a session token")?
            .to_owned();
        Ok(env)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub async fn post_json(
        &self,
        path: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Result<reqwest::Response> {
        let mut request = self.http.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Ok(request.send().await?)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Result<reqwest::Response> {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Ok(request.send().await?)
    }

    pub async fn admin_post(&self, path: &str, body: &Value) -> Result<reqwest::Response> {
        self.post_json(path, Some(&self.admin_token), body).await
    }

    pub async fn create_tenant(&self, subdomain: &str, limits: Value) -> Result<Tenant> {
        let created: Value = self
            .admin_post(
                "/api/v1/admin/tenants",
                &json!({ "name": format!("ISP {subdomain}"), "subdomain": subdomain, "limits": limits }),
            )
            .await?
            .ok_json(201)
            .await?;
        Ok(Tenant {
            id: created["tenant"]["id"]
                .as_str()
                .context("tenant id")?
                .parse()?,
            code: created["pairing_code"]["code"]
                .as_str()
                .context("code")?
                .to_owned(),
        })
    }

    pub async fn pair(&self, code: &str) -> Result<reqwest::Response> {
        self.post_json(
            "/api/v1/pair",
            None,
            &json!({ "code": code, "device_name": "Kasir 1" }),
        )
        .await
    }

    /// A tenant with a paired desktop.
    pub async fn tenant_device(&self, subdomain: &str, limits: Value) -> Result<Device> {
        let tenant = self.create_tenant(subdomain, limits).await?;
        let paired: PairResponse = self.pair(&tenant.code).await?.ok_json(200).await?;
        Ok(Device {
            tenant: tenant.id,
            device: paired.device_id,
            token: paired.token,
        })
    }

    pub async fn push(&self, token: &str, batch: &PushBatch) -> Result<reqwest::Response> {
        Ok(self
            .http
            .post(self.url("/api/v1/sync/push"))
            .bearer_auth(token)
            .json(batch)
            .send()
            .await?)
    }

    pub async fn pull(&self, token: &str, after: i64) -> Result<reqwest::Response> {
        self.get(
            &format!("/api/v1/sync/pull?after={after}&limit=500"),
            Some(token),
        )
        .await
    }

    /// Every entry of the feed after `after`.
    pub async fn pull_all(&self, token: &str, mut after: i64) -> Result<PullPage> {
        let mut all = PullPage {
            entries: Vec::new(),
            next_cursor: after,
            more: false,
        };
        loop {
            let page: PullPage = self.pull(token, after).await?.ok_json(200).await?;
            after = page.next_cursor;
            all.entries.extend(page.entries);
            all.next_cursor = page.next_cursor;
            if !page.more {
                return Ok(all);
            }
        }
    }

    /// SQL as the cluster's superuser in this test's database.
    pub fn psql(&self, sql: &str) -> Result<String> {
        Ok(self
            .shared
            .pg
            .psql(&self.db, "postgres", sql)?
            .trim()
            .to_owned())
    }

    /// FreeRADIUS with the platform's configuration on this test's database, connecting as
    /// the FreeRADIUS role, restarted by the real nas watcher whenever `nas` changes.
    pub async fn start_radius(&self) -> Result<Radius> {
        let db = self.db.clone();
        let shared = self.shared.clone();
        let radius = tokio::task::spawn_blocking(move || {
            FreeRadius::postgres(
                Some(&deploy_dir()),
                &shared.pg,
                &db,
                RADIUS_ROLE,
                RADIUS_PASSWORD,
            )
        })
        .await??;
        let radius = Arc::new(Mutex::new(radius));
        let (reloads_tx, reloads) = tokio::sync::watch::channel(0u32);
        let for_watcher = radius.clone();
        let watcher = NasWatcher::start(&self.db_url, Duration::from_millis(50), move || {
            let radius = for_watcher.clone();
            let reloads_tx = reloads_tx.clone();
            async move {
                let restarted = tokio::task::spawn_blocking(move || {
                    radius.lock().unwrap_or_else(|p| p.into_inner()).restart()
                })
                .await;
                if !matches!(restarted, Ok(Ok(()))) {
                    eprintln!("FreeRADIUS restart failed: {restarted:?}");
                }
                reloads_tx.send_modify(|n| *n += 1);
            }
        })
        .await?;
        Ok(Radius {
            radius,
            reloads,
            _watcher: watcher,
        })
    }
}

/// The platform's FreeRADIUS in a test.
pub struct Radius {
    pub radius: Arc<Mutex<FreeRadius>>,
    reloads: tokio::sync::watch::Receiver<u32>,
    _watcher: NasWatcher,
}

impl Radius {
    pub fn reloads(&self) -> u32 {
        *self.reloads.borrow()
    }

    /// Waits until FreeRADIUS restarted more than `seen` times.
    pub async fn reloaded_after(&mut self, seen: u32) -> Result<()> {
        tokio::time::timeout(
            Duration::from_secs(20),
            self.reloads.wait_for(|n| *n > seen),
        )
        .await
        .context("FreeRADIUS was not reloaded after the nas change")??;
        Ok(())
    }

    /// A router at `source` with `secret`.
    pub fn nas(&self, source: Ipv4Addr, secret: &str) -> Nas {
        self.radius
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .nas(source, secret)
    }

    pub fn log(&self) -> String {
        self.radius.lock().unwrap_or_else(|p| p.into_inner()).log()
    }
}

/// Runs blocking radclient work off the runtime's threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

pub trait ResponseExt {
    async fn ok_json<T: serde::de::DeserializeOwned>(self, status: u16) -> Result<T>;
    async fn api_error(self, status: u16) -> Result<ApiError>;
}

impl ResponseExt for reqwest::Response {
    async fn ok_json<T: serde::de::DeserializeOwned>(self, status: u16) -> Result<T> {
        let got = self.status().as_u16();
        let text = self.text().await?;
        if got != status {
            bail!("expected HTTP {status}, got {got}: {text}");
        }
        serde_json::from_str(&text).with_context(|| format!("read {text}"))
    }

    async fn api_error(self, status: u16) -> Result<ApiError> {
        self.ok_json(status).await
    }
}

// ---------------------------------------------------------------------------------------
// The desktop's rows, as its sync engine sends them (SQLite values as JSON).

pub const STAMP: &str = "2026-01-05T08:00:00.000Z";

pub fn upsert(table: &str, id: &str, rev: i64, data: Value) -> Change {
    Change {
        table: table.into(),
        row_id: id.into(),
        op: ChangeOp::Upsert,
        rev,
        data: data.as_object().cloned(),
    }
}

pub fn delete(table: &str, id: &str, rev: i64) -> Change {
    Change {
        table: table.into(),
        row_id: id.into(),
        op: ChangeOp::Delete,
        rev,
        data: None,
    }
}

pub fn batch(changes: Vec<Change>) -> PushBatch {
    PushBatch {
        batch_id: Uuid::now_v7(),
        changes,
    }
}

pub fn router(id: &str, rev: i64, address: &str, secret: Option<&str>) -> Change {
    upsert(
        "routers",
        id,
        rev,
        json!({
            "id": id, "name": format!("Router {address}"), "short_name": format!("r-{}", address.replace('.', "-")),
            "address": address, "radius_secret": secret, "api_username": "admin",
            "api_port": 8728, "api_tls": 0, "tls_fingerprint": null, "provisioning_mode": "radius",
            "is_active": 1, "latitude": null, "longitude": null, "description": "",
            "rev": rev, "created_at": STAMP, "updated_at": STAMP
        }),
    )
}

pub fn bandwidth(id: &str, rev: i64, up: i64, down: i64) -> Change {
    upsert(
        "bandwidth_profiles",
        id,
        rev,
        json!({
            "id": id, "name": format!("bw {down}"), "rate_up_bps": up, "rate_down_bps": down,
            "burst_up_bps": null, "burst_down_bps": null, "threshold_up_bps": null,
            "threshold_down_bps": null, "burst_time_up_s": null, "burst_time_down_s": null,
            "priority": 8, "limit_at_up_bps": null, "limit_at_down_bps": null,
            "rev": rev, "created_at": STAMP, "updated_at": STAMP
        }),
    )
}

pub fn plan(
    id: &str,
    rev: i64,
    code: &str,
    bandwidth: Option<&str>,
    quota: Option<i64>,
    profile: &str,
) -> Change {
    upsert(
        "service_plans",
        id,
        rev,
        json!({
            "id": id, "name": format!("Plan {code}"), "code": code, "service_type": "pppoe",
            "price": 150000, "reseller_price": null, "validity_value": 1, "validity_unit": "months",
            "bandwidth_profile_id": bandwidth, "quota_bytes": quota, "shared_users": 1,
            "is_active": 1, "description": "", "profile_name": profile,
            "rev": rev, "created_at": STAMP, "updated_at": STAMP
        }),
    )
}

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per column a test varies"
)]
pub fn customer(
    id: &str,
    rev: i64,
    username: &str,
    password: &str,
    status: &str,
    plan: Option<&str>,
    router: Option<&str>,
    expires_at: Option<&str>,
) -> Change {
    upsert(
        "customers",
        id,
        rev,
        json!({
            "id": id, "username": username, "password": password, "name": format!("Pelanggan {username}"),
            "phone": "", "email": "", "address": "", "service_type": "pppoe",
            "plan_id": plan, "router_id": router, "reseller_id": null, "status": status,
            "expires_at": expires_at, "balance": 0, "latitude": null, "longitude": null,
            "notes": "", "rev": rev, "created_at": STAMP, "updated_at": STAMP
        }),
    )
}

pub fn pool(id: &str, rev: i64, router: &str, name: &str) -> Change {
    upsert(
        "ip_pools",
        id,
        rev,
        json!({
            "id": id, "router_id": router, "name": name, "ranges": "10.10.0.2-10.10.0.254",
            "size": 253, "pool_type": "pppoe", "rev": rev, "created_at": STAMP, "updated_at": STAMP
        }),
    )
}

pub fn pppoe_profile(
    id: &str,
    rev: i64,
    router: &str,
    name: &str,
    pool: Option<&str>,
    timeout: Option<i64>,
) -> Change {
    upsert(
        "pppoe_profiles",
        id,
        rev,
        json!({
            "id": id, "router_id": router, "name": name, "ip_pool_id": pool,
            "bandwidth_profile_id": null, "local_address": "10.10.0.1", "dns_servers": "",
            "session_timeout_s": timeout, "shared_users": 1,
            "rev": rev, "created_at": STAMP, "updated_at": STAMP
        }),
    )
}

pub fn radius_settings(rev: i64, isolir: bool, interim: u32) -> Change {
    let value = json!({
        "isolir_enabled": isolir, "isolir_rate_limit": "128k/128k",
        "isolir_address_list": "isolir", "interim_interval_s": interim
    });
    upsert(
        "settings",
        "radius",
        rev,
        json!({ "key": "radius", "value": value.to_string(), "rev": rev, "updated_at": STAMP }),
    )
}

pub fn id(n: u32) -> String {
    format!("01936d3e-5f2a-7cc1-8000-{n:012}")
}
