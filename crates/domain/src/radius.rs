//! RADIUS rows as derived state: what FreeRADIUS must find in `radcheck`, `radreply`,
//! `radusergroup`, `radgroupcheck`, `radgroupreply` and `nas` for a customer, a plan, the
//! isolir group and a router. Pure functions; `ispdesk-core` writes their output in the
//! same transaction as the change that caused it, and the platform derives the same rows
//! from the same synced records.
//!
//! Choices, each checked against Debian's FreeRADIUS 3.2.1:
//! - A plan is a RADIUS group (`plan-<code>`): its rate limit, `Simultaneous-Use` and
//!   `Mikrotik-Group` live once in `radgroup*`, so changing a plan touches one group, not
//!   every customer.
//! - `Expiration` is written as Unix seconds. FreeRADIUS parses `Dec 31 2030 23:59:59` in
//!   the server's local zone and ignores a `UTC` suffix; the number means the same
//!   everywhere. The `expiration` module rejects after it and caps `Session-Timeout` to
//!   the time left.
//! - Quotas are written by the app as `Mikrotik-Total-Limit` (low 32 bits of the bytes
//!   left) and `Mikrotik-Total-Limit-Gigawords` (the high bits): sqlcounter truncates values
//!   above 4 GiB.
//! - A customer who must not connect gets `Auth-Type := Reject` (and keeps the password
//!   row, so the derived tables can restore the sealed copies); a suspended one, when the
//!   ISP uses isolir, is accepted into the `isolir` group instead, which puts the address
//!   in the `isolir` address list at a minimal rate so the router can redirect to a
//!   payment page.

use crate::bandwidth::BandwidthProfile;
use crate::customer::CustomerStatus;
use crate::plan::ServicePlan;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One row of radcheck/radreply/radgroupcheck/radgroupreply.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RadAttr {
    pub attribute: &'static str,
    pub op: &'static str,
    pub value: String,
}

impl RadAttr {
    fn set(attribute: &'static str, value: impl ToString) -> Self {
        RadAttr {
            attribute,
            op: ":=",
            value: value.to_string(),
        }
    }
}

/// Everything FreeRADIUS holds for one user name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UserRows {
    pub check: Vec<RadAttr>,
    pub reply: Vec<RadAttr>,
    /// (group, priority)
    pub groups: Vec<(String, i64)>,
}

/// Everything FreeRADIUS holds for one group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupRows {
    pub check: Vec<RadAttr>,
    pub reply: Vec<RadAttr>,
}

/// One row of `nas`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct NasRow {
    pub nasname: String,
    pub shortname: String,
    pub secret: String,
    pub description: String,
}

/// The ISP's RADIUS settings (synced: both sides derive the same rows).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RadiusSettings {
    /// Accept suspended customers into the isolir group instead of rejecting them.
    pub isolir_enabled: bool,
    /// The rate-limit isolated customers get, e.g. `128k/128k`.
    pub isolir_rate_limit: String,
    /// The firewall address list isolated customers' addresses join.
    pub isolir_address_list: String,
    /// How often routers send interim accounting, in seconds.
    pub interim_interval_s: u32,
}

impl Default for RadiusSettings {
    fn default() -> Self {
        RadiusSettings {
            isolir_enabled: false,
            isolir_rate_limit: "128k/128k".into(),
            isolir_address_list: "isolir".into(),
            interim_interval_s: 300,
        }
    }
}

pub const ISOLIR_GROUP: &str = "isolir";

/// The RADIUS group of a plan: `plan-` and the plan's code in lower case (codes are
/// unique regardless of case, and RADIUS group names compare exactly).
pub fn plan_group(code: &str) -> String {
    format!("plan-{}", code.to_ascii_lowercase())
}

/// `Expiration` as FreeRADIUS's `expiration` module reads it, independent of time zones.
pub fn expiration_value(at: DateTime<Utc>) -> String {
    at.timestamp().to_string()
}

/// The plan's group: shared users, speed, router profile, interim interval.
pub fn plan_group_rows(
    plan: &ServicePlan,
    bandwidth: Option<&BandwidthProfile>,
    settings: &RadiusSettings,
) -> GroupRows {
    let mut rows = GroupRows::default();
    rows.check
        .push(RadAttr::set("Simultaneous-Use", plan.shared_users));
    if let Some(bw) = bandwidth {
        rows.reply
            .push(RadAttr::set("Mikrotik-Rate-Limit", bw.rate_limit()));
    }
    if !plan.profile_name.is_empty() {
        rows.reply
            .push(RadAttr::set("Mikrotik-Group", &plan.profile_name));
    }
    rows.reply.push(RadAttr::set(
        "Acct-Interim-Interval",
        settings.interim_interval_s,
    ));
    rows
}

