//! Field validation shared by every form. A rule failing yields a [`FieldError`]: the
//! field's name, a code the UI translates (`validation.<code>` in its translation files)
//! and the parameters the message needs. Validation collects every error of a form at
//! once, so the user sees them all next to their fields.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Declares the codes once: the enum, the list of all of them, and each one's wire name
/// (which is also its key under `validation.` in the translation files).
macro_rules! validation_codes {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
        #[serde(rename_all = "snake_case")]
        pub enum ValidationCode {
            $($(#[$doc])* $variant,)*
        }

        impl ValidationCode {
            pub const ALL: &'static [ValidationCode] = &[$(ValidationCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ValidationCode::$variant => $name,)*
                }
            }
        }
    };
}

validation_codes! {
    Required => "required",
    TooShort => "too_short",
    /// Params: `max`.
    TooLong => "too_long",
    /// Params: `min`, `max`.
    InvalidUsername => "invalid_username",
    UsernameTaken => "username_taken",
    /// Params: `min`.
    PasswordTooShort => "password_too_short",
    PasswordNeedsLetterAndDigit => "password_needs_letter_and_digit",
    PasswordTooCommon => "password_too_common",
    PasswordContainsUsername => "password_contains_username",
    PasswordMismatch => "password_mismatch",
    WrongCurrentPassword => "wrong_current_password",
    InvalidTimeZone => "invalid_time_zone",
    InvalidCurrency => "invalid_currency",
    InvalidPhone => "invalid_phone",
    InvalidEmail => "invalid_email",
    InvalidPath => "invalid_path",
    /// A name, code or short name another record already has.
    AlreadyUsed => "already_used",
    /// A value outside its range. Params: `min`, `max`.
    OutOfRange => "out_of_range",
    InvalidNumber => "invalid_number",
    /// Not one of the allowed choices. Params: `allowed`.
    InvalidChoice => "invalid_choice",
    /// A referenced record (plan, router, pool…) does not exist.
    NotFound => "not_found",
    /// A rate like `10M`, `512k` or `1.5M` was expected.
    InvalidRate => "invalid_rate",
    /// Params: `rate`.
    BurstNotAboveRate => "burst_not_above_rate",
    /// Params: `rate`.
    ThresholdAboveRate => "threshold_above_rate",
    /// Params: `rate`.
    LimitAtAboveRate => "limit_at_above_rate",
    /// An IPv4 address or host name was expected.
    InvalidAddress => "invalid_address",
    /// Ranges like `10.0.0.2-10.0.0.254` were expected. Params: `range`.
    InvalidIpRange => "invalid_ip_range",
    /// Params: `pool` (the pool it overlaps on the same router).
    PoolOverlap => "pool_overlap",
    /// A date (and time) was expected, e.g. `2026-12-31` or `31/12/2026 23:59`.
    InvalidDate => "invalid_date",
    /// The plan is for the other service type. Params: `plan_type`.
    PlanTypeMismatch => "plan_type_mismatch",
    /// The record belongs to another router.
    OtherRouter => "other_router",
    /// The plan is not active and cannot be given to a customer.
    PlanInactive => "plan_inactive",
}

/// One failed rule on one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FieldError {
    pub field: String,
    pub code: ValidationCode,
    pub params: BTreeMap<String, String>,
}

impl FieldError {
    pub fn new(field: &str, code: ValidationCode) -> Self {
        Self {
            field: field.to_owned(),
            code,
            params: BTreeMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: impl ToString) -> Self {
        self.params.insert(key.to_owned(), value.to_string());
        self
    }
}

/// Collects the errors of one form.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    pub fn extend(&mut self, errors: impl IntoIterator<Item = FieldError>) {
        self.errors.extend(errors);
    }

    /// A required text field, trimmed, at most `max` characters. Returns the trimmed value.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.push(FieldError::new(field, ValidationCode::Required));
        } else if trimmed.chars().count() > max {
            self.push(FieldError::new(field, ValidationCode::TooLong).with("max", max));
        }
        trimmed.to_owned()
    }

    /// An optional text field, trimmed, at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> String {
        let trimmed = value.trim();
        if trimmed.chars().count() > max {
            self.push(FieldError::new(field, ValidationCode::TooLong).with("max", max));
        }
        trimmed.to_owned()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_names_match_their_serialised_form() {
        for &code in ValidationCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json.as_str().unwrap(), code.as_str());
        }
    }

    #[test]
    fn collects_every_error() {
        let mut v = Validator::new();
        assert_eq!(v.text("name", "  Budi  ", 10), "Budi");
        v.text("address", "   ", 10);
        v.text("phone", "0812345678901", 5);
        v.optional_text("note", "", 5);
        let errors = v.finish().unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, "address");
        assert_eq!(errors[0].code, ValidationCode::Required);
        assert_eq!(errors[1].code, ValidationCode::TooLong);
        assert_eq!(errors[1].params["max"], "5");
    }
}
