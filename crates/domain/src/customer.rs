//! Customers: the ISP's hotspot and PPPoE subscribers.

use crate::company::check_phone;
use crate::ids::{CustomerId, PlanId, RouterId};
use crate::plan::ServiceType;
use crate::validation::{FieldError, ValidationCode, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// May connect (until the expiry, if any).
    Active,
    /// Cut off by the ISP (unpaid, abuse); "isolir" may show them a payment page instead.
    Suspended,
    /// The paid period ran out.
    Expired,
    /// Not in service (moved away, waiting for installation).
    Inactive,
}

impl CustomerStatus {
    pub const ALL: [CustomerStatus; 4] = [
        CustomerStatus::Active,
        CustomerStatus::Suspended,
        CustomerStatus::Expired,
        CustomerStatus::Inactive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomerStatus::Active => "active",
            CustomerStatus::Suspended => "suspended",
            CustomerStatus::Expired => "expired",
            CustomerStatus::Inactive => "inactive",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        CustomerStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text.trim().to_ascii_lowercase())
    }
}

/// A customer as the UI sees it; the password is never in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Customer {
    pub id: CustomerId,
    pub username: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub service_type: ServiceType,
    pub plan_id: Option<PlanId>,
    pub router_id: Option<RouterId>,
    pub status: CustomerStatus,
    pub expires_at: Option<DateTime<Utc>>,
    /// Prepaid balance in minor units.
    #[ts(type = "number")]
    pub balance: i64,
    pub notes: String,
    pub created_at: DateTime<Utc>,
}

/// What the cashier types. An empty password on an edit keeps the saved one; on a new
/// customer it is generated.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct CustomerInput {
    pub username: String,
    pub password: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub service_type: String,
    pub plan_id: String,
    pub router_id: String,
    pub notes: String,
}

/// A validated customer's own fields (status, expiry and balance are set by operations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidCustomer {
    pub username: String,
    pub password: Option<String>,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub service_type: ServiceType,
    pub plan_id: Option<PlanId>,
    pub router_id: Option<RouterId>,
    pub notes: String,
}

/// RADIUS user names: 1–64 characters, letters, digits and `. _ - @`, no spaces (routers
/// and FreeRADIUS compare them byte for byte).
pub fn check_customer_username(field: &str, username: &str) -> Option<FieldError> {
    if username.is_empty() {
        return Some(FieldError::new(field, ValidationCode::Required));
    }
    let ok = username.chars().count() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    (!ok).then(|| {
        FieldError::new(field, ValidationCode::InvalidUsername)
            .with("min", 1)
            .with("max", 64)
    })
}

/// Subscriber passwords travel to routers (CHAP, PAP) and into `radcheck`: 4–64
/// printable ASCII characters without spaces or quotes.
pub fn check_customer_password(field: &str, password: &str) -> Option<FieldError> {
    let len = password.chars().count();
    if len < 4 {
        return Some(FieldError::new(field, ValidationCode::PasswordTooShort).with("min", 4));
    }
    if len > 64 {
        return Some(FieldError::new(field, ValidationCode::TooLong).with("max", 64));
    }
    if !password
        .chars()
        .all(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\'' | '\\'))
    {
        return Some(
            FieldError::new(field, ValidationCode::InvalidChoice)
                .with("allowed", "A-Z a-z 0-9 ! # $ % & * + - . / : = ? @ _"),
        );
    }
    None
}

pub fn check_email(field: &str, email: &str) -> Option<FieldError> {
    let valid = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
        });
    (!valid).then(|| FieldError::new(field, ValidationCode::InvalidEmail))
}

/// What a plan and router look like to customer validation.
#[derive(Clone, Copy, Debug)]
pub struct PlanFacts {
    pub service_type: ServiceType,
    pub is_active: bool,
}

