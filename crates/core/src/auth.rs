//! Signing in and out, password hashing, throttling, and the role check every operation
//! starts with.

use crate::Core;
use crate::activity::{self, Who};
use crate::company;
use crate::error::{Error, Result};
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use ispdesk_domain::staff::{StaffUser, normalize_username};
use ispdesk_domain::time::{from_storage, to_storage};
use ispdesk_domain::{CompanyProfile, Permission, Role, StaffId};
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

/// Failed sign-ins in a row before the account has to wait.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long it waits.
pub const LOCKOUT: Duration = Duration::seconds(30);

/// A signed-in staff member, as the core knows them. Only the core makes one (at sign-in
/// or setup), so the UI cannot act as someone it has not authenticated. It carries no
/// role: the role is read from the database on every operation, so a change of role or a
/// disabled account takes effect at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    staff_id: StaffId,
}

impl Actor {
    pub(crate) fn new(staff_id: StaffId) -> Self {
        Self { staff_id }
    }

    pub fn staff_id(&self) -> StaffId {
        self.staff_id
    }
}

/// What the UI learns at sign-in: who, what they may do, and the ISP's profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionInfo {
    pub staff: StaffUser,
    pub permissions: Vec<Permission>,
    pub company: CompanyProfile,
}

#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    pub info: SessionInfo,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
}

/// A staff row as stored, with the secrets the UI never sees.
#[derive(Clone, Debug)]
pub(crate) struct StaffRow {
    pub user: StaffUser,
    pub password_hash: String,
    pub failed_logins: i64,
    pub locked_until: Option<DateTime<Utc>>,
}

impl StaffRow {
    pub const COLUMNS: &'static str = "id, username, full_name, role, active, created_at, last_login_at, password_hash, failed_logins, locked_until";

    pub fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let id: String = row.get(0)?;
        let role: String = row.get(3)?;
        let bad = |i: usize, what: &str| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                format!("bad {what} in staff_users").into(),
            )
        };
        let created_at: String = row.get(5)?;
        let last_login_at: Option<String> = row.get(6)?;
        let locked_until: Option<String> = row.get(9)?;
        Ok(StaffRow {
            user: StaffUser {
                id: id.parse().map_err(|_| bad(0, "id"))?,
                username: row.get(1)?,
                full_name: row.get(2)?,
                role: role.parse::<Role>().map_err(|_| bad(3, "role"))?,
                active: row.get(4)?,
                created_at: from_storage(&created_at).ok_or_else(|| bad(5, "created_at"))?,
                last_login_at: last_login_at.as_deref().and_then(from_storage),
            },
            password_hash: row.get(7)?,
            failed_logins: row.get(8)?,
            locked_until: locked_until.as_deref().and_then(from_storage),
        })
    }

    pub fn who(&self) -> Who {
        Who::staff(&self.user)
    }
}

pub(crate) fn find_staff(conn: &Connection, id: StaffId) -> rusqlite::Result<Option<StaffRow>> {
    conn.query_row(
        &format!(
            "SELECT {} FROM staff_users WHERE id = ?1",
            StaffRow::COLUMNS
        ),
        [id.to_string()],
        StaffRow::from_row,
    )
    .optional()
}

fn find_staff_by_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<StaffRow>> {
    conn.query_row(
        &format!(
            "SELECT {} FROM staff_users WHERE username = ?1",
            StaffRow::COLUMNS
        ),
        [username],
        StaffRow::from_row,
    )
    .optional()
}

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes), salted.
pub(crate) fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| Error::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing a password: {e}")))
}

pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing in particular, verified against when the username does not exist, so
/// a wrong username takes as long as a wrong password.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password 0").unwrap_or_default())
}

pub(crate) fn session_info(conn: &Connection, row: &StaffRow) -> Result<SessionInfo> {
    let company = company::load(conn)?.ok_or(Error::NotFound("company"))?;
    Ok(SessionInfo {
        staff: row.user.clone(),
        permissions: row.user.role.permissions(),
        company,
    })
}

