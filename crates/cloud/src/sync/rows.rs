//! The desktop's rows as the platform reads them (`migrations/V1__init.sql` +
//! `V2__subscribers.sql` of the desktop; SQLite values as JSON: integers, 0/1 flags, UTC
//! text). Only the columns the platform interprets are decoded; the rest is stored as
//! received. Each decoder is what a pushed row must satisfy, and what a stored one is read
//! back with.

use ispdesk_domain::bandwidth::{BandwidthProfile, Burst, RatePair};
use ispdesk_domain::plan::{ServicePlan, ServiceType, Validity, ValidityUnit};
use ispdesk_domain::radius::RadiusSettings;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// The `settings` key whose value is the ISP's [`RadiusSettings`].
pub const RADIUS_SETTINGS_KEY: &str = "radius";

/// Where sealed secrets live in a stored row (the opened ones never are stored).
pub const CUSTOMER_PASSWORD_SEALED: &str = "password_sealed";
pub const ROUTER_SECRET_SEALED: &str = "radius_secret_sealed";

/// A 0/1 integer (SQLite) or a boolean.
fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Int(i64),
    }
    Ok(match Flag::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Int(n) => n != 0,
    })
}

pub fn decode<T: DeserializeOwned>(data: &Map<String, Value>) -> Result<T, String> {
    // A Map is not a Deserializer; going through Value costs a clone of small rows only.
    T::deserialize(Value::Object(data.clone())).map_err(|e| e.to_string())
}

/// The primary key column of a pushed table.
pub fn primary_key(table: &str) -> &'static str {
    if table == "settings" { "key" } else { "id" }
}

