//! An ISP set up for subscriber tests: a router, pools, a bandwidth profile, PPPoE and
//! hotspot profiles, and plans.

use crate::TestDb;
use ispdesk_core::Actor;
use ispdesk_domain::bandwidth::{BandwidthInput, BandwidthProfile};
use ispdesk_domain::customer::{Customer, CustomerInput};
use ispdesk_domain::ip_pool::{IpPool, IpPoolInput};
use ispdesk_domain::network::{PppoeProfile, ProfileInput};
use ispdesk_domain::plan::{PlanInput, ServicePlan};
use ispdesk_domain::router::{Router, RouterInput};

pub struct Isp {
    pub db: TestDb,
    pub owner: Actor,
    pub router: Router,
    pub pppoe_pool: IpPool,
    pub bandwidth: BandwidthProfile,
    pub pppoe_profile: PppoeProfile,
    pub pppoe_plan: ServicePlan,
    pub hotspot_plan: ServicePlan,
}

pub fn router_input(short_name: &str, address: &str) -> RouterInput {
    RouterInput {
        name: format!("Router {short_name}"),
        short_name: short_name.into(),
        address: address.into(),
        radius_secret: "rahasia-radius".into(),
        api_username: "ispdesk".into(),
        api_password: "api-pass-123".into(),
        api_port: String::new(),
        api_tls: false,
        provisioning_mode: "radius".into(),
        is_active: true,
        latitude: "-7.7956".into(),
        longitude: "110.3695".into(),
        description: String::new(),
    }
}

pub fn plan_input(code: &str, service: &str, bandwidth: &BandwidthProfile) -> PlanInput {
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
        profile_name: "pppoe-10m".into(),
        is_active: true,
        description: String::new(),
    }
}

pub fn customer_input(username: &str, plan: &ServicePlan, router: &Router) -> CustomerInput {
    CustomerInput {
        username: username.into(),
        password: "rahasia1".into(),
        name: format!("Pelanggan {username}"),
        phone: "0812-1111-2222".into(),
        email: String::new(),
        address: "RT 01 RW 02".into(),
        service_type: plan.service_type.as_str().into(),
        plan_id: plan.id.to_string(),
        router_id: router.id.to_string(),
        notes: String::new(),
    }
}

impl Isp {
    pub fn new() -> Isp {
        let (db, owner) = TestDb::with_owner();
        let core = &db.core;
        let router = core
            .create_router(&owner, &router_input("pusat", "127.0.0.1"))
            .unwrap();
        let pppoe_pool = core
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
        let pppoe_profile = core
            .save_pppoe_profile(
                &owner,
                None,
                &ProfileInput {
                    router_id: router.id.to_string(),
                    name: "pppoe-10m".into(),
                    ip_pool_id: pppoe_pool.id.to_string(),
                    bandwidth_profile_id: bandwidth.id.to_string(),
                    local_address: "10.10.0.1".into(),
                    dns_servers: "8.8.8.8".into(),
                    session_timeout: "1d".into(),
                    shared_users: "1".into(),
                    dns_name: String::new(),
                },
            )
            .unwrap();
        let pppoe_plan = core
            .create_plan(&owner, &plan_input("PPP-10M", "pppoe", &bandwidth))
            .unwrap();
        let mut hotspot = plan_input("HS-1D", "hotspot", &bandwidth);
        hotspot.validity_unit = "days".into();
        hotspot.price = "5000".into();
        hotspot.quota = "10GiB".into();
        hotspot.shared_users = "2".into();
        hotspot.profile_name = String::new();
        let hotspot_plan = core.create_plan(&owner, &hotspot).unwrap();
        Isp {
            db,
            owner,
            router,
            pppoe_pool,
            bandwidth,
            pppoe_profile,
            pppoe_plan,
            hotspot_plan,
        }
    }

    pub fn customer(&self, username: &str) -> Customer {
        self.db
            .core
            .create_customer(
                &self.owner,
                &customer_input(username, &self.pppoe_plan, &self.router),
            )
            .unwrap()
    }

    /// `(attribute, op, value)` rows of a user in a RADIUS table.
    pub fn rows(&self, table: &str, username: &str) -> Vec<(String, String, String)> {
        self.db.core.with_connection(|c| {
            c.prepare(&format!(
                "SELECT attribute, op, value FROM {table} WHERE username = ?1 ORDER BY attribute"
            ))
            .unwrap()
            .query_map([username], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
        })
    }

    pub fn attr(&self, table: &str, username: &str, attribute: &str) -> Option<String> {
        self.rows(table, username)
            .into_iter()
            .find(|r| r.0 == attribute)
            .map(|r| r.2)
    }

    pub fn groups(&self, username: &str) -> Vec<String> {
        self.db.core.with_connection(|c| {
            c.prepare("SELECT groupname FROM radusergroup WHERE username = ?1")
                .unwrap()
                .query_map([username], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        })
    }

    pub fn group_attr(&self, table: &str, group: &str, attribute: &str) -> Option<String> {
        self.db.core.with_connection(|c| {
            c.query_row(
                &format!("SELECT value FROM {table} WHERE groupname = ?1 AND attribute = ?2"),
                (group, attribute),
                |r| r.get(0),
            )
            .ok()
        })
    }

    /// The incremental RADIUS rows equal what a rebuild from scratch produces.
    pub fn assert_radius_consistent(&self) {
        let now = self.db.core.radius_snapshot().unwrap();
        let rebuilt = self.db.core.rebuilt_radius_snapshot().unwrap();
        assert_eq!(
            now, rebuilt,
            "incremental RADIUS rows differ from a rebuild"
        );
    }
}
