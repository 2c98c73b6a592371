//! The whole system for end-to-end tests and the latency benchmark: a desktop (the real
//! `ispdesk-core` on a temporary SQLite file, with the real `ispdesk-sync` engine) talking
//! over HTTP to the real `ispdesk-cloud`, on a throwaway PostgreSQL, read by the real
//! FreeRADIUS with the platform's configuration (`crates/cloud/deploy/freeradius/`), which
//! `radclient` questions as a MikroTik router would.
//!
//! Nothing here imitates a part: the pieces are the ones users run, started in temporary
//! directories (`freeradius-harness`).

use anyhow::{Context, Result, bail};
use freeradius_harness::{FreeRadius, Nas, PgServer};
use ispdesk_cloud::nas_watch::NasWatcher;
use ispdesk_cloud::{Config, Server};
use ispdesk_core::{Actor, Core, LoginInput, OwnerInput, PairingInfo, SetupInput};
use ispdesk_domain::CompanyInput;
use ispdesk_domain::bandwidth::BandwidthInput;
use ispdesk_domain::customer::{Customer, CustomerInput};
use ispdesk_domain::ip_pool::IpPoolInput;
use ispdesk_domain::network::ProfileInput;
use ispdesk_domain::plan::{PlanInput, ServicePlan};
use ispdesk_domain::router::{Router, RouterInput};
use ispdesk_sync::PlatformClient;
use serde_json::{Value, json};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const OWNER_ROLE: &str = "ispdesk";
const OWNER_ROLE_PASSWORD: &str = "platform-pass";
const RADIUS_ROLE: &str = "ispdesk_radius";
const RADIUS_ROLE_PASSWORD: &str = "radius-pass";
const DATABASE: &str = "ispdesk_cloud";
const ADMIN: &str = "root@platform";
const ADMIN_PASSWORD: &str = "correct horse battery staple";
/// A test key (32 bytes, base64url); production keys come from the platform's config.
const SEAL_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

/// Runs blocking work (processes, SQLite) off the runtime's threads.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    Ok(tokio::task::spawn_blocking(f).await?)
}

/// The hosted platform: PostgreSQL, the `ispdesk-cloud` server, and its super admin.
pub struct Platform {
    pg: Arc<PgServer>,
    config: Config,
    server: Option<Server>,
    http: reqwest::Client,
    admin_token: String,
}

impl Platform {
    /// A fresh PostgreSQL with the platform's roles and database, and the server on a free
    /// loopback port, its super admin signed in.
    pub async fn start() -> Result<Platform> {
        let pg = blocking(|| -> Result<PgServer> {
            let pg = PgServer::start().context("start PostgreSQL")?;
            pg.psql(
                "postgres",
                "postgres",
                &format!(
                    "CREATE ROLE {OWNER_ROLE} LOGIN PASSWORD '{OWNER_ROLE_PASSWORD}';
                     CREATE ROLE {RADIUS_ROLE} LOGIN PASSWORD '{RADIUS_ROLE_PASSWORD}';"
                ),
            )?;
            pg.psql(
                "postgres",
                "postgres",
                &format!("CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}"),
            )?;
            Ok(pg)
        })
        .await??;
        let database_url = pg.database_url(DATABASE, OWNER_ROLE, OWNER_ROLE_PASSWORD);
        let config = Config::from_parts(None, Path::new("-"), |name| match name {
            "ISPDESK_CLOUD_LISTEN" => Some("127.0.0.1:0".into()),
            "ISPDESK_CLOUD_DATABASE_URL" => Some(database_url.clone()),
            "ISPDESK_CLOUD_DATABASE_POOL_SIZE" => Some("8".into()),
            "ISPDESK_CLOUD_SEAL_KEY" => Some(SEAL_KEY.into()),
            "ISPDESK_CLOUD_ADMIN_USERNAME" => Some(ADMIN.into()),
            "ISPDESK_CLOUD_ADMIN_PASSWORD" => Some(ADMIN_PASSWORD.into()),
            "ISPDESK_CLOUD_RADIUS_DB_ROLE" => Some(RADIUS_ROLE.into()),
            "ISPDESK_CLOUD_LOG" => Some("warn".into()),
            _ => None,
        })?;
        let server = Server::start(&config).await?;
        let mut platform = Platform {
            pg: Arc::new(pg),
            config,
            server: Some(server),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()?,
            admin_token: String::new(),
        };
        // From now on the same port: a restarted platform is found where it was.
        platform.config.listen = platform.addr()?;
        let login = platform
            .admin(
                "POST",
                "/api/v1/admin/login",
                Some(json!({ "username": ADMIN, "password": ADMIN_PASSWORD })),
            )
            .await?;
        platform.admin_token = login["token"]
            .as_str()
            .context("a session token")?
            .to_owned();
        Ok(platform)
    }