impl Core {
    /// Signs a staff member in.
    ///
    /// A wrong username and a wrong password get the same answer. After
    /// [`MAX_FAILED_LOGINS`] failures in a row the account waits [`LOCKOUT`] before the
    /// next try, and each further failure makes it wait again, until a success.
    pub fn login(&self, input: &LoginInput) -> Result<Session> {
        let username = normalize_username(&input.username);
        let now = self.now();
        // The outcome is committed even when sign-in fails: the failure counts.
        self.write(|tx| {
            let Some(row) = find_staff_by_username(tx, &username)? else {
                verify_password(dummy_hash(), &input.password);
                activity::record(
                    tx,
                    now,
                    &Who::anonymous(&username),
                    "login_failed",
                    "session",
                    None,
                    "unknown username",
                    None,
                    None,
                )?;
                return Ok(Err(Error::InvalidCredentials));
            };
            if let Some(until) = row.locked_until.filter(|u| *u > now) {
                return Ok(Err(Error::LoginThrottled {
                    retry_after_secs: seconds_until(now, until),
                }));
            }
            if !verify_password(&row.password_hash, &input.password) {
                let failures = row.failed_logins + 1;
                let locked_until = (failures >= MAX_FAILED_LOGINS).then(|| now + LOCKOUT);
                tx.execute(
                    "UPDATE staff_users SET failed_logins = ?2, locked_until = ?3 WHERE id = ?1",
                    (
                        row.user.id.to_string(),
                        failures,
                        locked_until.map(to_storage),
                    ),
                )?;
                activity::record(
                    tx,
                    now,
                    &row.who(),
                    "login_failed",
                    "session",
                    Some(&row.user.id.to_string()),
                    &format!("failure {failures} in a row"),
                    None,
                    None,
                )?;
                return Ok(Err(match locked_until {
                    Some(until) => Error::LoginThrottled {
                        retry_after_secs: seconds_until(now, until),
                    },
                    None => Error::InvalidCredentials,
                }));
            }
            if !row.user.active {
                return Ok(Err(Error::AccountDisabled));
            }
            tx.execute(
                "UPDATE staff_users SET failed_logins = 0, locked_until = NULL, last_login_at = ?2 WHERE id = ?1",
                (row.user.id.to_string(), to_storage(now)),
            )?;
            activity::record(
                tx,
                now,
                &row.who(),
                "login",
                "session",
                Some(&row.user.id.to_string()),
                "",
                None,
                None,
            )?;
            let row = find_staff(tx, row.user.id)?.ok_or(Error::NotFound("staff"))?;
            Ok(Ok(Session {
                actor: Actor::new(row.user.id),
                info: session_info(tx, &row)?,
            }))
        })?
    }

    pub fn logout(&self, actor: &Actor) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let Some(row) = find_staff(tx, actor.staff_id)? else {
                return Ok(());
            };
            activity::record(
                tx,
                now,
                &row.who(),
                "logout",
                "session",
                Some(&row.user.id.to_string()),
                "",
                None,
                None,
            )
        })
    }

    /// The signed-in staff member's current view: role and permissions as they are now.
    pub fn session_info(&self, actor: &Actor) -> Result<SessionInfo> {
        self.read(|tx| {
            let row = authorize(tx, actor, None)?;
            session_info(tx, &row)
        })
    }

    /// Checks `permission` for `actor` without doing anything; what every operation does
    /// first. `None` asks only that the actor is a signed-in, active staff member.
    pub fn check_permission(&self, actor: &Actor, permission: Option<Permission>) -> Result<()> {
        self.read(|tx| authorize(tx, actor, permission).map(|_| ()))
    }
}

/// Loads the actor's staff row and checks they are active and hold `permission`.
pub(crate) fn authorize(
    conn: &Connection,
    actor: &Actor,
    permission: Option<Permission>,
) -> Result<StaffRow> {
    let row = find_staff(conn, actor.staff_id)?.ok_or(Error::NotSignedIn)?;
    if !row.user.active {
        return Err(Error::AccountDisabled);
    }
    if let Some(p) = permission
        && !row.user.role.can(p)
    {
        return Err(Error::Forbidden(p));
    }
    Ok(row)
}

/// Like [`authorize`], for reads several roles need: any one of `permissions` will do
/// (a cashier reads the plans and routers to fill in a customer, without managing them).
pub(crate) fn authorize_any(
    conn: &Connection,
    actor: &Actor,
    permissions: &[Permission],
) -> Result<StaffRow> {
    let row = authorize(conn, actor, None)?;
    if permissions.iter().any(|p| row.user.role.can(*p)) {
        Ok(row)
    } else {
        Err(Error::Forbidden(permissions[0]))
    }
}

fn seconds_until(now: DateTime<Utc>, until: DateTime<Utc>) -> u64 {
    let ms = (until - now).num_milliseconds().max(0) as u64;
    ms.div_ceil(1000).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_password("kopi susu 7").unwrap();
        let b = hash_password("kopi susu 7").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "each hash has its own salt");
        assert!(verify_password(&a, "kopi susu 7"));
        assert!(!verify_password(&a, "kopi susu 8"));
        assert!(!verify_password("not a hash", "kopi susu 7"));
    }

    #[test]
    fn wait_is_rounded_up_to_whole_seconds() {
        let now = Utc::now();
        assert_eq!(seconds_until(now, now + Duration::milliseconds(29_001)), 30);
        assert_eq!(seconds_until(now, now + Duration::seconds(30)), 30);
        assert_eq!(seconds_until(now, now + Duration::milliseconds(10)), 1);
    }
}
