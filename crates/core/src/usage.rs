//! Sessions and usage from the accounting FreeRADIUS records (`radacct`, kept locally from
//! the platform's feed or written by a FreeRADIUS reading this database): who is online
//! now per router, a customer's session history with its bytes, and usage per plan.

use crate::Core;
use crate::activity::Page;
use crate::auth::{Actor, authorize};
use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use ispdesk_domain::time::{from_storage, to_storage};
use ispdesk_domain::{CustomerId, Permission, PlanId, RouterId};
use rusqlite::{Row, ToSql};
use serde::{Deserialize, Serialize};

/// One accounting session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct AccountingSession {
    pub session_id: String,
    pub username: String,
    /// The customer with this username, if there is one.
    pub customer_id: Option<CustomerId>,
    pub customer_name: Option<String>,
    pub router_id: Option<RouterId>,
    pub router_name: Option<String>,
    pub nas_address: String,
    pub address: String,
    pub mac: String,
    pub started_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    #[ts(type = "number")]
    pub session_seconds: i64,
    /// From the customer (upload).
    #[ts(type = "number")]
    pub bytes_in: i64,
    /// To the customer (download).
    #[ts(type = "number")]
    pub bytes_out: i64,
    pub terminate_cause: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct SessionQuery {
    pub router_id: Option<RouterId>,
    pub customer_id: Option<CustomerId>,
    /// Only sessions still open.
    pub online_only: bool,
    pub page: u32,
    pub page_size: u32,
}

/// Bytes used on one plan over a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct PlanUsage {
    pub plan_id: Option<PlanId>,
    pub plan_name: Option<String>,
    #[ts(type = "number")]
    pub customers: i64,
    #[ts(type = "number")]
    pub sessions: i64,
    #[ts(type = "number")]
    pub bytes_in: i64,
    #[ts(type = "number")]
    pub bytes_out: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct UsageQuery {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

const SESSION_COLUMNS: &str = "a.acctsessionid, a.username, c.id, c.name, r.id, r.name, a.nasipaddress, a.framedipaddress, a.callingstationid, a.acctstarttime, a.acctupdatetime, a.acctstoptime, COALESCE(a.acctsessiontime, 0), COALESCE(a.acctinputoctets, 0), COALESCE(a.acctoutputoctets, 0), a.acctterminatecause";

/// Accounting times are the app's UTC text, or Unix seconds where a stock FreeRADIUS
/// query wrote them.
fn time(value: Option<String>) -> Option<DateTime<Utc>> {
    let text = value?;
    from_storage(&text).or_else(|| {
        text.parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
    })
}

fn session_from_row(r: &Row<'_>) -> rusqlite::Result<AccountingSession> {
    let text = |i: usize| -> rusqlite::Result<Option<String>> {
        Ok(match r.get_ref(i)? {
            rusqlite::types::ValueRef::Null => None,
            rusqlite::types::ValueRef::Integer(n) => Some(n.to_string()),
            rusqlite::types::ValueRef::Real(x) => Some(x.to_string()),
            rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                Some(String::from_utf8_lossy(t).into_owned())
            }
        })
    };
    Ok(AccountingSession {
        session_id: text(0)?.unwrap_or_default(),
        username: text(1)?.unwrap_or_default(),
        customer_id: text(2)?.and_then(|t| t.parse().ok()),
        customer_name: text(3)?,
        router_id: text(4)?.and_then(|t| t.parse().ok()),
        router_name: text(5)?,
        nas_address: text(6)?.unwrap_or_default(),
        address: text(7)?.unwrap_or_default(),
        mac: text(8)?.unwrap_or_default(),
        started_at: time(text(9)?),
        updated_at: time(text(10)?),
        stopped_at: time(text(11)?),
        session_seconds: r.get(12)?,
        bytes_in: r.get(13)?,
        bytes_out: r.get(14)?,
        terminate_cause: text(15)?.unwrap_or_default(),
    })
}

impl Core {
    /// Accounting sessions, newest first: online now (per router), or a customer's history.
    pub fn accounting_sessions(
        &self,
        actor: &Actor,
        query: &SessionQuery,
    ) -> Result<Page<AccountingSession>> {
        self.read(|tx| {
            let me = authorize(tx, actor, None)?;
            if !(me.user.role.can(Permission::ManageCustomers) || me.user.role.can(Permission::ManageRouters)) {
                return Err(Error::Forbidden(Permission::ManageCustomers));
            }
            let page = query.page.max(1);
            let page_size = query.page_size.clamp(1, 500);
            let mut filters = Vec::new();
            let mut params: Vec<Box<dyn ToSql>> = Vec::new();
            if query.online_only {
                filters.push("a.acctstoptime IS NULL".to_owned());
            }
            if let Some(router) = query.router_id {
                params.push(Box::new(router.to_string()));
                filters.push(format!("r.id = ?{}", params.len()));
            }
            if let Some(customer) = query.customer_id {
                params.push(Box::new(customer.to_string()));
                filters.push(format!("c.id = ?{}", params.len()));
            }
            let filter = if filters.is_empty() { String::new() } else { format!("WHERE {}", filters.join(" AND ")) };
            let from = "FROM radacct a LEFT JOIN customers c ON c.username = a.username LEFT JOIN routers r ON r.address = a.nasipaddress";
            let refs: Vec<&dyn ToSql> = params.iter().map(|p| p.as_ref()).collect();
            let total: i64 = tx.query_row(&format!("SELECT COUNT(*) {from} {filter}"), refs.as_slice(), |r| r.get(0))?;
            let mut stmt = tx.prepare(&format!(
                "SELECT {SESSION_COLUMNS} {from} {filter} ORDER BY a.acctstarttime DESC, a.radacctid DESC LIMIT {page_size} OFFSET {}",
                u64::from(page - 1) * u64::from(page_size)
            ))?;
            let items = stmt.query_map(refs.as_slice(), session_from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(Page { items, total: total.max(0) as u64, total_capped: false, page, page_size })
        })
    }

    /// Bytes per plan over sessions that started in the period.
    pub fn usage_by_plan(&self, actor: &Actor, query: &UsageQuery) -> Result<Vec<PlanUsage>> {
        self.read(|tx| {
            let me = authorize(tx, actor, None)?;
            if !(me.user.role.can(Permission::ViewReports) || me.user.role.can(Permission::ManageRouters)) {
                return Err(Error::Forbidden(Permission::ViewReports));
            }
            let mut stmt = tx.prepare(
                "SELECT p.id, p.name, COUNT(DISTINCT a.username), COUNT(*),
                        COALESCE(SUM(a.acctinputoctets), 0), COALESCE(SUM(a.acctoutputoctets), 0)
                 FROM radacct a
                 LEFT JOIN customers c ON c.username = a.username
                 LEFT JOIN service_plans p ON p.id = c.plan_id
                 WHERE a.acctstarttime >= ?1 AND a.acctstarttime < ?2
                 GROUP BY p.id ORDER BY SUM(COALESCE(a.acctinputoctets, 0) + COALESCE(a.acctoutputoctets, 0)) DESC",
            )?;
            let rows = stmt
                .query_map((to_storage(query.from), to_storage(query.to)), |r| {
                    Ok(PlanUsage {
                        plan_id: r.get::<_, Option<String>>(0)?.and_then(|p| p.parse().ok()),
                        plan_name: r.get(1)?,
                        customers: r.get(2)?,
                        sessions: r.get(3)?,
                        bytes_in: r.get(4)?,
                        bytes_out: r.get(5)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }
}
