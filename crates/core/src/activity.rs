//! The activity log: who did what, when, with the values before and after. Written in the
//! same transaction as the change it records, so the log and the books never disagree.

use crate::Core;
use crate::auth::{Actor, authorize};
use crate::error::Result;
use chrono::{DateTime, Utc};
use ispdesk_domain::staff::StaffUser;
use ispdesk_domain::time::{from_storage, to_storage};
use ispdesk_domain::{ActivityId, Permission, StaffId};
use rusqlite::{Connection, ToSql};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Who an entry is attributed to: a staff member, the system (scheduled jobs), or a name
/// typed at the sign-in screen that matches no account.
pub(crate) struct Who {
    pub staff_id: Option<StaffId>,
    pub name: String,
}

impl Who {
    pub fn staff(user: &StaffUser) -> Self {
        Who {
            staff_id: Some(user.id),
            name: user.full_name.clone(),
        }
    }

    pub fn system() -> Self {
        Who {
            staff_id: None,
            name: SYSTEM.into(),
        }
    }

    pub fn anonymous(typed_username: &str) -> Self {
        Who {
            staff_id: None,
            name: typed_username.chars().take(64).collect(),
        }
    }
}

/// Every action the log records. The UI names each in the user's language, and a contract
/// test checks both catalogues have them all; `record` refuses (in debug builds, so in every
/// test) an action missing here.
pub const ACTIONS: &[&str] = &[
    "setup",
    "login",
    "login_failed",
    "logout",
    "create",
    "update",
    "delete",
    "role_change",
    "disable",
    "enable",
    "password_reset",
    "password_change",
    "backup",
    "restore",
    "suspend",
    "reactivate",
    "renew",
    "deactivate",
    "expire",
    "import",
    "reveal_password",
    "pin_certificate",
    "secrets_recovered",
    "provision",
    "disconnect",
    "pair",
    "unpair",
];

/// Every kind of record the log names, under the same rule as [`ACTIONS`].
pub const ENTITIES: &[&str] = &[
    "company",
    "staff",
    "session",
    "backup",
    "router",
    "ip_pool",
    "bandwidth_profile",
    "pppoe_profile",
    "pppoe_server",
    "hotspot_profile",
    "hotspot_server",
    "plan",
    "customer",
    "radius_settings",
    "secret_key",
    "platform",
];

/// The name the log gives scheduled jobs (provisioning, expiry); the UI shows it translated.
pub const SYSTEM: &str = "system";

