//! Routers (NAS): the MikroTik devices the ISP runs, how the app reaches their API, and
//! how they authenticate subscribers.

use crate::ids::RouterId;
use crate::ip_pool::check_router_name;
use crate::validation::{FieldError, ValidationCode, Validator};
use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;

/// How a router's subscribers are provisioned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProvisioningMode {
    /// The router asks FreeRADIUS, which reads the RADIUS tables.
    Radius,
    /// The app writes PPP secrets, hotspot users and queues onto the router itself.
    Api,
}

impl ProvisioningMode {
    pub fn as_str(self) -> &'static str {
        match self {
            ProvisioningMode::Radius => "radius",
            ProvisioningMode::Api => "api",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "radius" => Some(ProvisioningMode::Radius),
            "api" => Some(ProvisioningMode::Api),
            _ => None,
        }
    }
}

/// A router as the UI sees it. Secrets never leave the core in clear after saving: the UI
/// only learns whether one is set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Router {
    pub id: RouterId,
    pub name: String,
    pub short_name: String,
    /// IPv4 address or host name the router is reached at (and sends RADIUS from).
    pub address: String,
    pub api_username: String,
    pub api_port: u16,
    pub api_tls: bool,
    pub provisioning_mode: ProvisioningMode,
    pub is_active: bool,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub description: String,
    pub has_radius_secret: bool,
    pub has_api_password: bool,
}

/// What the owner types. An empty `radius_secret` or `api_password` on an edit keeps the
/// saved one.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterInput {
    pub name: String,
    pub short_name: String,
    pub address: String,
    pub radius_secret: String,
    pub api_username: String,
    pub api_password: String,
    pub api_port: String,
    pub api_tls: bool,
    pub provisioning_mode: String,
    pub is_active: bool,
    pub latitude: String,
    pub longitude: String,
    pub description: String,
}

/// A validated router and the secrets typed with it (if any).
#[derive(Clone, Debug)]
pub struct ValidRouter {
    pub router: Router,
    pub radius_secret: Option<String>,
    pub api_password: Option<String>,
}

/// An IPv4 address, an IPv4 prefix (`10.8.0.0/24`, for routers behind a tunnel range) or a
/// DNS name.
pub fn check_address(field: &str, address: &str) -> Option<FieldError> {
    if address.is_empty() {
        return Some(FieldError::new(field, ValidationCode::Required));
    }
    if address.parse::<Ipv4Addr>().is_ok() {
        return None;
    }
    if let Some((ip, bits)) = address.split_once('/')
        && ip.parse::<Ipv4Addr>().is_ok()
        && bits.parse::<u8>().is_ok_and(|b| b <= 32)
    {
        return None;
    }
    let looks_numeric = address.chars().all(|c| c.is_ascii_digit() || c == '.');
    let hostname = !looks_numeric
        && address.len() <= 253
        && address.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    (!hostname).then(|| FieldError::new(field, ValidationCode::InvalidAddress))
}

/// A RADIUS shared secret as MikroTik and FreeRADIUS both accept it: printable ASCII
/// without spaces or quotes, at most 60 characters (`nas.secret` is `varchar(60)`).
fn check_secret(field: &str, secret: &str) -> Option<FieldError> {
    if secret.chars().count() > 60 {
        return Some(FieldError::new(field, ValidationCode::TooLong).with("max", 60));
    }
    if secret.len() < 6 {
        return Some(FieldError::new(field, ValidationCode::TooShort).with("min", 6));
    }
    if !secret
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '\\'))
    {
        return Some(FieldError::new(field, ValidationCode::InvalidChoice).with(
            "allowed",
            "A-Z a-z 0-9 ! # $ % & ( ) * + , - . / : ; < = > ? @ [ ] ^ _ ` { | } ~",
        ));
    }
    None
}

fn coordinate(v: &mut Validator, field: &str, text: &str, limit: f64) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    if text.is_empty() {
        return None;
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
        _ => {
            v.push(
                FieldError::new(field, ValidationCode::OutOfRange)
                    .with("min", -limit)
                    .with("max", limit),
            );
            None
        }
    }
}