/// Validates a customer. `plan` looks a plan up; `router_exists` a router; `username_taken`
/// says whether another customer has the username; `creating` whether it is a new one (a
/// new customer may not get an inactive plan).
pub fn validate_customer(
    input: &CustomerInput,
    plan: impl Fn(PlanId) -> Option<PlanFacts>,
    router_exists: impl Fn(RouterId) -> bool,
    username_taken: bool,
    previous_plan: Option<PlanId>,
) -> Result<ValidCustomer, Vec<FieldError>> {
    let mut v = Validator::new();
    let username = input.username.trim().to_owned();
    if let Some(e) = check_customer_username("username", &username) {
        v.push(e);
    } else if username_taken {
        v.push(FieldError::new("username", ValidationCode::UsernameTaken));
    }
    let password = (!input.password.is_empty()).then(|| input.password.clone());
    if let Some(p) = &password
        && let Some(e) = check_customer_password("password", p)
    {
        v.push(e);
    }
    let name = v.text("name", &input.name, 100);
    let phone = input.phone.trim().to_owned();
    if !phone.is_empty()
        && let Some(e) = check_phone("phone", &phone)
    {
        v.push(e);
    }
    let email = input.email.trim().to_owned();
    if !email.is_empty()
        && let Some(e) = check_email("email", &email)
    {
        v.push(e);
    }
    let address = v.optional_text("address", &input.address, 300);
    let service_type = ServiceType::parse(&input.service_type);
    if service_type.is_none() {
        v.push(if input.service_type.trim().is_empty() {
            FieldError::new("service_type", ValidationCode::Required)
        } else {
            FieldError::new("service_type", ValidationCode::InvalidChoice)
                .with("allowed", "hotspot, pppoe")
        });
    }
    let plan_id = match input.plan_id.trim() {
        "" => None,
        text => match text
            .parse::<PlanId>()
            .ok()
            .and_then(|id| plan(id).map(|p| (id, p)))
        {
            Some((id, facts)) => {
                if let Some(st) = service_type
                    && facts.service_type != st
                {
                    v.push(
                        FieldError::new("plan_id", ValidationCode::PlanTypeMismatch)
                            .with("plan_type", facts.service_type.as_str()),
                    );
                }
                if !facts.is_active && previous_plan != Some(id) {
                    v.push(FieldError::new("plan_id", ValidationCode::PlanInactive));
                }
                Some(id)
            }
            None => {
                v.push(FieldError::new("plan_id", ValidationCode::NotFound));
                None
            }
        },
    };
    let router_id = match input.router_id.trim() {
        "" => None,
        text => match text
            .parse::<RouterId>()
            .ok()
            .filter(|id| router_exists(*id))
        {
            Some(id) => Some(id),
            None => {
                v.push(FieldError::new("router_id", ValidationCode::NotFound));
                None
            }
        },
    };
    let notes = v.optional_text("notes", &input.notes, 1000);
    v.finish().map(|()| ValidCustomer {
        username,
        password,
        name,
        phone,
        email,
        address,
        service_type: service_type.unwrap_or(ServiceType::Hotspot),
        plan_id,
        router_id,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("budi.santoso", true)]
    #[case("0812345678@rw05", true)]
    #[case("budi santoso", false)]
    #[case("", false)]
    #[case("bu\"di", false)]
    fn usernames(#[case] u: &str, #[case] ok: bool) {
        assert_eq!(check_customer_username("username", u).is_none(), ok);
    }

    #[rstest]
    #[case("1234", true)]
    #[case("Rahasia#2026", true)]
    #[case("abc", false)]
    #[case("dua kata", false)]
    fn passwords(#[case] p: &str, #[case] ok: bool) {
        assert_eq!(check_customer_password("password", p).is_none(), ok);
    }

    #[test]
    fn plan_must_match_the_service_type_and_be_active() {
        let plan_id = PlanId::new();
        let input = CustomerInput {
            username: "budi".into(),
            name: "Budi".into(),
            service_type: "pppoe".into(),
            plan_id: plan_id.to_string(),
            ..Default::default()
        };
        let hotspot_inactive = |_| {
            Some(PlanFacts {
                service_type: ServiceType::Hotspot,
                is_active: false,
            })
        };
        let errors: Vec<_> = validate_customer(&input, hotspot_inactive, |_| true, false, None)
            .unwrap_err()
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            errors,
            [
                ValidationCode::PlanTypeMismatch,
                ValidationCode::PlanInactive
            ]
        );
        // A customer who already has the (now inactive) plan keeps it.
        let pppoe_inactive = |_| {
            Some(PlanFacts {
                service_type: ServiceType::Pppoe,
                is_active: false,
            })
        };
        assert!(validate_customer(&input, pppoe_inactive, |_| true, false, Some(plan_id)).is_ok());
    }
}
