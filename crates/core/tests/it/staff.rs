use crate::{STAFF_PASSWORD, TestDb, login, validation_codes};
use ispdesk_core::{ChangeOwnPassword, ChangeStaffRole, Error, ResetStaffPassword, SetStaffActive};
use ispdesk_domain::staff::NewStaff;
use ispdesk_domain::{Role, ValidationCode};

fn new_staff(username: &str, role: Role) -> NewStaff {
    NewStaff {
        username: username.into(),
        full_name: "Siti Aminah".into(),
        role,
        password: STAFF_PASSWORD.into(),
    }
}

#[test]
fn the_owner_adds_staff_who_can_then_sign_in() {
    let (db, owner) = TestDb::with_owner();
    let created = db
        .core
        .create_staff(&owner, &new_staff(" Kasir1 ", Role::Cashier))
        .unwrap();
    assert_eq!(created.username, "kasir1");
    assert!(created.active);
    assert_eq!(created.last_login_at, None);
    let list = db.core.list_staff(&owner).unwrap();
    assert_eq!(list.len(), 2);
    let session = login(&db.core, "kasir1", STAFF_PASSWORD).unwrap();
    assert_eq!(session.info.staff.role, Role::Cashier);
}

#[test]
fn usernames_are_unique_and_validated() {
    let (db, owner) = TestDb::with_owner();
    db.core
        .create_staff(&owner, &new_staff("kasir1", Role::Cashier))
        .unwrap();
    let err = db
        .core
        .create_staff(&owner, &new_staff("KASIR1", Role::Admin))
        .unwrap_err();
    assert_eq!(
        validation_codes(err),
        [("username".to_owned(), ValidationCode::UsernameTaken)]
    );
    let err = db
        .core
        .create_staff(&owner, &new_staff("x", Role::Admin))
        .unwrap_err();
    assert_eq!(
        validation_codes(err),
        [("username".to_owned(), ValidationCode::InvalidUsername)]
    );
    assert_eq!(db.core.list_staff(&owner).unwrap().len(), 2);
}

#[test]
fn only_an_owner_touches_owners() {
    let (db, owner) = TestDb::with_owner();
    let admin = db.staff(&owner, "admin1", Role::Admin);
    assert!(matches!(
        db.core
            .create_staff(&admin, &new_staff("boss2", Role::Owner)),
        Err(Error::OwnerOnly)
    ));
    let owner_id = owner.staff_id();
    assert!(matches!(
        db.core.set_staff_active(
            &admin,
            &SetStaffActive {
                staff_id: owner_id,
                active: false
            }
        ),
        Err(Error::OwnerOnly)
    ));
    assert!(matches!(
        db.core.reset_staff_password(
            &admin,
            &ResetStaffPassword {
                staff_id: owner_id,
                password: "Baru12345".into()
            }
        ),
        Err(Error::OwnerOnly)
    ));
    let tech = db.staff(&owner, "tech1", Role::Technician);
    assert!(matches!(
        db.core.change_staff_role(
            &admin,
            &ChangeStaffRole {
                staff_id: tech.staff_id(),
                role: Role::Owner
            }
        ),
        Err(Error::OwnerOnly)
    ));
    // An admin manages everyone else.
    let changed = db
        .core
        .change_staff_role(
            &admin,
            &ChangeStaffRole {
                staff_id: tech.staff_id(),
                role: Role::Cashier,
            },
        )
        .unwrap();
    assert_eq!(changed.role, Role::Cashier);
    // And the owner may make another owner.
    db.core
        .create_staff(&owner, &new_staff("boss2", Role::Owner))
        .unwrap();
}