/// The isolir group, present whether or not isolir is in use (no one is in it otherwise).
pub fn isolir_group_rows(settings: &RadiusSettings) -> GroupRows {
    GroupRows {
        check: vec![RadAttr::set("Simultaneous-Use", 1)],
        reply: vec![
            RadAttr::set("Mikrotik-Address-List", &settings.isolir_address_list),
            RadAttr::set("Mikrotik-Rate-Limit", &settings.isolir_rate_limit),
            RadAttr::set("Acct-Interim-Interval", settings.interim_interval_s),
        ],
    }
}

/// The address pool and session timeout a customer's router gives their plan's profile.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouterProfile {
    pub pool_name: Option<String>,
    pub session_timeout_s: Option<u32>,
}

/// What user-row derivation needs to know about a customer.
#[derive(Clone, Debug)]
pub struct CustomerFacts<'a> {
    pub status: CustomerStatus,
    pub password: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
    /// The plan, if the customer has one.
    pub plan: Option<&'a ServicePlan>,
    /// The customer's router's profile named by the plan, if both exist.
    pub router_profile: Option<RouterProfile>,
    /// Bytes used so far (accounting), for the quota.
    pub used_bytes: u64,
}

/// Refused whatever the password. The password row stays: with it the derived tables
/// still hold every subscriber's password when the app's sealed copy cannot be opened
/// (a database restored on another machine, see `ispdesk_core::secrets`).
fn reject(password: RadAttr) -> UserRows {
    UserRows {
        check: vec![password, RadAttr::set("Auth-Type", "Reject")],
        ..UserRows::default()
    }
}