    fn addr(&self) -> Result<SocketAddr> {
        Ok(self
            .server
            .as_ref()
            .context("the platform is stopped")?
            .addr())
    }

    /// `http://127.0.0.1:<port>`, whether or not the server is running now.
    pub fn url(&self) -> String {
        format!("http://{}", self.config.listen)
    }

    /// The platform goes down (requests in flight finish; then nothing listens).
    pub async fn stop(&mut self) -> Result<()> {
        if let Some(server) = self.server.take() {
            server.stop().await?;
        }
        Ok(())
    }

    /// The platform comes back on the same port.
    pub async fn restart(&mut self) -> Result<()> {
        if self.server.is_none() {
            self.server = Some(Server::start(&self.config).await?);
        }
        Ok(())
    }

    /// A platform admin API call; any answer but 2xx is an error with the body.
    pub async fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value> {
        let url = format!("{}{path}", self.url());
        let mut request = match method {
            "GET" => self.http.get(&url),
            "PUT" => self.http.put(&url),
            _ => self.http.post(&url),
        };
        if !self.admin_token.is_empty() {
            request = request.bearer_auth(&self.admin_token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{method} {path}: HTTP {status}: {text}");
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }

    /// A tenant with these limits; returns its id and one-time pairing code.
    pub async fn create_tenant(
        &self,
        subdomain: &str,
        max_customers: u32,
    ) -> Result<(String, String)> {
        let created = self
            .admin(
                "POST",
                "/api/v1/admin/tenants",
                Some(json!({
                    "name": format!("ISP {subdomain}"),
                    "subdomain": subdomain,
                    "limits": { "max_routers": 10, "max_customers": max_customers, "max_vouchers": 1000 },
                })),
            )
            .await?;
        Ok((
            created["tenant"]["id"]
                .as_str()
                .context("tenant id")?
                .to_owned(),
            created["pairing_code"]["code"]
                .as_str()
                .context("code")?
                .to_owned(),
        ))
    }

    /// SQL as PostgreSQL's superuser in the platform's database; the output unaligned,
    /// trimmed.
    pub fn psql(&self, sql: &str) -> Result<String> {
        Ok(self.pg.psql(DATABASE, "postgres", sql)?.trim().to_owned())
    }

    /// FreeRADIUS with the platform's configuration, connecting as FreeRADIUS's role,
    /// restarted by the platform's own nas watcher whenever a router changes.
    pub async fn start_radius(&self) -> Result<Radius> {
        let pg = self.pg.clone();
        let mut radius = blocking(move || {
            FreeRadius::postgres(
                Some(&deploy_dir()),
                &pg,
                DATABASE,
                RADIUS_ROLE,
                RADIUS_ROLE_PASSWORD,
            )
        })
        .await??;
        // As in production: normal logging, FreeRADIUS's thread pool.
        radius.set_debug(false);
        let radius = blocking(move || radius.restart().map(|()| radius)).await??;
        let radius = Arc::new(Mutex::new(radius));
        let for_watcher = radius.clone();
        let watcher = NasWatcher::start(
            &self.config.database_url,
            Duration::from_millis(50),
            move || {
                let radius = for_watcher.clone();
                async move {
                    let restarted = blocking(move || {
                        radius.lock().unwrap_or_else(|p| p.into_inner()).restart()
                    })
                    .await;
                    if !matches!(restarted, Ok(Ok(()))) {
                        eprintln!("FreeRADIUS restart failed: {restarted:?}");
                    }
                }
            },
        )
        .await?;
        Ok(Radius {
            radius,
            _watcher: watcher,
        })
    }
}

pub fn deploy_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../crates/cloud/deploy/freeradius")
}

/// The platform's FreeRADIUS.
pub struct Radius {
    radius: Arc<Mutex<FreeRadius>>,
    _watcher: NasWatcher,
}

impl Radius {
    /// A router sending from `source` with `secret`, as radclient.
    pub fn nas(&self, source: Ipv4Addr, secret: &str) -> Nas {
        self.radius
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .nas(source, secret)
            .timeout(Duration::from_secs(2))
    }

