//! Integration tests of `ispdesk-core` on temporary database files.

mod activity;
mod auth;
mod backup;
mod fixture;
mod freeradius;
mod import;
mod open;
mod permissions;
mod radius_property;
mod schema;
mod secrets;
mod staff;
mod subscribers;
mod sync;

use chrono::{DateTime, Duration, TimeZone, Utc};
use ispdesk_core::{Actor, Clock, Core, CoreOptions, OwnerInput, SetupInput};
use ispdesk_domain::staff::NewStaff;
use ispdesk_domain::{CompanyInput, Role};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A clock the test moves by hand.
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

pub struct TestDb {
    pub dir: tempfile::TempDir,
    pub core: Core,
    pub clock: Arc<ManualClock>,
}

pub const OWNER_PASSWORD: &str = "Warung2026!";
pub const STAFF_PASSWORD: &str = "kopi susu 7";

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl TestDb {
    /// A fresh, migrated database with no setup done.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock(Mutex::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 3, 0, 0).unwrap(),
        )));
        let core = Core::open_with(
            &dir.path().join("ispdesk.sqlite"),
            CoreOptions {
                clock: clock.clone(),
                ..CoreOptions::default()
            },
        )
        .unwrap();
        TestDb { dir, core, clock }
    }

    pub fn path(&self) -> PathBuf {
        self.core.path().to_owned()
    }

    /// Setup done; returns the owner.
    pub fn with_owner() -> (Self, Actor) {
        let db = Self::new();
        let session = db.core.complete_setup(&setup_input()).unwrap();
        (db, session.actor)
    }

    /// Adds a staff member with `role` (as the owner) and signs them in.
    pub fn staff(&self, owner: &Actor, username: &str, role: Role) -> Actor {
        self.core
            .create_staff(
                owner,
                &NewStaff {
                    username: username.into(),
                    full_name: format!("Staf {username}"),
                    role,
                    password: STAFF_PASSWORD.into(),
                },
            )
            .unwrap();
        login(&self.core, username, STAFF_PASSWORD).unwrap().actor
    }
}

pub fn setup_input() -> SetupInput {
    SetupInput {
        company: CompanyInput {
            name: "Berkah Net".into(),
            address: "Jl. Melati 5, Sleman".into(),
            phone: "0812-3456-7890".into(),
            time_zone: "Asia/Jakarta".into(),
            currency: "IDR".into(),
        },
        owner: OwnerInput {
            username: "budi".into(),
            full_name: "Budi Santoso".into(),
            password: OWNER_PASSWORD.into(),
        },
    }
}

pub fn login(
    core: &Core,
    username: &str,
    password: &str,
) -> ispdesk_core::Result<ispdesk_core::Session> {
    core.login(&ispdesk_core::LoginInput {
        username: username.into(),
        password: password.into(),
    })
}

pub fn validation_codes(e: ispdesk_core::Error) -> Vec<(String, ispdesk_domain::ValidationCode)> {
    match e {
        ispdesk_core::Error::Validation(fields) => {
            fields.into_iter().map(|f| (f.field, f.code)).collect()
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
}
