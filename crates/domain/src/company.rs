//! The ISP's own profile: the business the app is keeping the books of.

use crate::money::Currency;
use crate::validation::{FieldError, ValidationCode, Validator};
use serde::{Deserialize, Serialize};

/// The ISP's profile as stored and shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct CompanyProfile {
    pub name: String,
    pub address: String,
    pub phone: String,
    /// IANA zone name, e.g. `Asia/Jakarta`. Every time is shown in this zone.
    pub time_zone: String,
    pub currency: Currency,
}

/// What the owner types in the first-run wizard and in the settings screen. Fields are
/// plain text so that anything typed gets a field error rather than a parse failure.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct CompanyInput {
    pub name: String,
    pub address: String,
    pub phone: String,
    pub time_zone: String,
    pub currency: String,
}

pub const NAME_MAX: usize = 100;
pub const ADDRESS_MAX: usize = 300;

/// Accepts Indonesian and international phone numbers as people write them
/// (`0812-3456-7890`, `+62 812 3456 7890`, `(021) 555 1234`): 6 to 15 digits.
pub fn check_phone(field: &str, phone: &str) -> Option<FieldError> {
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
    let plus_ok = phone.find('+').is_none_or(|i| i == 0) && phone.matches('+').count() <= 1;
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !allowed || !plus_ok || !(6..=15).contains(&digits) {
        return Some(FieldError::new(field, ValidationCode::InvalidPhone));
    }
    None
}

pub fn check_time_zone(field: &str, zone: &str) -> Option<FieldError> {
    if zone.parse::<chrono_tz::Tz>().is_err() {
        return Some(FieldError::new(field, ValidationCode::InvalidTimeZone));
    }
    None
}

/// Validates the profile; returns it normalised (trimmed).
pub fn validate_company(input: &CompanyInput) -> Result<CompanyProfile, Vec<FieldError>> {
    let mut v = Validator::new();
    let name = v.text("name", &input.name, NAME_MAX);
    let address = v.optional_text("address", &input.address, ADDRESS_MAX);
    let phone = input.phone.trim().to_owned();
    if !phone.is_empty()
        && let Some(e) = check_phone("phone", &phone)
    {
        v.push(e);
    }
    let time_zone = input.time_zone.trim().to_owned();
    if let Some(e) = check_time_zone("time_zone", &time_zone) {
        v.push(e);
    }
    let currency = Currency::from_code(input.currency.trim());
    if currency.is_none() {
        v.push(FieldError::new("currency", ValidationCode::InvalidCurrency));
    }
    v.finish().map(|()| CompanyProfile {
        name,
        address,
        phone,
        time_zone,
        currency: currency.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn input() -> CompanyInput {
        CompanyInput {
            name: " Berkah Net ".into(),
            address: "Jl. Melati 5, Sleman".into(),
            phone: "0812-3456-7890".into(),
            time_zone: "Asia/Jakarta".into(),
            currency: "IDR".into(),
        }
    }

    #[test]
    fn a_good_profile_is_trimmed() {
        let p = validate_company(&input()).unwrap();
        assert_eq!(p.name, "Berkah Net");
        assert_eq!(p.currency, Currency::Idr);
    }

    #[rstest]
    #[case("081234567890", true)]
    #[case("+62 812 3456 7890", true)]
    #[case("(021) 555-1234", true)]
    #[case("12345", false)]
    #[case("0812abc", false)]
    #[case("62+812345678", false)]
    #[case("1234567890123456", false)]
    fn phones(#[case] phone: &str, #[case] ok: bool) {
        assert_eq!(check_phone("phone", phone).is_none(), ok);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = validate_company(&CompanyInput {
            name: "".into(),
            address: "x".repeat(301),
            phone: "abc".into(),
            time_zone: "Mars/Olympus".into(),
            currency: "XYZ".into(),
        })
        .unwrap_err();
        let got: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(
            got,
            [
                ("name", ValidationCode::Required),
                ("address", ValidationCode::TooLong),
                ("phone", ValidationCode::InvalidPhone),
                ("time_zone", ValidationCode::InvalidTimeZone),
                ("currency", ValidationCode::InvalidCurrency),
            ]
        );
    }

    #[test]
    fn phone_may_be_empty() {
        let mut i = input();
        i.phone = "  ".into();
        assert_eq!(validate_company(&i).unwrap().phone, "");
    }
}
