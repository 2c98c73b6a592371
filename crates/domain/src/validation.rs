//! Field validation shared by every form. A rule failing yields a [`FieldError`]: the
//! field's name, a code the UI translates (`validation.<code>` in its translation files)
//! and the parameters the message needs. Validation collects every error of a form at
//! once, so the user sees them all next to their fields.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ValidationCode {
    Required,
    TooShort,
    TooLong,
    InvalidUsername,
    UsernameTaken,
    PasswordTooShort,
    PasswordNeedsLetterAndDigit,
    PasswordTooCommon,
    PasswordContainsUsername,
    PasswordMismatch,
    WrongCurrentPassword,
    InvalidTimeZone,
    InvalidCurrency,
    InvalidPhone,
    InvalidEmail,
    InvalidPath,
}

impl ValidationCode {
    pub const ALL: [ValidationCode; 16] = [
        ValidationCode::Required,
        ValidationCode::TooShort,
        ValidationCode::TooLong,
        ValidationCode::InvalidUsername,
        ValidationCode::UsernameTaken,
        ValidationCode::PasswordTooShort,
        ValidationCode::PasswordNeedsLetterAndDigit,
        ValidationCode::PasswordTooCommon,
        ValidationCode::PasswordContainsUsername,
        ValidationCode::PasswordMismatch,
        ValidationCode::WrongCurrentPassword,
        ValidationCode::InvalidTimeZone,
        ValidationCode::InvalidCurrency,
        ValidationCode::InvalidPhone,
        ValidationCode::InvalidEmail,
        ValidationCode::InvalidPath,
    ];

    pub fn as_str(self) -> &'static str {
        let index = ValidationCode::ALL
            .iter()
            .position(|c| *c == self)
            .expect("every code is listed in ALL");
        CODE_NAMES[index]
    }
}

const CODE_NAMES: [&str; 16] = [
    "required",
    "too_short",
    "too_long",
    "invalid_username",
    "username_taken",
    "password_too_short",
    "password_needs_letter_and_digit",
    "password_too_common",
    "password_contains_username",
    "password_mismatch",
    "wrong_current_password",
    "invalid_time_zone",
    "invalid_currency",
    "invalid_phone",
    "invalid_email",
    "invalid_path",
];

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
        for code in ValidationCode::ALL {
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
