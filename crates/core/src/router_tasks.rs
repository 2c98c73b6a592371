//! Live routers, as the core sees them: which staff may do which task on a router (and the
//! opened credentials the task needs), the activity log of what was done there, and the
//! system's own access for the background poller. The network is not here: `ispdesk-routers`
//! talks to the routers and calls these around what it does.
//!
//! A task on a router cannot share the SQLite transaction of its log entry (the router is not
//! in the database), so a task authorizes first, acts, then logs with
//! [`Core::record_router_task`], which authorizes again in the logging transaction.

use crate::Core;
use crate::activity::{self, Who};
use crate::auth::{Actor, authorize};
use crate::error::{Error, Result};
use crate::network::{RouterCredentials, load_router};
use crate::secrets::Purpose;
use ispdesk_domain::{Permission, Role, RouterId};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

/// Something staff do on a live router, each with its permission rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RouterTask {
    /// Test the connection, confirm the certificate: `manage_routers`.
    TestConnection,
    /// Read health and traffic: `manage_routers`.
    Monitor,
    /// See who is online: `manage_routers` or `manage_customers` (the cashier on the phone
    /// with a subscriber).
    ViewSessions,
    /// Disconnect a session: as [`RouterTask::ViewSessions`].
    DisconnectSession,
    /// Read the router's secrets and users and import them as customers: both
    /// `manage_routers` (the router's passwords) and `manage_customers`.
    Import,
    /// See and apply the provisioning diff: `manage_routers`.
    Provision,
}

impl RouterTask {
    /// `Ok` when `role` may do the task; otherwise the permission it lacks.
    pub fn check(self, role: Role) -> std::result::Result<(), Permission> {
        let routers = role.can(Permission::ManageRouters);
        let customers = role.can(Permission::ManageCustomers);
        let allowed = match self {
            RouterTask::TestConnection | RouterTask::Monitor | RouterTask::Provision => routers,
            RouterTask::ViewSessions | RouterTask::DisconnectSession => routers || customers,
            RouterTask::Import => routers && customers,
        };
        match (allowed, routers) {
            (true, _) => Ok(()),
            (false, false) => Err(Permission::ManageRouters),
            (false, true) => Err(Permission::ManageCustomers),
        }
    }
}

pub(crate) fn authorize_task(
    conn: &Connection,
    actor: &Actor,
    task: RouterTask,
) -> Result<crate::auth::StaffRow> {
    let row = authorize(conn, actor, None)?;
    task.check(row.user.role).map_err(Error::Forbidden)?;
    Ok(row)
}

/// The router with its API password opened.
pub(crate) fn open_credentials(
    core: &Core,
    conn: &Connection,
    id: RouterId,
) -> Result<RouterCredentials> {
    let router = load_router(conn, id)?.ok_or(Error::NotFound("router"))?;
    let (sealed, fingerprint): (Option<Vec<u8>>, Option<String>) = conn.query_row(
        "SELECT api_password_enc, tls_fingerprint FROM routers WHERE id = ?1",
        [id.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let api_password = match sealed {
        Some(s) => Some(
            core.vault
                .open(Purpose::RouterApiPassword, &s)
                .ok_or(Error::SecretsUnavailable)?,
        ),
        None => None,
    };
    Ok(RouterCredentials {
        router,
        api_password,
        tls_fingerprint: fingerprint,
    })
}

impl Core {
    /// Checks that the actor may do `task` on the router, and opens the router's credentials
    /// for it.
    pub fn router_task_credentials(
        &self,
        actor: &Actor,
        id: RouterId,
        task: RouterTask,
    ) -> Result<RouterCredentials> {
        self.read(|tx| {
            authorize_task(tx, actor, task)?;
            open_credentials(self, tx, id)
        })
    }

    /// Records what a task did on a router, once the router has done it: `action` and
    /// `summary` as the activity log shows them, `details` its new values (never a
    /// password).
    pub fn record_router_task(
        &self,
        actor: &Actor,
        id: RouterId,
        task: RouterTask,
        action: &str,
        summary: &str,
        details: serde_json::Value,
    ) -> Result<()> {
        let now = self.now();
        self.write(|tx| {
            let me = authorize_task(tx, actor, task)?;
            let router = load_router(tx, id)?.ok_or(Error::NotFound("router"))?;
            let summary = if summary.is_empty() {
                router.name.clone()
            } else {
                format!("{}: {summary}", router.name)
            };
            activity::record(
                tx,
                now,
                &me.who(),
                action,
                "router",
                Some(&id.to_string()),
                &summary,
                None,
                Some(details),
            )
        })
    }

    /// For the background poller (no staff member involved): every active router with an
    /// API user name, with its credentials. A router whose saved password cannot be opened
    /// on this computer is left out; testing its connection tells the owner to re-enter it.
    pub fn routers_to_watch(&self) -> Result<Vec<RouterCredentials>> {
        self.read(|tx| {
            let ids: Vec<String> = tx
                .prepare(
                    "SELECT id FROM routers WHERE is_active = 1 AND api_username != '' ORDER BY name",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                let id: RouterId = id.parse().map_err(|_| Error::NotFound("router"))?;
                match open_credentials(self, tx, id) {
                    Ok(credentials) => out.push(credentials),
                    Err(Error::SecretsUnavailable) => {
                        tracing::warn!(router = %id, "router password unavailable; not watched")
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        })
    }
}

/// Activity entries written by the system (the provisioning job) rather than a person.
pub(crate) fn record_system(
    conn: &Connection,
    now: chrono::DateTime<chrono::Utc>,
    id: RouterId,
    action: &str,
    summary: &str,
    details: serde_json::Value,
) -> Result<()> {
    activity::record(
        conn,
        now,
        &Who::system(),
        action,
        "router",
        Some(&id.to_string()),
        summary,
        None,
        Some(details),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_against_every_task() {
        use RouterTask::*;
        let table = [
            // owner, admin, technician, cashier, reseller
            (TestConnection, [true, true, true, false, false]),
            (Monitor, [true, true, true, false, false]),
            (ViewSessions, [true, true, true, true, false]),
            (DisconnectSession, [true, true, true, true, false]),
            (Import, [true, true, true, false, false]),
            (Provision, [true, true, true, false, false]),
        ];
        for (task, allowed) in table {
            for (role, ok) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(task.check(role).is_ok(), ok, "{role} / {task:?}");
            }
        }
        assert_eq!(Import.check(Role::Cashier), Err(Permission::ManageRouters));
        assert_eq!(
            Provision.check(Role::Reseller),
            Err(Permission::ManageRouters)
        );
    }
}
