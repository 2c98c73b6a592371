//! Managing staff accounts: add, change role, disable or enable, reset a password, and
//! change one's own password.

use crate::Core;
use crate::activity;
use crate::auth::{Actor, StaffRow, authorize, find_staff, hash_password, verify_password};
use crate::company::username_taken;
use crate::error::{Error, Result};
use ispdesk_domain::staff::{NewStaff, StaffUser, check_password, validate_new_staff};
use ispdesk_domain::time::to_storage;
use ispdesk_domain::{FieldError, Permission, Role, StaffId, ValidationCode};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct ChangeStaffRole {
    pub staff_id: StaffId,
    pub role: Role,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct SetStaffActive {
    pub staff_id: StaffId,
    pub active: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct ResetStaffPassword {
    pub staff_id: StaffId,
    pub password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct ChangeOwnPassword {
    pub current_password: String,
    pub new_password: String,
}

fn snapshot(user: &StaffUser) -> serde_json::Value {
    json!({
        "username": user.username,
        "full_name": user.full_name,
        "role": user.role,
        "active": user.active,
    })
}

// Nobody may disable or demote their own account, and only an active owner may touch an
// owner's account; together these keep at least one active owner at all times, so no
// separate "last owner" check is needed.

/// Loads the target of a staff operation and checks the actor may touch it.
fn target(conn: &Connection, me: &StaffRow, id: StaffId) -> Result<StaffRow> {
    let target = find_staff(conn, id)?.ok_or(Error::NotFound("staff"))?;
    if !me.user.role.can_manage_staff_role(target.user.role) {
        return Err(Error::OwnerOnly);
    }
    Ok(target)
}

impl Core {
    pub fn list_staff(&self, actor: &Actor) -> Result<Vec<StaffUser>> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ManageStaff))?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {} FROM staff_users ORDER BY active DESC, full_name COLLATE NOCASE",
                StaffRow::COLUMNS
            ))?;
            let rows = stmt
                .query_map([], StaffRow::from_row)?
                .map(|r| r.map(|row| row.user))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    pub fn create_staff(&self, actor: &Actor, input: &NewStaff) -> Result<StaffUser> {
        let now = self.now();
        // Check the permission before spending time on hashing.
        let me = self.read(|tx| authorize(tx, actor, Some(Permission::ManageStaff)))?;
        if !me.user.role.can_manage_staff_role(input.role) {
            return Err(Error::OwnerOnly);
        }
        let new = validate_new_staff(input)?;
        let hash = hash_password(&new.password)?;
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageStaff))?;
            if username_taken(tx, &new.username)? {
                return Err(Error::Validation(vec![FieldError::new(
                    "username",
                    ValidationCode::UsernameTaken,
                )]));
            }
            let id = StaffId::new();
            let stamp = to_storage(now);
            tx.execute(
                "INSERT INTO staff_users (id, username, full_name, role, password_hash, active, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6)",
                (
                    id.to_string(),
                    &new.username,
                    &new.full_name,
                    new.role.as_str(),
                    &hash,
                    &stamp,
                ),
            )?;
            let created = find_staff(tx, id)?.ok_or(Error::NotFound("staff"))?.user;
            activity::record(
                tx,
                now,
                &me.who(),
                "create",
                "staff",
                Some(&id.to_string()),
                &created.username,
                None,
                Some(snapshot(&created)),
            )?;
            Ok(created)
        })
    }

    pub fn change_staff_role(&self, actor: &Actor, input: &ChangeStaffRole) -> Result<StaffUser> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageStaff))?;
            let old = target(tx, &me, input.staff_id)?.user;
            if !me.user.role.can_manage_staff_role(input.role) {
                return Err(Error::OwnerOnly);
            }
            if old.role == input.role {
                return Ok(old);
            }
            if old.id == me.user.id {
                return Err(Error::OwnAccount);
            }
            tx.execute(
                "UPDATE staff_users SET role = ?2, updated_at = ?3 WHERE id = ?1",
                (old.id.to_string(), input.role.as_str(), to_storage(now)),
            )?;
            let new = find_staff(tx, old.id)?
                .ok_or(Error::NotFound("staff"))?
                .user;
            activity::record(
                tx,
                now,
                &me.who(),
                "role_change",
                "staff",
                Some(&old.id.to_string()),
                &new.username,
                Some(json!({ "role": old.role })),
                Some(json!({ "role": new.role })),
            )?;
            Ok(new)
        })
    }

    pub fn set_staff_active(&self, actor: &Actor, input: &SetStaffActive) -> Result<StaffUser> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageStaff))?;
            let old = target(tx, &me, input.staff_id)?.user;
            if old.active == input.active {
                return Ok(old);
            }
            if old.id == me.user.id {
                return Err(Error::OwnAccount);
            }
            tx.execute(
                "UPDATE staff_users SET active = ?2, failed_logins = 0, locked_until = NULL, updated_at = ?3 WHERE id = ?1",
                (old.id.to_string(), input.active, to_storage(now)),
            )?;
            let new = find_staff(tx, old.id)?.ok_or(Error::NotFound("staff"))?.user;
            activity::record(
                tx,
                now,
                &me.who(),
                if input.active { "enable" } else { "disable" },
                "staff",
                Some(&old.id.to_string()),
                &new.username,
                Some(json!({ "active": old.active })),
                Some(json!({ "active": new.active })),
            )?;
            Ok(new)
        })
    }

    /// Sets a new password for another staff member (who forgot theirs). Also lifts a
    /// sign-in wait.
    pub fn reset_staff_password(&self, actor: &Actor, input: &ResetStaffPassword) -> Result<()> {
        let now = self.now();
        let (me, target_user) = self.read(|tx| {
            let me = authorize(tx, actor, Some(Permission::ManageStaff))?;
            let t = target(tx, &me, input.staff_id)?;
            Ok((me, t.user))
        })?;
        let errors = check_password("password", &input.password, &target_user.username);
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let hash = hash_password(&input.password)?;
        self.write(|tx| {
            // Checked again inside the write: the roles may have changed meanwhile.
            let me_now = authorize(tx, actor, Some(Permission::ManageStaff))?;
            let t = target(tx, &me_now, input.staff_id)?;
            tx.execute(
                "UPDATE staff_users SET password_hash = ?2, failed_logins = 0, locked_until = NULL, updated_at = ?3 WHERE id = ?1",
                (t.user.id.to_string(), &hash, to_storage(now)),
            )?;
            activity::record(
                tx,
                now,
                &me.who(),
                "password_reset",
                "staff",
                Some(&t.user.id.to_string()),
                &t.user.username,
                None,
                None,
            )
        })
    }

    pub fn change_own_password(&self, actor: &Actor, input: &ChangeOwnPassword) -> Result<()> {
        let now = self.now();
        let me = self.read(|tx| authorize(tx, actor, None))?;
        if !verify_password(&me.password_hash, &input.current_password) {
            return Err(Error::Validation(vec![FieldError::new(
                "current_password",
                ValidationCode::WrongCurrentPassword,
            )]));
        }
        let errors = check_password("new_password", &input.new_password, &me.user.username);
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        let hash = hash_password(&input.new_password)?;
        self.write(|tx| {
            let me = authorize(tx, actor, None)?;
            tx.execute(
                "UPDATE staff_users SET password_hash = ?2, updated_at = ?3 WHERE id = ?1",
                (me.user.id.to_string(), &hash, to_storage(now)),
            )?;
            activity::record(
                tx,
                now,
                &me.who(),
                "password_change",
                "staff",
                Some(&me.user.id.to_string()),
                &me.user.username,
                None,
                None,
            )
        })
    }
}
