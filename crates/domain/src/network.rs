//! PPPoE and hotspot profiles and servers, per router: what a router hands a connecting
//! subscriber (address pool, speed, DNS, timeouts) and where it listens for them.

use crate::ids::{
    BandwidthProfileId, HotspotProfileId, HotspotServerId, IpPoolId, PppoeProfileId, PppoeServerId,
    RouterId,
};
use crate::ip_pool::check_router_name;
use crate::validation::{FieldError, ValidationCode, Validator};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PppoeProfile {
    pub id: PppoeProfileId,
    pub router_id: RouterId,
    pub name: String,
    pub ip_pool_id: Option<IpPoolId>,
    pub bandwidth_profile_id: Option<BandwidthProfileId>,
    pub local_address: String,
    /// Comma-separated IPv4 addresses.
    pub dns_servers: String,
    pub session_timeout_s: Option<u32>,
    pub shared_users: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct HotspotProfile {
    pub id: HotspotProfileId,
    pub router_id: RouterId,
    pub name: String,
    pub ip_pool_id: Option<IpPoolId>,
    pub bandwidth_profile_id: Option<BandwidthProfileId>,
    pub shared_users: u32,
    pub session_timeout_s: Option<u32>,
    pub dns_name: String,
}

/// The fields of a PPPoE or hotspot (user) profile form. Hotspot profiles ignore
/// `local_address` and `dns_servers`; PPPoE profiles ignore `dns_name`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ProfileInput {
    pub router_id: String,
    pub name: String,
    pub ip_pool_id: String,
    pub bandwidth_profile_id: String,
    pub local_address: String,
    pub dns_servers: String,
    /// `1h`, `30m`, `1d12h`, `3600` (seconds); empty = none.
    pub session_timeout: String,
    pub shared_users: String,
    pub dns_name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PppoeServer {
    pub id: PppoeServerId,
    pub router_id: RouterId,
    pub service_name: String,
    pub interface: String,
    pub default_profile_id: Option<PppoeProfileId>,
    /// Any of `pap`, `chap`, `mschap1`, `mschap2`, comma-separated.
    pub authentication: String,
    pub one_session_per_host: bool,
    pub is_active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct HotspotServer {
    pub id: HotspotServerId,
    pub router_id: RouterId,
    pub name: String,
    pub interface: String,
    pub ip_pool_id: Option<IpPoolId>,
    pub profile_id: Option<HotspotProfileId>,
    pub is_active: bool,
}

/// The fields of a PPPoE or hotspot server form (`name` is the PPPoE service name).
#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ServerInput {
    pub router_id: String,
    pub name: String,
    pub interface: String,
    pub profile_id: String,
    pub ip_pool_id: String,
    pub authentication: String,
    pub one_session_per_host: bool,
    pub is_active: bool,
}

/// Parses a RouterOS-style duration into seconds: `1w2d3h4m5s`, `01:22:53`, `3600`.
pub fn parse_duration_s(text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    if text.contains(':') {
        let parts: Vec<u32> = text
            .split(':')
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        return match parts.as_slice() {
            [h, m, s] if *m < 60 && *s < 60 => h.checked_mul(3600)?.checked_add(m * 60 + s),
            [m, s] if *s < 60 => m.checked_mul(60)?.checked_add(*s),
            _ => None,
        };
    }
    let mut total: u32 = 0;
    let mut number = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            'w' => 604_800,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u32 = number.parse().ok()?;
        number.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    number.is_empty().then_some(total)
}

/// Formats seconds as RouterOS does: `1d12h`, `30m`, `45s`.
pub fn format_duration_s(seconds: u32) -> String {
    if seconds == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    let mut rest = seconds;
    for (unit, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// The lookups profile and server validation needs from the database.
pub struct NetworkLookup<'a> {
    /// The router a pool belongs to.
    pub pool_router: &'a dyn Fn(IpPoolId) -> Option<RouterId>,
    pub bandwidth_exists: &'a dyn Fn(BandwidthProfileId) -> bool,
    pub router_exists: &'a dyn Fn(RouterId) -> bool,
    /// Whether another item of the same kind on the router has this name.
    pub name_taken: &'a dyn Fn(RouterId, &str) -> bool,
}

fn router(v: &mut Validator, text: &str, look: &NetworkLookup<'_>) -> Option<RouterId> {
    match text
        .trim()
        .parse::<RouterId>()
        .ok()
        .filter(|id| (look.router_exists)(*id))
    {
        Some(id) => Some(id),
        None => {
            v.push(FieldError::new(
                "router_id",
                if text.trim().is_empty() {
                    ValidationCode::Required
                } else {
                    ValidationCode::NotFound
                },
            ));
            None
        }
    }
}

fn pool(
    v: &mut Validator,
    text: &str,
    router: Option<RouterId>,
    look: &NetworkLookup<'_>,
) -> Option<IpPoolId> {
    if text.trim().is_empty() {
        return None;
    }
    match text
        .trim()
        .parse::<IpPoolId>()
        .ok()
        .and_then(|id| (look.pool_router)(id).map(|r| (id, r)))
    {
        Some((id, pool_router)) => {
            if router.is_some_and(|r| r != pool_router) {
                v.push(FieldError::new("ip_pool_id", ValidationCode::OtherRouter));
            }
            Some(id)
        }
        None => {
            v.push(FieldError::new("ip_pool_id", ValidationCode::NotFound));
            None
        }
    }
}

fn routeros_name(v: &mut Validator, field: &str, text: &str) -> String {
    let name = text.trim().to_owned();
    if let Some(e) = check_router_name(field, &name) {
        v.push(e);
    }
    name
}

fn shared_users(v: &mut Validator, text: &str) -> u32 {
    match text.trim() {
        "" => 1,
        t => match t.parse::<u32>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                v.push(
                    FieldError::new("shared_users", ValidationCode::OutOfRange)
                        .with("min", 1)
                        .with("max", 100),
                );
                1
            }
        },
    }
}