/// Nobody disables or demotes their own account, and only an active owner touches an
/// owner's: together these keep at least one active owner at all times.
#[test]
fn there_is_always_an_active_owner() {
    let (db, owner) = TestDb::with_owner();
    assert!(matches!(
        db.core.set_staff_active(
            &owner,
            &SetStaffActive {
                staff_id: owner.staff_id(),
                active: false
            }
        ),
        Err(Error::OwnAccount)
    ));
    assert!(matches!(
        db.core.change_staff_role(
            &owner,
            &ChangeStaffRole {
                staff_id: owner.staff_id(),
                role: Role::Admin
            }
        ),
        Err(Error::OwnAccount)
    ));
    let second = db.staff(&owner, "boss2", Role::Owner);
    db.core
        .change_staff_role(
            &second,
            &ChangeStaffRole {
                staff_id: owner.staff_id(),
                role: Role::Admin,
            },
        )
        .unwrap();
    // `owner` is an admin now and may no longer touch the remaining owner.
    assert!(matches!(
        db.core.set_staff_active(
            &owner,
            &SetStaffActive {
                staff_id: second.staff_id(),
                active: false
            }
        ),
        Err(Error::OwnerOnly)
    ));
    let owners: i64 = db.core.with_connection(|c| {
        c.query_row(
            "SELECT COUNT(*) FROM staff_users WHERE role = 'owner' AND active = 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
    });
    assert_eq!(owners, 1);
}

#[test]
fn a_password_reset_lets_the_staff_member_in_with_the_new_one() {
    let (db, owner) = TestDb::with_owner();
    let kasir = db.staff(&owner, "kasir", Role::Cashier);
    let err = db
        .core
        .reset_staff_password(
            &owner,
            &ResetStaffPassword {
                staff_id: kasir.staff_id(),
                password: "pendek".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        validation_codes(err),
        [("password".to_owned(), ValidationCode::PasswordTooShort)]
    );
    db.core
        .reset_staff_password(
            &owner,
            &ResetStaffPassword {
                staff_id: kasir.staff_id(),
                password: "Teh manis 9".into(),
            },
        )
        .unwrap();
    assert!(matches!(
        login(&db.core, "kasir", STAFF_PASSWORD),
        Err(Error::InvalidCredentials)
    ));
    login(&db.core, "kasir", "Teh manis 9").unwrap();
}

#[test]
fn a_reset_lifts_the_sign_in_wait() {
    let (db, owner) = TestDb::with_owner();
    let kasir = db.staff(&owner, "kasir", Role::Cashier);
    for _ in 0..5 {
        let _ = login(&db.core, "kasir", "wrong-pass-1");
    }
    assert!(matches!(
        login(&db.core, "kasir", STAFF_PASSWORD),
        Err(Error::LoginThrottled { .. })
    ));
    db.core
        .reset_staff_password(
            &owner,
            &ResetStaffPassword {
                staff_id: kasir.staff_id(),
                password: "Teh manis 9".into(),
            },
        )
        .unwrap();
    login(&db.core, "kasir", "Teh manis 9").unwrap();
}

#[test]
fn staff_change_their_own_password_knowing_the_current_one() {
    let (db, owner) = TestDb::with_owner();
    let kasir = db.staff(&owner, "kasir", Role::Cashier);
    let err = db
        .core
        .change_own_password(
            &kasir,
            &ChangeOwnPassword {
                current_password: "nope".into(),
                new_password: "Teh manis 9".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        validation_codes(err),
        [(
            "current_password".to_owned(),
            ValidationCode::WrongCurrentPassword
        )]
    );
    let err = db
        .core
        .change_own_password(
            &kasir,
            &ChangeOwnPassword {
                current_password: STAFF_PASSWORD.into(),
                new_password: "kasir12345".into(),
            },
        )
        .unwrap_err();
    assert_eq!(
        validation_codes(err),
        [(
            "new_password".to_owned(),
            ValidationCode::PasswordContainsUsername
        )]
    );
    db.core
        .change_own_password(
            &kasir,
            &ChangeOwnPassword {
                current_password: STAFF_PASSWORD.into(),
                new_password: "Teh manis 9".into(),
            },
        )
        .unwrap();
    login(&db.core, "kasir", "Teh manis 9").unwrap();
}