    pub fn log(&self) -> String {
        self.radius.lock().unwrap_or_else(|p| p.into_inner()).log()
    }
}

pub const OWNER: &str = "pemilik";
pub const OWNER_PASSWORD: &str = "Warung2026!";
pub const RADIUS_SECRET: &str = "rahasia-radius";
pub const CUSTOMER_PASSWORD: &str = "rahasia1";

/// The ISP's desktop: the real core on a file in a temporary directory, set up with one
/// router (at `router_address`, in RADIUS mode), a 5M/10M PPPoE plan, signed in as the
/// owner.
pub struct Desktop {
    dir: tempfile::TempDir,
    pub core: Arc<Core>,
    pub owner: Actor,
    pub router: Router,
    pub plan: ServicePlan,
}

impl Desktop {
    pub fn new(router_address: Ipv4Addr) -> Result<Desktop> {
        let dir = tempfile::tempdir()?;
        let core = Arc::new(Core::open(&dir.path().join("ispdesk.sqlite"))?);
        let owner = core
            .complete_setup(&SetupInput {
                company: CompanyInput {
                    name: "Berkah Net".into(),
                    address: "Jl. Melati 5, Sleman".into(),
                    phone: "0812-3456-7890".into(),
                    time_zone: "Asia/Jakarta".into(),
                    currency: "IDR".into(),
                },
                owner: OwnerInput {
                    username: OWNER.into(),
                    full_name: "Budi Santoso".into(),
                    password: OWNER_PASSWORD.into(),
                },
            })?
            .actor;
        let router = core.create_router(
            &owner,
            &RouterInput {
                name: "Router Pusat".into(),
                short_name: "pusat".into(),
                address: router_address.to_string(),
                radius_secret: RADIUS_SECRET.into(),
                api_username: "ispdesk".into(),
                api_password: "api-pass-123".into(),
                api_port: String::new(),
                api_tls: false,
                provisioning_mode: "radius".into(),
                is_active: true,
                latitude: String::new(),
                longitude: String::new(),
                description: String::new(),
            },
        )?;
        let pool = core.create_pool(
            &owner,
            &IpPoolInput {
                router_id: router.id.to_string(),
                name: "pool-pppoe".into(),
                ranges: "10.10.0.2-10.10.3.254".into(),
                pool_type: "pppoe".into(),
            },
        )?;
        let bandwidth = core.create_bandwidth_profile(
            &owner,
            &BandwidthInput {
                name: "10M".into(),
                rate_up: "5M".into(),
                rate_down: "10M".into(),
                ..Default::default()
            },
        )?;
        core.save_pppoe_profile(
            &owner,
            None,
            &ProfileInput {
                router_id: router.id.to_string(),
                name: "pppoe-10m".into(),
                ip_pool_id: pool.id.to_string(),
                bandwidth_profile_id: bandwidth.id.to_string(),
                local_address: "10.10.0.1".into(),
                dns_servers: "8.8.8.8".into(),
                session_timeout: String::new(),
                shared_users: "1".into(),
                dns_name: String::new(),
            },
        )?;
        let plan = core.create_plan(
            &owner,
            &PlanInput {
                name: "Paket 10M".into(),
                code: "PPP-10M".into(),
                service_type: "pppoe".into(),
                price: "150000".into(),
                reseller_price: String::new(),
                validity_value: "1".into(),
                validity_unit: "months".into(),
                bandwidth_profile_id: bandwidth.id.to_string(),
                quota: String::new(),
                shared_users: "1".into(),
                profile_name: "pppoe-10m".into(),
                is_active: true,
                description: String::new(),
            },
        )?;
        Ok(Desktop {
            dir,
            core,
            owner,
            router,
            plan,
        })
    }

    pub fn path(&self) -> PathBuf {
        self.dir.path().join("ispdesk.sqlite")
    }

    /// The app is killed and started again: the database is opened anew from its file and
    /// the owner signs in again. Whoever still holds the old core (an engine) must have
    /// dropped it.
    pub fn restart(&mut self) -> Result<()> {
        let core = Arc::new(Core::open(&self.path())?);
        self.owner = core
            .login(&LoginInput {
                username: OWNER.into(),
                password: OWNER_PASSWORD.into(),
            })?
            .actor;
        self.core = core;
        Ok(())
    }

    /// What Pengaturan → Platform does: the code for a device token, kept sealed.
    pub async fn pair(&self, platform_url: &str, code: &str) -> Result<PairingInfo> {
        let client = PlatformClient::new(platform_url, None)?;
        let paired = client.pair(code, "Kasir 1").await?;
        let info = PairingInfo {
            platform_url: client.base_url().to_owned(),
            tenant_id: paired.tenant_id,
            tenant_name: paired.tenant_name,
            device_id: paired.device_id,
        };
        let (core, owner, saved) = (self.core.clone(), self.owner.clone(), info.clone());
        blocking(move || core.save_pairing(&owner, &saved, &paired.token)).await??;
        Ok(info)
    }

    /// A customer on the plan and router, with [`CUSTOMER_PASSWORD`].
    pub fn customer(&self, username: &str) -> Result<Customer> {
        Ok(self.core.create_customer(
            &self.owner,
            &CustomerInput {
                username: username.into(),
                password: CUSTOMER_PASSWORD.into(),
                name: format!("Pelanggan {username}"),
                phone: "0812-1111-2222".into(),
                email: String::new(),
                address: "RT 01 RW 02".into(),
                service_type: "pppoe".into(),
                plan_id: self.plan.id.to_string(),
                router_id: self.router.id.to_string(),
                notes: String::new(),
            },
        )?)
    }
}