struct CommonProfile {
    router_id: RouterId,
    name: String,
    ip_pool_id: Option<IpPoolId>,
    bandwidth_profile_id: Option<BandwidthProfileId>,
    session_timeout_s: Option<u32>,
    shared_users: u32,
}

fn common_profile(
    v: &mut Validator,
    input: &ProfileInput,
    look: &NetworkLookup<'_>,
) -> CommonProfile {
    let router_id = router(v, &input.router_id, look);
    let name = routeros_name(v, "name", &input.name);
    if let Some(r) = router_id
        && !name.is_empty()
        && (look.name_taken)(r, &name)
    {
        v.push(FieldError::new("name", ValidationCode::AlreadyUsed));
    }
    let ip_pool_id = pool(v, &input.ip_pool_id, router_id, look);
    let bandwidth_profile_id = match input.bandwidth_profile_id.trim() {
        "" => None,
        t => match t
            .parse::<BandwidthProfileId>()
            .ok()
            .filter(|id| (look.bandwidth_exists)(*id))
        {
            Some(id) => Some(id),
            None => {
                v.push(FieldError::new(
                    "bandwidth_profile_id",
                    ValidationCode::NotFound,
                ));
                None
            }
        },
    };
    let session_timeout_s = match input.session_timeout.trim() {
        "" => None,
        t => match parse_duration_s(t) {
            Some(s) => Some(s),
            None => {
                v.push(FieldError::new(
                    "session_timeout",
                    ValidationCode::InvalidNumber,
                ));
                None
            }
        },
    };
    let shared_users = shared_users(v, &input.shared_users);
    CommonProfile {
        router_id: router_id.unwrap_or_else(|| RouterId(uuid::Uuid::nil())),
        name,
        ip_pool_id,
        bandwidth_profile_id,
        session_timeout_s,
        shared_users,
    }
}

