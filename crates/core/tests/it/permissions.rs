//! Every cell of the permission matrix, allowed and denied, through the core API.
//!
//! `ispdesk-domain` checks `Role::can` cell by cell against the seed's matrix; here the
//! core is checked against `Role::can`: the generic check for every permission, and each
//! real operation that exists for a permission.

use crate::{STAFF_PASSWORD, TestDb};
use ispdesk_core::{ActivityQuery, Actor, Core, Error, SetBackupFolder};
use ispdesk_domain::staff::NewStaff;
use ispdesk_domain::{Permission, Role};

/// One operation per permission that has operations so far; each must succeed for a role
/// holding the permission and fail with `Forbidden` for one that does not.
type Operation = Box<dyn Fn(&Core, &Actor, &TestDb) -> Result<(), Error>>;

fn operations(permission: Permission) -> Vec<(&'static str, Operation)> {
    match permission {
        Permission::ViewDashboard => vec![(
            "dashboard_summary",
            Box::new(|core: &Core, a: &Actor, _: &TestDb| core.dashboard_summary(a).map(|_| ())),
        )],
        Permission::ManageStaff => vec![
            (
                "list_staff",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| core.list_staff(a).map(|_| ())),
            ),
            (
                "create_staff",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| {
                    core.create_staff(
                        a,
                        &NewStaff {
                            username: format!(
                                "new-{}",
                                a.staff_id().to_string().get(24..).unwrap()
                            ),
                            full_name: "Staf Baru".into(),
                            role: Role::Cashier,
                            password: STAFF_PASSWORD.into(),
                        },
                    )
                    .map(|_| ())
                }),
            ),
        ],
        Permission::ManageSettings => vec![
            (
                "update_company",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| {
                    core.update_company(a, &crate::setup_input().company)
                        .map(|_| ())
                }),
            ),
            (
                "backup_settings",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| core.backup_settings(a).map(|_| ())),
            ),
            (
                "set_backup_folder",
                Box::new(|core: &Core, a: &Actor, db: &TestDb| {
                    let folder = db.dir.path().join("backups").display().to_string();
                    core.set_backup_folder(a, &SetBackupFolder { folder })
                        .map(|_| ())
                }),
            ),
            (
                "list_backups",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| core.list_backups(a).map(|_| ())),
            ),
        ],
        Permission::ViewActivityLog => vec![
            (
                "list_activity",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| {
                    core.list_activity(
                        a,
                        &ActivityQuery {
                            page: 1,
                            page_size: 10,
                            ..Default::default()
                        },
                    )
                    .map(|_| ())
                }),
            ),
            (
                "activity_facets",
                Box::new(|core: &Core, a: &Actor, _: &TestDb| core.activity_facets(a).map(|_| ())),
            ),
        ],
        _ => vec![],
    }
}

#[test]
fn every_cell_allowed_and_denied() {
    let (db, owner) = TestDb::with_owner();
    let actors: Vec<(Role, Actor)> = Role::ALL
        .into_iter()
        .map(|role| {
            let actor = if role == Role::Owner {
                owner.clone()
            } else {
                db.staff(&owner, role.as_str(), role)
            };
            (role, actor)
        })
        .collect();
    let mut checked_operations = 0;
    for permission in Permission::ALL {
        for (role, actor) in &actors {
            let allowed = role.can(permission);
            let generic = db.core.check_permission(actor, Some(permission));
            match (allowed, generic) {
                (true, Ok(())) => {}
                (false, Err(Error::Forbidden(p))) => assert_eq!(p, permission),
                (allowed, got) => panic!("{role} / {permission:?}: allowed={allowed}, got {got:?}"),
            }
            for (name, op) in operations(permission) {
                let result = op(&db.core, actor, &db);
                match (allowed, result) {
                    (true, Ok(())) => {}
                    (false, Err(Error::Forbidden(p))) => assert_eq!(p, permission, "{name}"),
                    (allowed, got) => {
                        panic!("{role} / {permission:?} via {name}: allowed={allowed}, got {got:?}")
                    }
                }
                checked_operations += 1;
            }
        }
    }
    assert_eq!(checked_operations, 5 * 9);
}

#[test]
fn the_session_lists_exactly_the_roles_permissions() {
    let (db, owner) = TestDb::with_owner();
    for role in Role::ALL {
        let actor = if role == Role::Owner {
            owner.clone()
        } else {
            db.staff(&owner, role.as_str(), role)
        };
        let info = db.core.session_info(&actor).unwrap();
        assert_eq!(info.permissions, role.permissions(), "{role}");
        assert_eq!(info.staff.role, role);
    }
}

#[test]
fn a_role_change_takes_effect_on_the_next_operation() {
    let (db, owner) = TestDb::with_owner();
    let admin = db.staff(&owner, "admin1", Role::Admin);
    db.core.list_staff(&admin).unwrap();
    let admin_id = admin.staff_id();
    db.core
        .change_staff_role(
            &owner,
            &ispdesk_core::ChangeStaffRole {
                staff_id: admin_id,
                role: Role::Cashier,
            },
        )
        .unwrap();
    assert!(matches!(
        db.core.list_staff(&admin),
        Err(Error::Forbidden(Permission::ManageStaff))
    ));
}

#[test]
fn a_disabled_account_can_do_nothing() {
    let (db, owner) = TestDb::with_owner();
    let cashier = db.staff(&owner, "kasir", Role::Cashier);
    db.core
        .set_staff_active(
            &owner,
            &ispdesk_core::SetStaffActive {
                staff_id: cashier.staff_id(),
                active: false,
            },
        )
        .unwrap();
    assert!(matches!(
        db.core.dashboard_summary(&cashier),
        Err(Error::AccountDisabled)
    ));
    assert!(matches!(
        db.core.check_permission(&cashier, None),
        Err(Error::AccountDisabled)
    ));
}