#[expect(
    clippy::too_many_arguments,
    reason = "one column each; a struct would only rename them"
)]
pub(crate) fn record(
    conn: &Connection,
    at: DateTime<Utc>,
    who: &Who,
    action: &str,
    entity_type: &str,
    entity_id: Option<&str>,
    summary: &str,
    old_values: Option<Value>,
    new_values: Option<Value>,
) -> Result<()> {
    debug_assert!(
        ACTIONS.contains(&action),
        "activity action {action:?} is missing from activity::ACTIONS (and its translations)"
    );
    debug_assert!(
        ENTITIES.contains(&entity_type),
        "activity entity {entity_type:?} is missing from activity::ENTITIES (and its translations)"
    );
    conn.execute(
        "INSERT INTO activity_log (id, at, staff_id, staff_name, action, entity_type, entity_id, summary, old_values, new_values)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        (
            ActivityId::new().to_string(),
            to_storage(at),
            who.staff_id.map(|id| id.to_string()),
            &who.name,
            action,
            entity_type,
            entity_id,
            summary,
            old_values.map(|v| v.to_string()),
            new_values.map(|v| v.to_string()),
        ),
    )?;
    Ok(())
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ActivityEntry {
    pub id: ActivityId,
    pub at: DateTime<Utc>,
    pub staff_id: Option<StaffId>,
    pub staff_name: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub summary: String,
    pub old_values: Option<Value>,
    pub new_values: Option<Value>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct ActivityQuery {
    pub staff_id: Option<StaffId>,
    pub entity_type: Option<String>,
    /// From 1.
    pub page: u32,
    pub page_size: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Page<T> {
    pub items: Vec<T>,
    // JSON numbers: exact up to 2^53, far beyond any count or Rupiah amount here.
    #[ts(type = "number")]
    pub total: u64,
    /// The matches were counted only up to `total` (a very short search over a very long
    /// list): show it as "5.000+".
    pub total_capped: bool,
    pub page: u32,
    pub page_size: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct FacetStaff {
    pub id: StaffId,
    pub name: String,
}

/// The values the activity log can be filtered by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct ActivityFacets {
    pub staff: Vec<FacetStaff>,
    pub entity_types: Vec<String>,
}

pub const MAX_PAGE_SIZE: u32 = 200;

impl Core {
    /// The log, newest first, filtered by staff member and entity type.
    pub fn list_activity(
        &self,
        actor: &Actor,
        query: &ActivityQuery,
    ) -> Result<Page<ActivityEntry>> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ViewActivityLog))?;
            let page = query.page.max(1);
            let page_size = query.page_size.clamp(1, MAX_PAGE_SIZE);
            let mut filters = Vec::new();
            let mut params: Vec<Box<dyn ToSql>> = Vec::new();
            if let Some(staff) = query.staff_id {
                params.push(Box::new(staff.to_string()));
                filters.push(format!("staff_id = ?{}", params.len()));
            }
            if let Some(entity) = query.entity_type.as_ref().filter(|e| !e.is_empty()) {
                params.push(Box::new(entity.clone()));
                filters.push(format!("entity_type = ?{}", params.len()));
            }
            let filter = if filters.is_empty() {
                String::new()
            } else {
                format!("WHERE {}", filters.join(" AND "))
            };
            let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
            let total: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM activity_log {filter}"),
                refs.as_slice(),
                |r| r.get(0),
            )?;
            let total = total.max(0) as u64;
            let sql = format!(
                "SELECT id, at, staff_id, staff_name, action, entity_type, entity_id, summary, old_values, new_values
                 FROM activity_log {filter} ORDER BY at DESC, id DESC LIMIT {page_size} OFFSET {}",
                u64::from(page - 1) * u64::from(page_size)
            );
            let mut stmt = tx.prepare(&sql)?;
            let items = stmt
                .query_map(refs.as_slice(), |r| {
                    let id: String = r.get(0)?;
                    let at: String = r.get(1)?;
                    let staff_id: Option<String> = r.get(2)?;
                    let old: Option<String> = r.get(8)?;
                    let new: Option<String> = r.get(9)?;
                    Ok(ActivityEntry {
                        id: id.parse().unwrap_or_default(),
                        at: from_storage(&at).unwrap_or_default(),
                        staff_id: staff_id.and_then(|s| s.parse().ok()),
                        staff_name: r.get(3)?,
                        action: r.get(4)?,
                        entity_type: r.get(5)?,
                        entity_id: r.get(6)?,
                        summary: r.get(7)?,
                        old_values: old.and_then(|v| serde_json::from_str(&v).ok()),
                        new_values: new.and_then(|v| serde_json::from_str(&v).ok()),
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Page {
                items,
                total,
                total_capped: false,
                page,
                page_size,
            })
        })
    }

    pub fn activity_facets(&self, actor: &Actor) -> Result<ActivityFacets> {
        self.read(|tx| {
            authorize(tx, actor, Some(Permission::ViewActivityLog))?;
            let mut stmt =
                tx.prepare("SELECT id, full_name FROM staff_users ORDER BY full_name")?;
            let staff = stmt
                .query_map([], |r| {
                    let id: String = r.get(0)?;
                    Ok((id, r.get::<_, String>(1)?))
                })?
                .filter_map(|r| {
                    r.ok()
                        .and_then(|(id, name)| id.parse().ok().map(|id| FacetStaff { id, name }))
                })
                .collect();
            let mut stmt =
                tx.prepare("SELECT DISTINCT entity_type FROM activity_log ORDER BY entity_type")?;
            let entity_types = stmt
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok(ActivityFacets {
                staff,
                entity_types,
            })
        })
    }
}