pub fn validate_pppoe_profile(
    id: PppoeProfileId,
    input: &ProfileInput,
    look: &NetworkLookup<'_>,
) -> Result<PppoeProfile, Vec<FieldError>> {
    let mut v = Validator::new();
    let c = common_profile(&mut v, input, look);
    let local_address = input.local_address.trim().to_owned();
    if !local_address.is_empty() && local_address.parse::<Ipv4Addr>().is_err() {
        v.push(FieldError::new(
            "local_address",
            ValidationCode::InvalidAddress,
        ));
    }
    let dns: Vec<&str> = input
        .dns_servers
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if dns.len() > 2 || dns.iter().any(|d| d.parse::<Ipv4Addr>().is_err()) {
        v.push(FieldError::new(
            "dns_servers",
            ValidationCode::InvalidAddress,
        ));
    }
    v.finish().map(|()| PppoeProfile {
        id,
        router_id: c.router_id,
        name: c.name,
        ip_pool_id: c.ip_pool_id,
        bandwidth_profile_id: c.bandwidth_profile_id,
        local_address,
        dns_servers: dns.join(","),
        session_timeout_s: c.session_timeout_s,
        shared_users: c.shared_users,
    })
}

pub fn validate_hotspot_profile(
    id: HotspotProfileId,
    input: &ProfileInput,
    look: &NetworkLookup<'_>,
) -> Result<HotspotProfile, Vec<FieldError>> {
    let mut v = Validator::new();
    let c = common_profile(&mut v, input, look);
    let dns_name = input.dns_name.trim().to_owned();
    if !dns_name.is_empty() && crate::router::check_address("dns_name", &dns_name).is_some() {
        v.push(FieldError::new("dns_name", ValidationCode::InvalidAddress));
    }
    v.finish().map(|()| HotspotProfile {
        id,
        router_id: c.router_id,
        name: c.name,
        ip_pool_id: c.ip_pool_id,
        bandwidth_profile_id: c.bandwidth_profile_id,
        shared_users: c.shared_users,
        session_timeout_s: c.session_timeout_s,
        dns_name,
    })
}

const AUTH_METHODS: [&str; 4] = ["pap", "chap", "mschap1", "mschap2"];

/// `profile_router` gives the router of a (PPPoE or hotspot, as fits) profile.
pub fn validate_pppoe_server(
    id: PppoeServerId,
    input: &ServerInput,
    look: &NetworkLookup<'_>,
    profile_router: &dyn Fn(PppoeProfileId) -> Option<RouterId>,
) -> Result<PppoeServer, Vec<FieldError>> {
    let mut v = Validator::new();
    let router_id = router(&mut v, &input.router_id, look);
    let service_name = routeros_name(&mut v, "name", &input.name);
    if let Some(r) = router_id
        && !service_name.is_empty()
        && (look.name_taken)(r, &service_name)
    {
        v.push(FieldError::new("name", ValidationCode::AlreadyUsed));
    }
    let interface = routeros_name(&mut v, "interface", &input.interface);
    let default_profile_id = match input.profile_id.trim() {
        "" => None,
        t => match t
            .parse::<PppoeProfileId>()
            .ok()
            .and_then(|p| profile_router(p).map(|r| (p, r)))
        {
            Some((p, r)) => {
                if router_id.is_some_and(|own| own != r) {
                    v.push(FieldError::new("profile_id", ValidationCode::OtherRouter));
                }
                Some(p)
            }
            None => {
                v.push(FieldError::new("profile_id", ValidationCode::NotFound));
                None
            }
        },
    };
    let methods: Vec<String> = input
        .authentication
        .split([',', ' '])
        .map(|m| m.trim().to_ascii_lowercase())
        .filter(|m| !m.is_empty())
        .collect();
    let authentication = if methods.is_empty() {
        AUTH_METHODS.join(",")
    } else if methods.iter().all(|m| AUTH_METHODS.contains(&m.as_str())) {
        AUTH_METHODS
            .iter()
            .filter(|m| methods.iter().any(|x| x == *m))
            .copied()
            .collect::<Vec<_>>()
            .join(",")
    } else {
        v.push(
            FieldError::new("authentication", ValidationCode::InvalidChoice)
                .with("allowed", AUTH_METHODS.join(", ")),
        );
        String::new()
    };
    v.finish().map(|()| PppoeServer {
        id,
        router_id: router_id.unwrap_or_else(|| RouterId(uuid::Uuid::nil())),
        service_name,
        interface,
        default_profile_id,
        authentication,
        one_session_per_host: input.one_session_per_host,
        is_active: input.is_active,
    })
}

