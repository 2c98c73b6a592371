use crate::{OWNER_PASSWORD, STAFF_PASSWORD, TestDb, login, setup_input, validation_codes};
use chrono::Duration;
use ispdesk_core::{Error, SetStaffActive};
use ispdesk_domain::{Role, ValidationCode};

#[test]
fn setup_is_required_until_the_wizard_completes() {
    let db = TestDb::new();
    assert!(db.core.setup_required().unwrap());
    assert_eq!(db.core.company_profile().unwrap(), None);
    let session = db.core.complete_setup(&setup_input()).unwrap();
    assert_eq!(session.info.staff.role, Role::Owner);
    assert_eq!(session.info.staff.username, "budi");
    assert_eq!(session.info.company.name, "Berkah Net");
    assert_eq!(session.info.company.time_zone, "Asia/Jakarta");
    assert!(!db.core.setup_required().unwrap());
    assert!(matches!(
        db.core.complete_setup(&setup_input()),
        Err(Error::SetupAlreadyDone)
    ));
}

#[test]
fn a_weak_password_on_the_wizard_is_refused_with_the_reason() {
    let db = TestDb::new();
    for (password, code) in [
        ("budi1", ValidationCode::PasswordTooShort),
        ("password123", ValidationCode::PasswordTooCommon),
        ("onlyletters", ValidationCode::PasswordNeedsLetterAndDigit),
        ("budi-2026-net", ValidationCode::PasswordContainsUsername),
    ] {
        let mut input = setup_input();
        input.owner.password = password.into();
        let errors = validation_codes(db.core.complete_setup(&input).unwrap_err());
        assert_eq!(errors, [("password".to_owned(), code)], "{password}");
    }
    assert!(db.core.setup_required().unwrap(), "nothing was saved");
}

#[test]
fn the_wizard_reports_every_bad_field_of_both_steps() {
    let db = TestDb::new();
    let mut input = setup_input();
    input.company.name = " ".into();
    input.company.time_zone = "Jakarta".into();
    input.owner.username = "B".into();
    let errors = validation_codes(db.core.complete_setup(&input).unwrap_err());
    assert_eq!(
        errors,
        [
            ("name".to_owned(), ValidationCode::Required),
            ("time_zone".to_owned(), ValidationCode::InvalidTimeZone),
            ("username".to_owned(), ValidationCode::InvalidUsername),
        ]
    );
}

#[test]
fn sign_in_works_with_any_case_of_the_username() {
    let (db, _) = TestDb::with_owner();
    let session = login(&db.core, "  BUDI ", OWNER_PASSWORD).unwrap();
    assert_eq!(session.info.staff.username, "budi");
    assert!(session.info.staff.last_login_at.is_some());
}

#[test]
fn wrong_password_and_unknown_user_get_the_same_answer() {
    let (db, _) = TestDb::with_owner();
    assert!(matches!(
        login(&db.core, "budi", "wrong-pass-1"),
        Err(Error::InvalidCredentials)
    ));
    assert!(matches!(
        login(&db.core, "nobody", OWNER_PASSWORD),
        Err(Error::InvalidCredentials)
    ));
}

#[test]
fn five_failures_in_a_row_make_the_account_wait_30_seconds() {
    let (db, _) = TestDb::with_owner();
    for _ in 0..4 {
        assert!(matches!(
            login(&db.core, "budi", "wrong-pass-1"),
            Err(Error::InvalidCredentials)
        ));
    }
    assert!(matches!(
        login(&db.core, "budi", "wrong-pass-1"),
        Err(Error::LoginThrottled {
            retry_after_secs: 30
        })
    ));
    // Even the right password waits.
    db.clock.advance(Duration::seconds(12));
    assert!(matches!(
        login(&db.core, "budi", OWNER_PASSWORD),
        Err(Error::LoginThrottled {
            retry_after_secs: 18
        })
    ));
    db.clock.advance(Duration::seconds(18));
    login(&db.core, "budi", OWNER_PASSWORD).unwrap();
    // The count starts again after a success.
    for _ in 0..4 {
        assert!(matches!(
            login(&db.core, "budi", "wrong-pass-1"),
            Err(Error::InvalidCredentials)
        ));
    }
}

#[test]
fn after_the_wait_each_further_failure_waits_again() {
    let (db, _) = TestDb::with_owner();
    for _ in 0..5 {
        let _ = login(&db.core, "budi", "wrong-pass-1");
    }
    db.clock.advance(Duration::seconds(31));
    assert!(matches!(
        login(&db.core, "budi", "wrong-pass-1"),
        Err(Error::LoginThrottled {
            retry_after_secs: 30
        })
    ));
}

#[test]
fn a_throttled_account_does_not_slow_down_other_accounts() {
    let (db, owner) = TestDb::with_owner();
    db.staff(&owner, "kasir", Role::Cashier);
    for _ in 0..5 {
        let _ = login(&db.core, "budi", "wrong-pass-1");
    }
    login(&db.core, "kasir", STAFF_PASSWORD).unwrap();
}

#[test]
fn a_disabled_account_cannot_sign_in_but_only_says_so_to_the_right_password() {
    let (db, owner) = TestDb::with_owner();
    let kasir = db.staff(&owner, "kasir", Role::Cashier);
    db.core
        .set_staff_active(
            &owner,
            &SetStaffActive {
                staff_id: kasir.staff_id(),
                active: false,
            },
        )
        .unwrap();
    assert!(matches!(
        login(&db.core, "kasir", "wrong-pass-1"),
        Err(Error::InvalidCredentials)
    ));
    assert!(matches!(
        login(&db.core, "kasir", STAFF_PASSWORD),
        Err(Error::AccountDisabled)
    ));
}

#[test]
fn passwords_are_stored_as_argon2id_hashes_only() {
    let (db, _) = TestDb::with_owner();
    let hash: String = db.core.with_connection(|c| {
        c.query_row(
            "SELECT password_hash FROM staff_users WHERE username = 'budi'",
            [],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!hash.contains(OWNER_PASSWORD));
    let file = std::fs::read(db.path()).unwrap();
    let wal = std::fs::read(db.path().with_extension("sqlite-wal")).unwrap_or_default();
    for bytes in [file, wal] {
        assert!(
            !bytes
                .windows(OWNER_PASSWORD.len())
                .any(|w| w == OWNER_PASSWORD.as_bytes()),
            "the password must not be anywhere in the database files"
        );
    }
}
