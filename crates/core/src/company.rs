//! The ISP's profile and the first-run setup that creates it with the owner's account.

use crate::Core;
use crate::activity;
use crate::auth::{Actor, Session, authorize, find_staff, hash_password, session_info};
use crate::error::{Error, Result};
use ispdesk_domain::company::validate_company;
use ispdesk_domain::staff::{NewStaff, validate_new_staff};
use ispdesk_domain::time::to_storage;
use ispdesk_domain::{CompanyInput, CompanyProfile, FieldError, Permission, Role, StaffId};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

const COMPANY_KEY: &str = "company";

/// The first-run wizard's two steps.
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct SetupInput {
    pub company: CompanyInput,
    pub owner: OwnerInput,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct OwnerInput {
    pub username: String,
    pub full_name: String,
    pub password: String,
}

pub(crate) fn load(conn: &Connection) -> Result<Option<CompanyProfile>> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [COMPANY_KEY],
            |r| r.get(0),
        )
        .optional()?;
    text.map(|t| {
        serde_json::from_str(&t)
            .map_err(|e| Error::Internal(format!("the stored company profile is unreadable: {e}")))
    })
    .transpose()
}

pub(crate) fn username_taken(conn: &Connection, username: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM staff_users WHERE username = ?1)",
        [username],
        |r| r.get(0),
    )
}

impl Core {
    /// Whether the first-run wizard still has to run: no owner account exists yet.
    pub fn setup_required(&self) -> Result<bool> {
        self.read(|tx| {
            let owners: i64 = tx.query_row(
                "SELECT COUNT(*) FROM staff_users WHERE role = 'owner'",
                [],
                |r| r.get(0),
            )?;
            Ok(owners == 0 || load(tx)?.is_none())
        })
    }

    /// The ISP's profile without signing in (the sign-in screen shows the ISP's name).
    pub fn company_profile(&self) -> Result<Option<CompanyProfile>> {
        self.read(|tx| load(tx))
    }

    /// Completes the first-run wizard: saves the ISP's profile, creates the owner and
    /// signs them in. Refused once an owner exists.
    pub fn complete_setup(&self, input: &SetupInput) -> Result<Session> {
        let now = self.now();
        let company = validate_company(&input.company);
        let owner = validate_new_staff(&NewStaff {
            username: input.owner.username.clone(),
            full_name: input.owner.full_name.clone(),
            role: Role::Owner,
            password: input.owner.password.clone(),
        });
        let (company, owner) = match (company, owner) {
            (Ok(c), Ok(o)) => (c, o),
            (c, o) => {
                let mut errors: Vec<FieldError> = c.err().unwrap_or_default();
                errors.extend(o.err().unwrap_or_default());
                return Err(Error::Validation(errors));
            }
        };
        let hash = hash_password(&owner.password)?;
        self.write(|tx| {
            if !tx
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM staff_users)", [], |r| {
                    r.get::<_, bool>(0)
                })?
            {
                return Err(Error::SetupAlreadyDone);
            }
            let stamp = to_storage(now);
            let profile = serde_json::to_string(&company).expect("profile serialises");
            tx.execute(
                "INSERT INTO settings (key, value, rev, updated_at) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, rev = settings.rev + 1, updated_at = excluded.updated_at",
                (COMPANY_KEY, &profile, &stamp),
            )?;
            let id = StaffId::new();
            tx.execute(
                "INSERT INTO staff_users (id, username, full_name, role, password_hash, active, last_login_at, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'owner', ?4, 1, ?5, ?5, ?5)",
                (id.to_string(), &owner.username, &owner.full_name, &hash, &stamp),
            )?;
            let row = find_staff(tx, id)?.ok_or(Error::NotFound("staff"))?;
            activity::record(
                tx,
                now,
                &row.who(),
                "setup",
                "company",
                Some(COMPANY_KEY),
                &company.name,
                None,
                Some(serde_json::to_value(&company).expect("profile serialises")),
            )?;
            activity::record(
                tx,
                now,
                &row.who(),
                "create",
                "staff",
                Some(&id.to_string()),
                &owner.username,
                None,
                Some(serde_json::json!({
                    "username": owner.username,
                    "full_name": owner.full_name,
                    "role": Role::Owner,
                    "active": true,
                })),
            )?;
            Ok(Session {
                actor: Actor::new(id),
                info: session_info(tx, &row)?,
            })
        })
    }

    pub fn get_company(&self, actor: &Actor) -> Result<CompanyProfile> {
        self.read(|tx| {
            authorize(tx, actor, None)?;
            load(tx)?.ok_or(Error::NotFound("company"))
        })
    }

    pub fn update_company(&self, actor: &Actor, input: &CompanyInput) -> Result<CompanyProfile> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageSettings))?;
            let new = validate_company(input)?;
            let old = load(tx)?.ok_or(Error::NotFound("company"))?;
            if old == new {
                return Ok(new);
            }
            tx.execute(
                "UPDATE settings SET value = ?2, rev = rev + 1, updated_at = ?3 WHERE key = ?1",
                (
                    COMPANY_KEY,
                    serde_json::to_string(&new).expect("profile serialises"),
                    to_storage(now),
                ),
            )?;
            activity::record(
                tx,
                now,
                &me.who(),
                "update",
                "company",
                Some(COMPANY_KEY),
                &new.name,
                Some(serde_json::to_value(&old).expect("profile serialises")),
                Some(serde_json::to_value(&new).expect("profile serialises")),
            )?;
            Ok(new)
        })
    }
}
