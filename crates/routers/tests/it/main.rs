//! Integration tests of `ispdesk-routers`: the core on a temporary database, and RouterOS
//! simulators over real TCP (and TLS) on loopback. No mocks.

mod connection;
mod health;
mod import;
mod permissions;
mod property;
mod provisioning;
mod sessions;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ispdesk_core::{
    ActivityEntry, ActivityQuery, Actor, AppError, Core, ErrorCode, LoginInput, OwnerInput,
    SetupInput,
};
use ispdesk_domain::bandwidth::{BandwidthInput, BandwidthProfile};
use ispdesk_domain::customer::{Customer, CustomerInput};
use ispdesk_domain::ip_pool::IpPoolInput;
use ispdesk_domain::network::ProfileInput;
use ispdesk_domain::plan::{PlanInput, ServicePlan};
use ispdesk_domain::router::{Router, RouterInput};
use ispdesk_domain::staff::NewStaff;
use ispdesk_domain::{CompanyInput, Role};
use ispdesk_routers::Timeouts;
use routeros_api::sim::{RouterVersion, SimConfig, Simulator};
use routeros_api::{Client, Command, ConnectOptions};

pub const API_USER: &str = "ispdesk";
pub const API_PASSWORD: &str = "api-pass=123";
const STAFF_PASSWORD: &str = "kopi susu 7";

/// Short timeouts, so fault tests stay fast.
pub const TIMEOUTS: Timeouts = Timeouts {
    connect: Duration::from_millis(1500),
    command: Duration::from_millis(1500),
};

pub async fn start_sim(version: RouterVersion) -> Simulator {
    let mut config = SimConfig::new(version)
        .user(API_USER, API_PASSWORD)
        .with_tls();
    config.identity = "Kantor Pusat".into();
    Simulator::start(config)
        .await
        .expect("the simulator starts")
}

/// A client on the simulator, for setting it up and looking at it as a technician would.
pub async fn client(sim: &Simulator) -> Client {
    Client::connect(
        &ConnectOptions::new("127.0.0.1", API_USER, API_PASSWORD).port(sim.address().port()),
    )
    .await
    .expect("the test client logs in")
}

/// Runs a RouterOS command on the simulator, as a technician setting the router up would.
pub async fn routeros(sim: &Simulator, path: &str, attrs: &[(&str, &str)]) {
    let mut command = Command::new(path);
    for (k, v) in attrs {
        command = command.attr(k, v);
    }
    client(sim)
        .await
        .command(&command)
        .await
        .unwrap_or_else(|e| panic!("{path}: {e}"));
}

pub fn router_input(sim: &Simulator, mode: &str) -> RouterInput {
    RouterInput {
        name: "Router Pusat".into(),
        short_name: "pusat".into(),
        address: "127.0.0.1".into(),
        radius_secret: "rahasia-radius".into(),
        api_username: API_USER.into(),
        api_password: API_PASSWORD.into(),
        api_port: sim.address().port().to_string(),
        api_tls: false,
        provisioning_mode: mode.into(),
        is_active: true,
        latitude: String::new(),
        longitude: String::new(),
        description: String::new(),
    }
}

/// An ISP with one router (a simulator), a PPPoE plan on the profile `paket-10m` and a
/// hotspot plan on `default`.
pub struct Isp {
    _dir: tempfile::TempDir,
    pub core: Arc<Core>,
    pub owner: Actor,
    pub sim: Simulator,
    pub router: Router,
    pub bandwidth: BandwidthProfile,
    pub pppoe_plan: ServicePlan,
    pub hotspot_plan: ServicePlan,
}

