use crate::{OWNER_PASSWORD, TestDb, login, setup_input};
use ispdesk_core::{ActivityQuery, ChangeStaffRole, Error, SetStaffActive};
use ispdesk_domain::Role;
use serde_json::json;

fn all(db: &TestDb, actor: &ispdesk_core::Actor) -> Vec<ispdesk_core::ActivityEntry> {
    db.core
        .list_activity(
            actor,
            &ActivityQuery {
                page: 1,
                page_size: 200,
                ..Default::default()
            },
        )
        .unwrap()
        .items
}

#[test]
fn every_change_records_who_when_what_and_the_values() {
    let (db, owner) = TestDb::with_owner();
    let kasir = db.staff(&owner, "kasir", Role::Cashier);
    db.clock.advance(chrono::Duration::minutes(5));
    db.core
        .change_staff_role(
            &owner,
            &ChangeStaffRole {
                staff_id: kasir.staff_id(),
                role: Role::Technician,
            },
        )
        .unwrap();
    let entries = all(&db, &owner);
    let newest = &entries[0];
    assert_eq!(newest.action, "role_change");
    assert_eq!(newest.entity_type, "staff");
    assert_eq!(
        newest.entity_id.as_deref(),
        Some(kasir.staff_id().to_string().as_str())
    );
    assert_eq!(newest.staff_id, Some(owner.staff_id()));
    assert_eq!(newest.staff_name, "Budi Santoso");
    assert_eq!(newest.old_values, Some(json!({ "role": "cashier" })));
    assert_eq!(newest.new_values, Some(json!({ "role": "technician" })));
    assert_eq!(newest.at, db.clock_now());

    let actions: Vec<&str> = entries.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["setup", "create", "create", "login", "role_change"]
    );

    let mut company = setup_input().company;
    company.phone = "0274-555-123".into();
    db.core.update_company(&owner, &company).unwrap();
    let newest = &all(&db, &owner)[0];
    assert_eq!(newest.entity_type, "company");
    assert_eq!(
        newest.old_values.as_ref().unwrap()["phone"],
        "0812-3456-7890"
    );
    assert_eq!(newest.new_values.as_ref().unwrap()["phone"], "0274-555-123");
}

#[test]
fn no_secret_ever_reaches_the_log() {
    let (db, owner) = TestDb::with_owner();
    let _ = login(&db.core, "budi", "my-typo-password-1");
    login(&db.core, "budi", OWNER_PASSWORD).unwrap();
    db.staff(&owner, "kasir", Role::Cashier);
    let text: String = db.core.with_connection(|c| {
        c.query_row("SELECT group_concat(coalesce(old_values,'') || coalesce(new_values,'') || summary, '|') FROM activity_log", [], |r| r.get(0))
            .unwrap()
    });
    for secret in [
        OWNER_PASSWORD,
        "my-typo-password-1",
        crate::STAFF_PASSWORD,
        "argon2",
    ] {
        assert!(
            !text.contains(secret),
            "{secret} leaked into the activity log: {text}"
        );
    }
}

#[test]
fn the_log_filters_by_staff_and_entity_and_pages() {
    let (db, owner) = TestDb::with_owner();
    let admin = db.staff(&owner, "admin1", Role::Admin);
    for i in 0..7 {
        let k = db.staff(&admin, &format!("kasir{i}"), Role::Cashier);
        db.core
            .set_staff_active(
                &admin,
                &SetStaffActive {
                    staff_id: k.staff_id(),
                    active: false,
                },
            )
            .unwrap();
    }
    let by_admin = db
        .core
        .list_activity(
            &owner,
            &ActivityQuery {
                staff_id: Some(admin.staff_id()),
                page: 1,
                page_size: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(by_admin.total, 15, "a login, then 7 creates and 7 disables");
    assert_eq!(by_admin.items.len(), 5);
    assert!(
        by_admin
            .items
            .iter()
            .all(|e| e.staff_id == Some(admin.staff_id()))
    );
    let last_page = db
        .core
        .list_activity(
            &owner,
            &ActivityQuery {
                staff_id: Some(admin.staff_id()),
                page: 3,
                page_size: 5,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(last_page.items.len(), 5);
    assert_eq!(last_page.items.last().unwrap().action, "login");

    let sessions = db
        .core
        .list_activity(
            &owner,
            &ActivityQuery {
                entity_type: Some("session".into()),
                page: 1,
                page_size: 100,
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        sessions.total, 8,
        "one login for the admin and each of the seven cashiers"
    );
    assert!(sessions.items.iter().all(|e| e.entity_type == "session"));

    let facets = db.core.activity_facets(&owner).unwrap();
    assert_eq!(facets.entity_types, ["company", "session", "staff"]);
    assert_eq!(facets.staff.len(), 9);
}

#[test]
fn only_owners_and_admins_read_the_log() {
    let (db, owner) = TestDb::with_owner();
    for role in [Role::Technician, Role::Cashier, Role::Reseller] {
        let actor = db.staff(&owner, role.as_str(), role);
        assert!(matches!(
            db.core.list_activity(&actor, &ActivityQuery::default()),
            Err(Error::Forbidden(_))
        ));
    }
}

impl TestDb {
    pub fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use ispdesk_core::Clock;
        self.clock.now()
    }
}