#[derive(Clone, Debug, Deserialize)]
pub struct RouterRow {
    pub address: String,
    pub short_name: String,
    pub name: String,
    pub provisioning_mode: String,
    #[serde(deserialize_with = "flag")]
    pub is_active: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct PoolRow {
    pub router_id: String,
    pub name: String,
}

/// A PPPoE profile or a hotspot user profile: what a plan's `profile_name` finds on the
/// customer's router.
#[derive(Clone, Debug, Deserialize)]
pub struct ProfileRow {
    pub router_id: String,
    pub name: String,
    pub ip_pool_id: Option<String>,
    pub session_timeout_s: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct BandwidthRow {
    pub id: String,
    pub name: String,
    pub rate_up_bps: Option<i64>,
    pub rate_down_bps: Option<i64>,
    pub burst_up_bps: Option<i64>,
    pub burst_down_bps: Option<i64>,
    pub threshold_up_bps: Option<i64>,
    pub threshold_down_bps: Option<i64>,
    pub burst_time_up_s: Option<i64>,
    pub burst_time_down_s: Option<i64>,
    pub priority: i64,
    pub limit_at_up_bps: Option<i64>,
    pub limit_at_down_bps: Option<i64>,
}

fn unsigned(v: Option<i64>) -> Option<u64> {
    v.map(|n| n.max(0) as u64)
}

impl BandwidthRow {
    /// As `ispdesk_core::network::bandwidth_from_row` reads it.
    pub fn profile(&self) -> Result<BandwidthProfile, String> {
        let burst = match (unsigned(self.burst_up_bps), unsigned(self.burst_down_bps)) {
            (Some(up), Some(down)) => Some(Burst {
                limit: RatePair {
                    up_bps: up,
                    down_bps: down,
                },
                threshold: RatePair {
                    up_bps: unsigned(self.threshold_up_bps).unwrap_or(0),
                    down_bps: unsigned(self.threshold_down_bps).unwrap_or(0),
                },
                time_up_s: clamp_u32(self.burst_time_up_s.unwrap_or(1)),
                time_down_s: clamp_u32(self.burst_time_down_s.unwrap_or(1)),
            }),
            _ => None,
        };
        let limit_at = match (
            unsigned(self.limit_at_up_bps),
            unsigned(self.limit_at_down_bps),
        ) {
            (Some(up), Some(down)) => Some(RatePair {
                up_bps: up,
                down_bps: down,
            }),
            _ => None,
        };
        Ok(BandwidthProfile {
            id: self.id.parse().map_err(|_| "id is not a UUID".to_owned())?,
            name: self.name.clone(),
            rate_up_bps: unsigned(self.rate_up_bps).unwrap_or(0),
            rate_down_bps: unsigned(self.rate_down_bps).unwrap_or(0),
            burst,
            priority: u8::try_from(self.priority.clamp(1, 8)).unwrap_or(8),
            limit_at,
        })
    }
}

fn clamp_u32(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[derive(Clone, Debug, Deserialize)]
pub struct PlanRow {
    pub id: String,
    pub name: String,
    pub code: String,
    pub service_type: String,
    pub price: i64,
    pub reseller_price: Option<i64>,
    pub validity_value: i64,
    pub validity_unit: String,
    pub bandwidth_profile_id: Option<String>,
    pub quota_bytes: Option<i64>,
    pub shared_users: i64,
    #[serde(default)]
    pub profile_name: String,
    #[serde(deserialize_with = "flag")]
    pub is_active: bool,
    #[serde(default)]
    pub description: String,
}

impl PlanRow {
    /// As `ispdesk_core::plans::plan_from_row` reads it.
    pub fn plan(&self) -> Result<ServicePlan, String> {
        Ok(ServicePlan {
            id: self.id.parse().map_err(|_| "id is not a UUID".to_owned())?,
            name: self.name.clone(),
            code: self.code.clone(),
            service_type: ServiceType::parse(&self.service_type).unwrap_or(ServiceType::Hotspot),
            price: self.price,
            reseller_price: self.reseller_price,
            validity: Validity {
                value: clamp_u32(self.validity_value),
                unit: ValidityUnit::parse(&self.validity_unit).unwrap_or(ValidityUnit::Days),
            },
            bandwidth_profile_id: self
                .bandwidth_profile_id
                .as_deref()
                .and_then(|b| b.parse().ok()),
            quota_bytes: unsigned(self.quota_bytes),
            shared_users: clamp_u32(self.shared_users),
            profile_name: self.profile_name.clone(),
            is_active: self.is_active,
            description: self.description.clone(),
        })
    }
}

/// A customer as pushed: the password opened.
#[derive(Clone, Debug, Deserialize)]
pub struct PushedCustomer {
    pub username: String,
    pub password: String,
    pub status: String,
    pub service_type: String,
    pub expires_at: Option<String>,
    pub plan_id: Option<String>,
    pub router_id: Option<String>,
}

/// A customer as stored: the password sealed.
#[derive(Clone, Debug, Deserialize)]
pub struct StoredCustomer {
    pub username: String,
    pub password_sealed: String,
    pub status: String,
    pub service_type: String,
    pub expires_at: Option<String>,
    pub plan_id: Option<String>,
    pub router_id: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SettingsRow {
    pub value: Value,
}

impl SettingsRow {
    /// The RADIUS settings as `ispdesk_core::radius::settings` reads them: the value is
    /// JSON text; anything unreadable means the defaults.
    pub fn radius_settings(&self) -> RadiusSettings {
        match &self.value {
            Value::String(text) => serde_json::from_str(text).unwrap_or_default(),
            other => serde_json::from_value(other.clone()).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn sqlite_flags_and_integers_decode() {
        let router: RouterRow = decode(&map(json!({
            "id": "r", "address": "10.0.0.1", "short_name": "r1", "name": "Router",
            "provisioning_mode": "radius", "is_active": 1, "rev": 2
        })))
        .unwrap();
        assert!(router.is_active);
        let err = decode::<RouterRow>(&map(json!({ "address": 5 }))).unwrap_err();
        assert!(err.contains("invalid type"), "{err}");
    }

    #[test]
    fn a_plan_reads_as_the_desktop_reads_it() {
        let plan = decode::<PlanRow>(&map(json!({
            "id": "01936d3e-5f2a-7cc1-8000-000000000001", "name": "10M", "code": "PPP-10M",
            "service_type": "pppoe", "price": 150000, "reseller_price": null,
            "validity_value": 1, "validity_unit": "months", "bandwidth_profile_id": null,
            "quota_bytes": null, "shared_users": 2, "profile_name": "p10", "is_active": 1,
            "description": ""
        })))
        .unwrap()
        .plan()
        .unwrap();
        assert_eq!(plan.service_type, ServiceType::Pppoe);
        assert_eq!(plan.validity.unit, ValidityUnit::Months);
        assert_eq!(plan.shared_users, 2);
    }

    #[test]
    fn radius_settings_fall_back_to_defaults() {
        let s = SettingsRow {
            value: json!(
                "{\"isolir_enabled\":true,\"isolir_rate_limit\":\"64k/64k\",\"isolir_address_list\":\"iso\",\"interim_interval_s\":120}"
            ),
        };
        assert!(s.radius_settings().isolir_enabled);
        let bad = SettingsRow {
            value: json!("not json"),
        };
        assert_eq!(bad.radius_settings(), RadiusSettings::default());
    }
}
