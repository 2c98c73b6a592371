//! Service plans: what a customer buys — hotspot or PPPoE, price, how long it lasts, how
//! fast, how much data, how many devices at once.

use crate::ids::{BandwidthProfileId, PlanId};
use crate::ip_pool::check_router_name;
use crate::validation::{FieldError, ValidationCode, Validator};
use chrono::{DateTime, Duration, Months, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ServiceType {
    Hotspot,
    Pppoe,
}

impl ServiceType {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Hotspot => "hotspot",
            ServiceType::Pppoe => "pppoe",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().to_ascii_lowercase().as_str() {
            "hotspot" => Some(ServiceType::Hotspot),
            "pppoe" | "ppp" => Some(ServiceType::Pppoe),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ValidityUnit {
    Hours,
    Days,
    Months,
}

impl ValidityUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            ValidityUnit::Hours => "hours",
            ValidityUnit::Days => "days",
            ValidityUnit::Months => "months",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "hours" => Some(ValidityUnit::Hours),
            "days" => Some(ValidityUnit::Days),
            "months" => Some(ValidityUnit::Months),
            _ => None,
        }
    }
}

/// How long a plan lasts once started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Validity {
    pub value: u32,
    pub unit: ValidityUnit,
}

impl Validity {
    /// When service bought at `start` ends. Days and months count on the ISP's calendar:
    /// a month from 31 January is the last day of February, at the same local time.
    pub fn end_from(self, start: DateTime<Utc>, zone: Tz) -> DateTime<Utc> {
        match self.unit {
            ValidityUnit::Hours => start + Duration::hours(i64::from(self.value)),
            ValidityUnit::Days | ValidityUnit::Months => {
                let local = start.with_timezone(&zone).naive_local();
                let end = match self.unit {
                    ValidityUnit::Days => local + Duration::days(i64::from(self.value)),
                    _ => local
                        .checked_add_months(Months::new(self.value))
                        .unwrap_or(local),
                };
                zone.from_local_datetime(&end)
                    .earliest()
                    // A local time skipped by a clock change: an hour later exists.
                    .or_else(|| {
                        zone.from_local_datetime(&(end + Duration::hours(1)))
                            .earliest()
                    })
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or(start)
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ServicePlan {
    pub id: PlanId,
    pub name: String,
    /// Short unique code, e.g. `HS-1D` or `PPP-10M`; also names the plan's RADIUS group.
    pub code: String,
    pub service_type: ServiceType,
    /// Integer minor units (Rupiah).
    #[ts(type = "number")]
    pub price: i64,
    #[ts(type = "number | null")]
    pub reseller_price: Option<i64>,
    pub validity: Validity,
    pub bandwidth_profile_id: Option<BandwidthProfileId>,
    /// Total bytes (upload + download) over the validity; may exceed 4 GiB.
    #[ts(type = "number | null")]
    pub quota_bytes: Option<u64>,
    pub shared_users: u32,
    /// The PPP profile or hotspot user profile of this name on each router gives the
    /// address pool and session timeout (and is sent as `Mikrotik-Group`). May be empty.
    pub profile_name: String,
    pub is_active: bool,
    pub description: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct PlanInput {
    pub name: String,
    pub code: String,
    pub service_type: String,
    pub price: String,
    pub reseller_price: String,
    pub validity_value: String,
    pub validity_unit: String,
    pub bandwidth_profile_id: String,
    /// `10G`, `500M`, `1.5G` (bytes, ×1000) or `10GiB` (×1024), or plain bytes; empty = none.
    pub quota: String,
    pub shared_users: String,
    pub profile_name: String,
    pub is_active: bool,
    pub description: String,
}

/// Parses a money amount typed in Rupiah: `150000`, `150.000`, `Rp 150.000`.
pub fn parse_amount(text: &str) -> Option<i64> {
    let digits: String = text
        .trim()
        .trim_start_matches("Rp")
        .trim_start_matches("rp")
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '_'))
        .collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits
        .parse::<i64>()
        .ok()
        .filter(|v| *v <= 1_000_000_000_000)
}

/// Parses a data quota. Decimal units (`k`, `M`, `G`, `T` = ×1000) as ISPs advertise them,
/// binary ones (`KiB`, `MiB`, `GiB`, `TiB`) as computers count; a trailing `B` is optional.
pub fn parse_bytes(text: &str) -> Option<u64> {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let (number, factor): (&str, u64) = [
        ("tib", 1u64 << 40),
        ("gib", 1 << 30),
        ("mib", 1 << 20),
        ("kib", 1 << 10),
        ("tb", 1_000_000_000_000),
        ("gb", 1_000_000_000),
        ("mb", 1_000_000),
        ("kb", 1_000),
        ("t", 1_000_000_000_000),
        ("g", 1_000_000_000),
        ("m", 1_000_000),
        ("k", 1_000),
        ("b", 1),
    ]
    .iter()
    .find(|(suffix, _)| lower.ends_with(suffix))
    .map(|(suffix, factor)| (&text[..text.len() - suffix.len()], *factor))
    .unwrap_or((text, 1));
    let number = number.trim().replace(',', ".");
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let mut value = whole.parse::<u64>().ok()?.checked_mul(factor)?;
    let mut scale = factor as f64;
    for d in fraction.chars() {
        scale /= 10.0;
        value = value.checked_add((f64::from(d.to_digit(10)?) * scale).round() as u64)?;
    }
    Some(value)
}

pub fn check_plan_code(field: &str, code: &str) -> Option<FieldError> {
    if code.is_empty() {
        return Some(FieldError::new(field, ValidationCode::Required));
    }
    if code.chars().count() > 32 {
        return Some(FieldError::new(field, ValidationCode::TooLong).with("max", 32));
    }
    if !code
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    {
        return Some(
            FieldError::new(field, ValidationCode::InvalidChoice).with("allowed", "A-Z 0-9 - _"),
        );
    }
    None
}

/// Validates a plan. `bandwidth_exists` tells whether a referenced profile exists;
/// `code_taken` whether another plan has the code.
pub fn validate_plan(
    id: PlanId,
    input: &PlanInput,
    bandwidth_exists: impl Fn(BandwidthProfileId) -> bool,
    code_taken: bool,
) -> Result<ServicePlan, Vec<FieldError>> {
    let mut v = Validator::new();
    let name = v.text("name", &input.name, 100);
    let code = input.code.trim().to_uppercase();
    if let Some(e) = check_plan_code("code", &code) {
        v.push(e);
    } else if code_taken {
        v.push(FieldError::new("code", ValidationCode::AlreadyUsed));
    }
    let service_type = ServiceType::parse(&input.service_type);
    if service_type.is_none() {
        v.push(if input.service_type.trim().is_empty() {
            FieldError::new("service_type", ValidationCode::Required)
        } else {
            FieldError::new("service_type", ValidationCode::InvalidChoice)
                .with("allowed", "hotspot, pppoe")
        });
    }
    let price = match input.price.trim() {
        "" => {
            v.push(FieldError::new("price", ValidationCode::Required));
            None
        }
        text => parse_amount(text).or_else(|| {
            v.push(FieldError::new("price", ValidationCode::InvalidNumber));
            None
        }),
    };
    let reseller_price = match input.reseller_price.trim() {
        "" => None,
        text => match parse_amount(text) {
            // A reseller buys below the shelf price (checked once the price is readable).
            Some(p) if price.is_none_or(|price| p <= price) => Some(p),
            Some(_) => {
                v.push(
                    FieldError::new("reseller_price", ValidationCode::OutOfRange)
                        .with("min", 0)
                        .with("max", price.unwrap_or_default()),
                );
                None
            }
            None => {
                v.push(FieldError::new(
                    "reseller_price",
                    ValidationCode::InvalidNumber,
                ));
                None
            }
        },
    };
    let unit = ValidityUnit::parse(&input.validity_unit);
    if unit.is_none() {
        v.push(
            FieldError::new("validity_unit", ValidationCode::InvalidChoice)
                .with("allowed", "hours, days, months"),
        );
    }
    let max_validity = match unit {
        Some(ValidityUnit::Hours) => 24 * 366,
        Some(ValidityUnit::Days) => 3660,
        _ => 120,
    };
    let validity_value = match input.validity_value.trim().parse::<u32>() {
        Ok(n) if (1..=max_validity).contains(&n) => n,
        _ => {
            v.push(
                FieldError::new("validity_value", ValidationCode::OutOfRange)
                    .with("min", 1)
                    .with("max", max_validity),
            );
            1
        }
    };
    let bandwidth_profile_id = match input.bandwidth_profile_id.trim() {
        "" => None,
        text => match text.parse::<BandwidthProfileId>() {
            Ok(id) if bandwidth_exists(id) => Some(id),
            _ => {
                v.push(FieldError::new(
                    "bandwidth_profile_id",
                    ValidationCode::NotFound,
                ));
                None
            }
        },
    };
    let quota_bytes = match input.quota.trim() {
        "" | "0" => None,
        text => match parse_bytes(text) {
            Some(b) if b >= 1_000_000 => Some(b),
            _ => {
                v.push(FieldError::new("quota", ValidationCode::InvalidNumber));
                None
            }
        },
    };
    let shared_users = match input.shared_users.trim() {
        "" => 1,
        text => match text.parse::<u32>() {
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
    };
    let profile_name = input.profile_name.trim().to_owned();
    if !profile_name.is_empty()
        && let Some(e) = check_router_name("profile_name", &profile_name)
    {
        v.push(e);
    }
    let description = v.optional_text("description", &input.description, 500);
    v.finish().map(|()| ServicePlan {
        id,
        name,
        code,
        service_type: service_type.unwrap_or(ServiceType::Hotspot),
        price: price.unwrap_or_default(),
        reseller_price,
        validity: Validity {
            value: validity_value,
            unit: unit.unwrap_or(ValidityUnit::Days),
        },
        bandwidth_profile_id,
        quota_bytes,
        shared_users,
        profile_name,
        is_active: input.is_active,
        description,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rstest::rstest;

    #[rstest]
    #[case("150000", Some(150_000))]
    #[case("150.000", Some(150_000))]
    #[case("Rp 150.000", Some(150_000))]
    #[case("0", Some(0))]
    #[case("-5", None)]
    #[case("150,50", None)]
    #[case("", None)]
    fn amounts(#[case] text: &str, #[case] expected: Option<i64>) {
        assert_eq!(parse_amount(text), expected);
    }

    #[rstest]
    #[case("10G", Some(10_000_000_000))]
    #[case("10 GB", Some(10_000_000_000))]
    #[case("10GiB", Some(10_737_418_240))]
    #[case("1.5G", Some(1_500_000_000))]
    #[case("500M", Some(500_000_000))]
    #[case("4294967296", Some(4_294_967_296))]
    #[case("lots", None)]
    fn quotas(#[case] text: &str, #[case] expected: Option<u64>) {
        assert_eq!(parse_bytes(text), expected);
    }

    #[test]
    fn validity_counts_on_the_isp_calendar() {
        let jkt = chrono_tz::Asia::Jakarta;
        // 31 Jan 10:00 WIB
        let start = jkt
            .with_ymd_and_hms(2026, 1, 31, 10, 0, 0)
            .unwrap()
            .with_timezone(&Utc);
        let month = Validity {
            value: 1,
            unit: ValidityUnit::Months,
        };
        assert_eq!(
            month.end_from(start, jkt),
            jkt.with_ymd_and_hms(2026, 2, 28, 10, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        );
        let days = Validity {
            value: 30,
            unit: ValidityUnit::Days,
        };
        assert_eq!(days.end_from(start, jkt), start + Duration::days(30));
        let hours = Validity {
            value: 3,
            unit: ValidityUnit::Hours,
        };
        assert_eq!(hours.end_from(start, jkt), start + Duration::hours(3));
    }

    fn input() -> PlanInput {
        PlanInput {
            name: "Hotspot 1 Hari".into(),
            code: "hs-1d".into(),
            service_type: "hotspot".into(),
            price: "5.000".into(),
            reseller_price: "4000".into(),
            validity_value: "1".into(),
            validity_unit: "days".into(),
            bandwidth_profile_id: "".into(),
            quota: "10GiB".into(),
            shared_users: "2".into(),
            profile_name: "hs-default".into(),
            is_active: true,
            description: "".into(),
        }
    }

    #[test]
    fn a_good_plan() {
        let plan = validate_plan(PlanId::new(), &input(), |_| false, false).unwrap();
        assert_eq!(plan.code, "HS-1D");
        assert_eq!(plan.price, 5_000);
        assert_eq!(plan.reseller_price, Some(4_000));
        assert_eq!(plan.quota_bytes, Some(10 * (1 << 30)));
        assert_eq!(plan.shared_users, 2);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut bad = input();
        bad.code = "HS 1D".into();
        bad.price = "lima ribu".into();
        bad.reseller_price = "9000".into();
        bad.validity_value = "0".into();
        bad.bandwidth_profile_id = BandwidthProfileId::new().to_string();
        bad.shared_users = "0".into();
        let errors: Vec<_> = validate_plan(PlanId::new(), &bad, |_| false, false)
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(
            errors,
            [
                ("code".into(), ValidationCode::InvalidChoice),
                ("price".into(), ValidationCode::InvalidNumber),
                ("validity_value".into(), ValidationCode::OutOfRange),
                ("bandwidth_profile_id".into(), ValidationCode::NotFound),
                ("shared_users".into(), ValidationCode::OutOfRange),
            ]
        );
        let errors = validate_plan(PlanId::new(), &input(), |_| false, true).unwrap_err();
        assert_eq!(errors[0].code, ValidationCode::AlreadyUsed);
    }
}