pub fn validate_hotspot_server(
    id: HotspotServerId,
    input: &ServerInput,
    look: &NetworkLookup<'_>,
    profile_router: &dyn Fn(HotspotProfileId) -> Option<RouterId>,
) -> Result<HotspotServer, Vec<FieldError>> {
    let mut v = Validator::new();
    let router_id = router(&mut v, &input.router_id, look);
    let name = routeros_name(&mut v, "name", &input.name);
    if let Some(r) = router_id
        && !name.is_empty()
        && (look.name_taken)(r, &name)
    {
        v.push(FieldError::new("name", ValidationCode::AlreadyUsed));
    }
    let interface = routeros_name(&mut v, "interface", &input.interface);
    let ip_pool_id = pool(&mut v, &input.ip_pool_id, router_id, look);
    let profile_id = match input.profile_id.trim() {
        "" => None,
        t => match t
            .parse::<HotspotProfileId>()
            .ok()
            .and_then(|p| profile_router(p).map(|r| (p, r)))
        {
            Some((p, r)) => {
                if router_id.is_some_and(|own| own != r) {
                    v.push(FieldError::new("profile_id", ValidationCode::OtherRouter));
                }
                Some(p)
            }
            None => {
                v.push(FieldError::new("profile_id", ValidationCode::NotFound));
                None
            }
        },
    };
    v.finish().map(|()| HotspotServer {
        id,
        router_id: router_id.unwrap_or_else(|| RouterId(uuid::Uuid::nil())),
        name,
        interface,
        ip_pool_id,
        profile_id,
        is_active: input.is_active,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("3600", Some(3600))]
    #[case("1h", Some(3600))]
    #[case("1d12h", Some(129_600))]
    #[case("1w2d3h4m5s", Some(788_645))]
    #[case("01:22:53", Some(4973))]
    #[case("5x", None)]
    #[case("1h30", None)]
    fn durations(#[case] text: &str, #[case] expected: Option<u32>) {
        assert_eq!(parse_duration_s(text), expected);
        if let Some(s) = expected {
            assert_eq!(parse_duration_s(&format_duration_s(s)), Some(s));
        }
    }

    #[test]
    fn a_pool_of_another_router_is_refused() {
        let mine = RouterId::new();
        let theirs = RouterId::new();
        let pool_id = IpPoolId::new();
        let look = NetworkLookup {
            pool_router: &|_| Some(theirs),
            bandwidth_exists: &|_| true,
            router_exists: &|_| true,
            name_taken: &|_, n| n == "taken",
        };
        let input = ProfileInput {
            router_id: mine.to_string(),
            name: "taken".into(),
            ip_pool_id: pool_id.to_string(),
            local_address: "10.0.0.1".into(),
            dns_servers: "8.8.8.8, 1.1.1.1".into(),
            session_timeout: "1d".into(),
            ..Default::default()
        };
        let errors: Vec<_> = validate_pppoe_profile(PppoeProfileId::new(), &input, &look)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            [
                ("name".into(), ValidationCode::AlreadyUsed),
                ("ip_pool_id".into(), ValidationCode::OtherRouter)
            ]
        );
        let ok = ProfileInput {
            name: "pppoe-10m".into(),
            ip_pool_id: String::new(),
            ..input
        };
        let profile = validate_pppoe_profile(PppoeProfileId::new(), &ok, &look).unwrap();
        assert_eq!(profile.dns_servers, "8.8.8.8,1.1.1.1");
        assert_eq!(profile.session_timeout_s, Some(86_400));
    }

    #[test]
    fn authentication_methods_are_normalised() {
        let look = NetworkLookup {
            pool_router: &|_| None,
            bandwidth_exists: &|_| true,
            router_exists: &|_| true,
            name_taken: &|_, _| false,
        };
        let input = ServerInput {
            router_id: RouterId::new().to_string(),
            name: "pppoe-rw05".into(),
            interface: "ether2".into(),
            authentication: "MSCHAP2, pap".into(),
            ..Default::default()
        };
        let server = validate_pppoe_server(PppoeServerId::new(), &input, &look, &|_| None).unwrap();
        assert_eq!(server.authentication, "pap,mschap2");
    }
}