impl Isp {
    pub async fn new(version: RouterVersion, mode: &str) -> Isp {
        let sim = start_sim(version).await;
        let dir = tempfile::tempdir().unwrap();
        let core = Arc::new(Core::open(&dir.path().join("ispdesk.sqlite")).unwrap());
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
                    username: "budi".into(),
                    full_name: "Budi Santoso".into(),
                    password: "Warung2026!".into(),
                },
            })
            .unwrap()
            .actor;
        let router = core
            .create_router(&owner, &router_input(&sim, mode))
            .unwrap();
        let pool = core
            .create_pool(
                &owner,
                &IpPoolInput {
                    router_id: router.id.to_string(),
                    name: "pool-pppoe".into(),
                    ranges: "10.10.0.2-10.10.3.254".into(),
                    pool_type: "pppoe".into(),
                },
            )
            .unwrap();
        let bandwidth = core
            .create_bandwidth_profile(
                &owner,
                &BandwidthInput {
                    name: "10M".into(),
                    rate_up: "5M".into(),
                    rate_down: "10M".into(),
                    ..Default::default()
                },
            )
            .unwrap();
        core.save_pppoe_profile(
            &owner,
            None,
            &ProfileInput {
                router_id: router.id.to_string(),
                name: "paket-10m".into(),
                ip_pool_id: pool.id.to_string(),
                bandwidth_profile_id: String::new(),
                local_address: "10.10.0.1".into(),
                dns_servers: "8.8.8.8".into(),
                session_timeout: "1d".into(),
                shared_users: "1".into(),
                dns_name: String::new(),
            },
        )
        .unwrap();
        let pppoe_plan = core
            .create_plan(
                &owner,
                &plan_input("PPP-10M", "pppoe", "paket-10m", &bandwidth),
            )
            .unwrap();
        let hotspot_plan = core
            .create_plan(&owner, &plan_input("HS-1D", "hotspot", "", &bandwidth))
            .unwrap();
        Isp {
            _dir: dir,
            core,
            owner,
            sim,
            router,
            bandwidth,
            pppoe_plan,
            hotspot_plan,
        }
    }

    pub fn customer(&self, username: &str, plan: &ServicePlan) -> Customer {
        self.core
            .create_customer(
                &self.owner,
                &CustomerInput {
                    username: username.into(),
                    password: format!("rahasia-{username}"),
                    name: format!("Pelanggan {username}"),
                    phone: String::new(),
                    email: String::new(),
                    address: String::new(),
                    service_type: plan.service_type.as_str().into(),
                    plan_id: plan.id.to_string(),
                    router_id: self.router.id.to_string(),
                    notes: String::new(),
                },
            )
            .unwrap()
    }

    /// A staff member with `role`, signed in.
    pub fn staff(&self, role: Role) -> Actor {
        let username = format!("staf-{}", role.as_str());
        self.core
            .create_staff(
                &self.owner,
                &NewStaff {
                    username: username.clone(),
                    full_name: format!("Staf {role}"),
                    role,
                    password: STAFF_PASSWORD.into(),
                },
            )
            .unwrap();
        self.core
            .login(&LoginInput {
                username,
                password: STAFF_PASSWORD.into(),
            })
            .unwrap()
            .actor
    }

    pub fn activity(&self) -> Vec<ActivityEntry> {
        self.core
            .list_activity(
                &self.owner,
                &ActivityQuery {
                    page: 1,
                    page_size: 200,
                    ..Default::default()
                },
            )
            .unwrap()
            .items
    }

    pub fn customer_count(&self) -> i64 {
        self.core.with_connection(|c| {
            c.query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
                .unwrap()
        })
    }

    /// The simulator's rows of a menu, by name (`name`, or `user` for hotspot sessions).
    pub fn row(&self, path: &str, name: &str) -> Option<routeros_api::Row> {
        self.sim
            .rows(path)
            .into_iter()
            .find(|r| r.get("name").or_else(|| r.get("user")) == Some(name))
    }
}

pub fn plan_input(
    code: &str,
    service: &str,
    profile: &str,
    bandwidth: &BandwidthProfile,
) -> PlanInput {
    PlanInput {
        name: format!("Paket {code}"),
        code: code.into(),
        service_type: service.into(),
        price: "150000".into(),
        reseller_price: String::new(),
        validity_value: "1".into(),
        validity_unit: "months".into(),
        bandwidth_profile_id: bandwidth.id.to_string(),
        quota: String::new(),
        shared_users: "1".into(),
        profile_name: profile.into(),
        is_active: true,
        description: String::new(),
    }
}

/// The UI's error code of a failure.
pub fn code<T: std::fmt::Debug>(result: ispdesk_routers::Result<T>) -> ErrorCode {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => AppError::from(e).code,
    }
}

/// Waits for a condition, failing the test after `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
