//! Staff accounts: who they are, and the rules for usernames and passwords.

use crate::ids::StaffId;
use crate::permission::Role;
use crate::validation::{FieldError, ValidationCode, Validator};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A staff member as the app shows them. Never carries the password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct StaffUser {
    pub id: StaffId,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub last_login_at: Option<DateTime<Utc>>,
}

/// What the owner (or an admin) types to add a staff member.
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct NewStaff {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub password: String,
}

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 32;
pub const FULL_NAME_MAX: usize = 100;
pub const PASSWORD_MIN: usize = 8;
pub const PASSWORD_MAX: usize = 128;

/// Usernames are case-insensitive: they are stored and compared in lower case.
pub fn normalize_username(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Checks a (normalised) username: 3–32 characters of `a-z 0-9 . _ -`, starting with a
/// letter or digit.
pub fn check_username(field: &str, username: &str) -> Option<FieldError> {
    let len = username.chars().count();
    if len == 0 {
        return Some(FieldError::new(field, ValidationCode::Required));
    }
    let valid_chars = username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
    let valid_start = username
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&len) || !valid_chars || !valid_start {
        return Some(
            FieldError::new(field, ValidationCode::InvalidUsername)
                .with("min", USERNAME_MIN)
                .with("max", USERNAME_MAX),
        );
    }
    None
}

/// Passwords people actually pick and attackers try first. Compared case-insensitively
/// after the length rule, so only entries of 8+ characters matter.
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "00000000",
    "qwerty123",
    "qwertyuiop",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "admin123",
    "admin1234",
    "administrator",
    "abc12345",
    "abcd1234",
    "iloveyou1",
    "welcome1",
    "welcome123",
    "sayang123",
    "bismillah",
    "bismillah1",
    "indonesia",
    "indonesia1",
    "rahasia123",
    "mikrotik",
    "mikrotik123",
    "hotspot123",
    "internet123",
    "ispdesk123",
];

/// Checks a new password and says why it is refused: at least 8 characters, letters and
/// digits, not a well-known password, not containing the username.
pub fn check_password(field: &str, password: &str, username: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        errors.push(
            FieldError::new(field, ValidationCode::PasswordTooShort).with("min", PASSWORD_MIN),
        );
        return errors;
    }
    if len > PASSWORD_MAX {
        errors.push(FieldError::new(field, ValidationCode::TooLong).with("max", PASSWORD_MAX));
        return errors;
    }
    let lower = password.to_lowercase();
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        errors.push(FieldError::new(field, ValidationCode::PasswordTooCommon));
        return errors;
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !has_letter || !has_digit {
        errors.push(FieldError::new(
            field,
            ValidationCode::PasswordNeedsLetterAndDigit,
        ));
    }
    let username = normalize_username(username);
    if username.chars().count() >= USERNAME_MIN && lower.contains(&username) {
        errors.push(FieldError::new(
            field,
            ValidationCode::PasswordContainsUsername,
        ));
    }
    errors
}

/// Validates a new staff member; returns it normalised.
pub fn validate_new_staff(input: &NewStaff) -> Result<NewStaff, Vec<FieldError>> {
    let mut v = Validator::new();
    let username = normalize_username(&input.username);
    if let Some(e) = check_username("username", &username) {
        v.push(e);
    }
    let full_name = v.text("full_name", &input.full_name, FULL_NAME_MAX);
    v.extend(check_password("password", &input.password, &username));
    v.finish().map(|()| NewStaff {
        username,
        full_name,
        role: input.role,
        password: input.password.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn codes(errors: &[FieldError]) -> Vec<ValidationCode> {
        errors.iter().map(|e| e.code).collect()
    }

    #[rstest]
    #[case("budi", None)]
    #[case("kasir.01", None)]
    #[case("a_b-c", None)]
    #[case("", Some(ValidationCode::Required))]
    #[case("ab", Some(ValidationCode::InvalidUsername))]
    #[case("Budi", Some(ValidationCode::InvalidUsername))]
    #[case("budi santoso", Some(ValidationCode::InvalidUsername))]
    #[case(".budi", Some(ValidationCode::InvalidUsername))]
    #[case(
        "abcdefghijklmnopqrstuvwxyz0123456",
        Some(ValidationCode::InvalidUsername)
    )]
    fn usernames(#[case] username: &str, #[case] expected: Option<ValidationCode>) {
        assert_eq!(
            check_username("username", username).map(|e| e.code),
            expected
        );
    }

    #[rstest]
    #[case("Warung2026!", "budi", vec![])]
    #[case("kopi susu 7", "budi", vec![])]
    #[case("short1", "budi", vec![ValidationCode::PasswordTooShort])]
    #[case("onlyletters", "budi", vec![ValidationCode::PasswordNeedsLetterAndDigit])]
    #[case("1234567890123", "budi", vec![ValidationCode::PasswordNeedsLetterAndDigit])]
    #[case("Password123", "budi", vec![ValidationCode::PasswordTooCommon])]
    #[case("BISMILLAH1", "budi", vec![ValidationCode::PasswordTooCommon])]
    #[case("budi2026xyz", "Budi", vec![ValidationCode::PasswordContainsUsername])]
    #[case("budibudibudi", "budi", vec![ValidationCode::PasswordNeedsLetterAndDigit, ValidationCode::PasswordContainsUsername])]
    fn passwords(
        #[case] password: &str,
        #[case] username: &str,
        #[case] expected: Vec<ValidationCode>,
    ) {
        assert_eq!(
            codes(&check_password("password", password, username)),
            expected
        );
    }

    #[test]
    fn too_short_says_the_minimum() {
        let errors = check_password("password", "abc1", "budi");
        assert_eq!(errors[0].params["min"], "8");
    }

    #[test]
    fn new_staff_is_normalised_and_every_error_reported() {
        let ok = validate_new_staff(&NewStaff {
            username: "  Kasir1 ".into(),
            full_name: " Siti Aminah ".into(),
            role: Role::Cashier,
            password: "kopi susu 7".into(),
        })
        .unwrap();
        assert_eq!(ok.username, "kasir1");
        assert_eq!(ok.full_name, "Siti Aminah");

        let errors = validate_new_staff(&NewStaff {
            username: "x".into(),
            full_name: "".into(),
            role: Role::Cashier,
            password: "pw".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "full_name", "password"]);
    }
}