/// Validates a router. `existing` is the saved router when editing (secrets may then be
/// left empty to keep them); `short_name_taken` says whether another router already uses
/// the short name.
pub fn validate_router(
    id: RouterId,
    input: &RouterInput,
    existing: Option<&Router>,
    short_name_taken: bool,
) -> Result<ValidRouter, Vec<FieldError>> {
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 64);
    let short_name = input.short_name.trim().to_owned();
    if let Some(e) = check_router_name("short_name", &short_name) {
        v.push(e);
    } else if short_name.chars().count() > 32 {
        v.push(FieldError::new("short_name", ValidationCode::TooLong).with("max", 32));
    } else if short_name_taken {
        v.push(FieldError::new("short_name", ValidationCode::AlreadyUsed));
    }
    let address = input.address.trim().to_owned();
    if let Some(e) = check_address("address", &address) {
        v.push(e);
    }
    let mode = ProvisioningMode::parse(&input.provisioning_mode);
    if mode.is_none() {
        v.push(
            FieldError::new("provisioning_mode", ValidationCode::InvalidChoice)
                .with("allowed", "radius, api"),
        );
    }
    let radius_secret = input.radius_secret.trim().to_owned();
    let keeps_secret = existing.is_some_and(|r| r.has_radius_secret);
    if radius_secret.is_empty() {
        if mode == Some(ProvisioningMode::Radius) && !keeps_secret {
            v.push(FieldError::new("radius_secret", ValidationCode::Required));
        }
    } else if let Some(e) = check_secret("radius_secret", &radius_secret) {
        v.push(e);
    }
    let api_username = v.optional_text("api_username", &input.api_username, 64);
    if mode == Some(ProvisioningMode::Api) && api_username.is_empty() {
        v.push(FieldError::new("api_username", ValidationCode::Required));
    }
    let api_password = input.api_password.clone();
    if api_password.chars().count() > 128 {
        v.push(FieldError::new("api_password", ValidationCode::TooLong).with("max", 128));
    }
    let default_port = if input.api_tls { 8729 } else { 8728 };
    let api_port = match input.api_port.trim() {
        "" => default_port,
        text => match text.parse::<u16>() {
            Ok(p) if p > 0 => p,
            _ => {
                v.push(
                    FieldError::new("api_port", ValidationCode::OutOfRange)
                        .with("min", 1)
                        .with("max", 65535),
                );
                default_port
            }
        },
    };
    let latitude = coordinate(&mut v, "latitude", &input.latitude, 90.0);
    let longitude = coordinate(&mut v, "longitude", &input.longitude, 180.0);
    if latitude.is_some() != longitude.is_some() {
        let missing = if latitude.is_none() {
            "latitude"
        } else {
            "longitude"
        };
        if input.latitude.trim().is_empty() || input.longitude.trim().is_empty() {
            v.push(FieldError::new(missing, ValidationCode::Required));
        }
    }
    let description = v.optional_text("description", &input.description, 500);
    v.finish().map(|()| ValidRouter {
        router: Router {
            id,
            name,
            short_name,
            address,
            api_username,
            api_port,
            api_tls: input.api_tls,
            provisioning_mode: mode.unwrap_or(ProvisioningMode::Radius),
            is_active: input.is_active,
            latitude,
            longitude,
            description,
            has_radius_secret: keeps_secret || !radius_secret.is_empty(),
            has_api_password: existing.is_some_and(|r| r.has_api_password)
                || !api_password.is_empty(),
        },
        radius_secret: (!radius_secret.is_empty()).then_some(radius_secret),
        api_password: (!api_password.is_empty()).then_some(api_password),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    pub fn input() -> RouterInput {
        RouterInput {
            name: "Router Pusat".into(),
            short_name: "pusat".into(),
            address: "192.168.88.1".into(),
            radius_secret: "rahasia-radius".into(),
            api_username: "ispdesk".into(),
            api_password: "api-pass".into(),
            api_port: "".into(),
            api_tls: false,
            provisioning_mode: "radius".into(),
            is_active: true,
            latitude: "-7,7956".into(),
            longitude: "110.3695".into(),
            description: "".into(),
        }
    }

    #[rstest]
    #[case("192.168.88.1", true)]
    #[case("10.8.0.0/24", true)]
    #[case("router1.berkah.net", true)]
    #[case("192.168.88.300", false)]
    #[case("10.8.0.0/40", false)]
    #[case("bad host", false)]
    #[case("-x.net", false)]
    fn addresses(#[case] address: &str, #[case] ok: bool) {
        assert_eq!(check_address("address", address).is_none(), ok);
    }

    #[test]
    fn a_good_router_with_its_secrets() {
        let valid = validate_router(RouterId::new(), &input(), None, false).unwrap();
        assert_eq!(valid.router.api_port, 8728);
        assert_eq!(valid.router.latitude, Some(-7.7956));
        assert!(valid.router.has_radius_secret && valid.router.has_api_password);
        assert_eq!(valid.radius_secret.as_deref(), Some("rahasia-radius"));
        let mut tls = input();
        tls.api_tls = true;
        assert_eq!(
            validate_router(RouterId::new(), &tls, None, false)
                .unwrap()
                .router
                .api_port,
            8729
        );
    }

    #[test]
    fn an_edit_keeps_secrets_left_empty() {
        let saved = validate_router(RouterId::new(), &input(), None, false)
            .unwrap()
            .router;
        let mut edit = input();
        edit.radius_secret.clear();
        edit.api_password.clear();
        let valid = validate_router(saved.id, &edit, Some(&saved), false).unwrap();
        assert!(valid.router.has_radius_secret && valid.router.has_api_password);
        assert_eq!(valid.radius_secret, None);
        assert_eq!(valid.api_password, None);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = input();
        bad.short_name = "pusat 1".into();
        bad.address = "nowhere!".into();
        bad.radius_secret = "abc".into();
        bad.api_port = "70000".into();
        bad.latitude = "95".into();
        let errors: Vec<_> = validate_router(RouterId::new(), &bad, None, false)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            [
                ("short_name".into(), ValidationCode::InvalidChoice),
                ("address".into(), ValidationCode::InvalidAddress),
                ("radius_secret".into(), ValidationCode::TooShort),
                ("api_port".into(), ValidationCode::OutOfRange),
                ("latitude".into(), ValidationCode::OutOfRange),
            ]
        );
        let mut api = input();
        api.provisioning_mode = "api".into();
        api.api_username.clear();
        api.radius_secret.clear();
        let errors: Vec<_> = validate_router(RouterId::new(), &api, None, true)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            [
                ("short_name".into(), ValidationCode::AlreadyUsed),
                ("api_username".into(), ValidationCode::Required)
            ]
        );
    }
}