/// A customer's rows.
pub fn user_rows(c: &CustomerFacts<'_>, settings: &RadiusSettings) -> UserRows {
    let password = RadAttr::set("Cleartext-Password", c.password);
    let expiration = c
        .expires_at
        .map(|at| RadAttr::set("Expiration", expiration_value(at)));
    match (c.status, c.plan) {
        (CustomerStatus::Active, Some(plan)) => {
            let mut rows = UserRows::default();
            if let Some(quota) = plan.quota_bytes {
                let left = quota.saturating_sub(c.used_bytes);
                if left == 0 {
                    return reject(password);
                }
                rows.reply
                    .push(RadAttr::set("Mikrotik-Total-Limit", left & 0xFFFF_FFFF));
                rows.reply
                    .push(RadAttr::set("Mikrotik-Total-Limit-Gigawords", left >> 32));
            }
            rows.check.push(password);
            rows.check.extend(expiration);
            if let Some(profile) = &c.router_profile {
                if let Some(pool) = &profile.pool_name {
                    rows.reply.push(RadAttr::set("Framed-Pool", pool));
                }
                if let Some(timeout) = profile.session_timeout_s.filter(|t| *t > 0) {
                    rows.reply.push(RadAttr::set("Session-Timeout", timeout));
                }
            }
            rows.groups.push((plan_group(&plan.code), 1));
            rows
        }
        (CustomerStatus::Suspended, _) if settings.isolir_enabled => UserRows {
            check: vec![password],
            reply: Vec::new(),
            groups: vec![(ISOLIR_GROUP.to_owned(), 1)],
        },
        _ => reject(password),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bandwidth::{BandwidthInput, validate_bandwidth};
    use crate::ids::{BandwidthProfileId, PlanId};
    use crate::plan::{ServiceType, Validity, ValidityUnit};
    use chrono::TimeZone;

    fn plan(quota: Option<u64>) -> ServicePlan {
        ServicePlan {
            id: PlanId::new(),
            name: "PPPoE 10M".into(),
            code: "PPP-10M".into(),
            service_type: ServiceType::Pppoe,
            price: 150_000,
            reseller_price: None,
            validity: Validity {
                value: 1,
                unit: ValidityUnit::Months,
            },
            bandwidth_profile_id: None,
            quota_bytes: quota,
            shared_users: 1,
            profile_name: "pppoe-10m".into(),
            is_active: true,
            description: String::new(),
        }
    }

    fn facts<'a>(status: CustomerStatus, plan: &'a ServicePlan, used: u64) -> CustomerFacts<'a> {
        CustomerFacts {
            status,
            password: "rahasia",
            expires_at: Some(Utc.with_ymd_and_hms(2026, 12, 23, 17, 0, 0).unwrap()),
            plan: Some(plan),
            router_profile: Some(RouterProfile {
                pool_name: Some("pool-pppoe".into()),
                session_timeout_s: Some(0),
            }),
            used_bytes: used,
        }
    }

    fn rejected() -> UserRows {
        reject(RadAttr::set("Cleartext-Password", "rahasia"))
    }

    fn attr(rows: &[RadAttr], name: &str) -> Option<String> {
        rows.iter()
            .find(|a| a.attribute == name)
            .map(|a| a.value.clone())
    }

    #[test]
    fn an_active_customer() {
        let p = plan(None);
        let rows = user_rows(
            &facts(CustomerStatus::Active, &p, 0),
            &RadiusSettings::default(),
        );
        assert_eq!(
            attr(&rows.check, "Cleartext-Password").as_deref(),
            Some("rahasia")
        );
        assert_eq!(
            attr(&rows.check, "Expiration").as_deref(),
            Some("1798045200")
        );
        assert_eq!(
            attr(&rows.reply, "Framed-Pool").as_deref(),
            Some("pool-pppoe")
        );
        assert_eq!(
            attr(&rows.reply, "Session-Timeout"),
            None,
            "0 means no timeout"
        );
        assert_eq!(rows.groups, [("plan-ppp-10m".to_owned(), 1)]);
    }

    #[test]
    fn a_ten_gib_quota_is_split_into_gigawords() {
        let p = plan(Some(10 * (1 << 30)));
        let rows = user_rows(
            &facts(CustomerStatus::Active, &p, 0),
            &RadiusSettings::default(),
        );
        assert_eq!(
            attr(&rows.reply, "Mikrotik-Total-Limit").as_deref(),
            Some("2147483648")
        );
        assert_eq!(
            attr(&rows.reply, "Mikrotik-Total-Limit-Gigawords").as_deref(),
            Some("2")
        );
        let used = user_rows(
            &facts(CustomerStatus::Active, &p, 3 * (1 << 30) + 5),
            &RadiusSettings::default(),
        );
        let left = 7u64 * (1 << 30) - 5;
        assert_eq!(
            attr(&used.reply, "Mikrotik-Total-Limit"),
            Some((left & 0xFFFF_FFFF).to_string())
        );
        assert_eq!(
            attr(&used.reply, "Mikrotik-Total-Limit-Gigawords").as_deref(),
            Some("1")
        );
        let spent = user_rows(
            &facts(CustomerStatus::Active, &p, 10 * (1 << 30)),
            &RadiusSettings::default(),
        );
        assert_eq!(spent, rejected());
    }

    #[test]
    fn suspended_expired_and_inactive_are_rejected_unless_isolir() {
        let p = plan(None);
        for status in [
            CustomerStatus::Suspended,
            CustomerStatus::Expired,
            CustomerStatus::Inactive,
        ] {
            assert_eq!(
                user_rows(&facts(status, &p, 0), &RadiusSettings::default()),
                rejected()
            );
        }
        let isolir = RadiusSettings {
            isolir_enabled: true,
            ..RadiusSettings::default()
        };
        let rows = user_rows(&facts(CustomerStatus::Suspended, &p, 0), &isolir);
        assert_eq!(rows.groups, [(ISOLIR_GROUP.to_owned(), 1)]);
        assert_eq!(
            attr(&rows.check, "Cleartext-Password").as_deref(),
            Some("rahasia")
        );
        assert_eq!(
            user_rows(&facts(CustomerStatus::Expired, &p, 0), &isolir),
            rejected()
        );
        let no_plan = CustomerFacts {
            plan: None,
            ..facts(CustomerStatus::Active, &p, 0)
        };
        assert_eq!(user_rows(&no_plan, &isolir), rejected());
    }

    #[test]
    fn the_plan_group_carries_speed_and_shared_users() {
        let bw = validate_bandwidth(
            BandwidthProfileId::new(),
            &BandwidthInput {
                name: "10M".into(),
                rate_up: "5M".into(),
                rate_down: "10M".into(),
                ..Default::default()
            },
        )
        .unwrap();
        let mut p = plan(None);
        p.shared_users = 3;
        let rows = plan_group_rows(&p, Some(&bw), &RadiusSettings::default());
        assert_eq!(attr(&rows.check, "Simultaneous-Use").as_deref(), Some("3"));
        assert_eq!(
            attr(&rows.reply, "Mikrotik-Rate-Limit").as_deref(),
            Some("5M/10M")
        );
        assert_eq!(
            attr(&rows.reply, "Mikrotik-Group").as_deref(),
            Some("pppoe-10m")
        );
        let isolir = isolir_group_rows(&RadiusSettings::default());
        assert_eq!(
            attr(&isolir.reply, "Mikrotik-Address-List").as_deref(),
            Some("isolir")
        );
        assert_eq!(
            attr(&isolir.reply, "Mikrotik-Rate-Limit").as_deref(),
            Some("128k/128k")
        );
    }
}
