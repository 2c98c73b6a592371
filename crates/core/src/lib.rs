//! `ispdesk-core`: the desktop engine. It owns the local tenant database (SQLite through
//! rusqlite, schema from the top-level `migrations/`) and every operation the app
//! performs. Each operation checks the calling staff member against the permission matrix,
//! writes, records the activity log and queues sync — in one transaction.
//!
//! No Tauri and no network here: the desktop host (`src-tauri`) is a thin adapter, and
//! everything is testable on a temporary file. The entry type is [`Core`]; an [`Actor`]
//! (a signed-in staff member) comes only from [`Core::login`] or [`Core::complete_setup`].

mod activity;
mod auth;
mod backup;
mod company;
mod customers;
mod dashboard;
pub mod db;
mod error;
mod network;
mod plans;
mod provisioning;
pub mod radius;
mod radius_settings;
mod router_import;
mod router_tasks;
pub mod secrets;
mod staff;
pub mod sync;
mod usage;

pub use activity::{
    ACTIONS as ACTIVITY_ACTIONS, ActivityEntry, ActivityFacets, ActivityQuery,
    ENTITIES as ACTIVITY_ENTITIES, FacetStaff, Page,
};
pub use auth::{Actor, LoginInput, Session, SessionInfo};
pub use backup::{BACKUPS_KEPT, BackupInfo, BackupSettings, RestoreBackup, SetBackupFolder};
pub use company::{OwnerInput, SetupInput};
pub use customers::{
    COUNT_CAP, CustomerListItem, CustomerQuery, ImportPreview, ImportRow, ImportSummary,
    UpdateCustomer,
};
pub use dashboard::DashboardSummary;
pub use error::{AppError, Error, ErrorCode, OpenError, Result};
pub use network::{NetworkItem, RouterCredentials};
pub use provisioning::{ProvisioningJob, ProvisioningState};
pub use radius_settings::RadiusSettingsInput;
pub use router_import::{
    ExistingAccount, ImportedAccount, RouterAccount, RouterImportPreview, RouterImportRow,
    UnmatchedProfile,
};
pub use router_tasks::RouterTask;
pub use staff::{ChangeOwnPassword, ChangeStaffRole, ResetStaffPassword, SetStaffActive};
pub use sync::{Pairing, PairingInfo, PendingPush};
pub use usage::{AccountingSession, PlanUsage, SessionQuery, UsageQuery};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

/// SQLite's default page cache (2 MiB), kept for everyday work.
const NORMAL_CACHE_KIB: i64 = 2_000;
/// The page cache during a bulk write: enough for the indexes of 100,000 customers and
/// their RADIUS rows.
const BULK_CACHE_KIB: i64 = 256 * 1024;

/// Tables that are never synced to the platform. Every other table must carry `rev` and
/// the three outbox triggers; a test fails for a new table that has neither.
pub const LOCAL_ONLY_TABLES: &[&str] = &[
    // this installation's staff accounts, audit trail and preferences
    "staff_users",
    "activity_log",
    "local_settings",
    // which key sealed this installation's secrets (the key itself is never in the file)
    "secret_keys",
    // the sync machinery itself
    "sync_outbox",
    "sync_state",
    "refinery_schema_history",
    // FreeRADIUS's tables: derived from synced tables on each side, or written by
    // FreeRADIUS (radacct, radpostauth arrive from the platform's change feed)
    "radcheck",
    "radreply",
    "radgroupcheck",
    "radgroupreply",
    "radusergroup",
    "radacct",
    "radpostauth",
    "nas",
    "nasreload",
    // routers in api mode waiting to be reconciled: each installation provisions its own
    "provision_queue",
];

/// Where "now" comes from, so tests can move time (login throttling, daily backups).
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// How to open the database.
#[derive(Clone)]
pub struct CoreOptions {
    /// How long a write waits for another connection's lock before failing.
    pub busy_timeout: Duration,
    pub clock: Arc<dyn Clock>,
}

impl Default for CoreOptions {
    fn default() -> Self {
        Self {
            busy_timeout: Duration::from_secs(5),
            clock: Arc::new(SystemClock),
        }
    }
}

/// The desktop engine over one tenant database.
pub struct Core {
    path: PathBuf,
    conn: Mutex<Connection>,
    options: CoreOptions,
    vault: secrets::Vault,
}

impl Core {
    /// Opens the database at `path` (creating it when absent) with default options.
    pub fn open(path: &Path) -> Result<Core, OpenError> {
        Self::open_with(path, CoreOptions::default())
    }

    pub fn open_with(path: &Path, options: CoreOptions) -> Result<Core, OpenError> {
        let mut conn = db::open(path, options.busy_timeout)?;
        let unavailable = |e: Error| OpenError::Unavailable {
            path: path.to_owned(),
            detail: e.to_string(),
        };
        let vault = secrets::Vault::load_or_create(path).map_err(unavailable)?;
        secrets::reconcile(&mut conn, &vault, options.clock.now()).map_err(unavailable)?;
        radius_settings::ensure_isolir_group(&conn).map_err(unavailable)?;
        Ok(Core {
            path: path.to_owned(),
            conn: Mutex::new(conn),
            options,
            vault,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.options.clock.now()
    }

    fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-done write behind: the
        // transaction rolls back when dropped. So a poisoned lock is safe to reuse.
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` in one immediate (write-locking) transaction, committed only if `f`
    /// succeeds.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        commit_in(&mut self.lock(), f)
    }

    /// [`Core::write`] for a change of many rows (an import): the page cache grows for it,
    /// so SQLite does not spill and re-read index pages mid-transaction, and is given back
    /// afterwards, so a cashier's PC keeps its memory.
    pub(crate) fn write_bulk<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        conn.pragma_update(None, "cache_size", -BULK_CACHE_KIB)?;
        let result = commit_in(&mut conn, f);
        let restored = conn
            .pragma_update(None, "cache_size", -NORMAL_CACHE_KIB)
            .and_then(|()| conn.execute_batch("PRAGMA shrink_memory"));
        let value = result?;
        restored?;
        Ok(value)
    }

    /// Runs `f` in one read transaction, so what it reads is consistent.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&tx)
    }

    /// Direct access for tests and benchmarks that need to look at or seed raw tables.
    #[doc(hidden)]
    pub fn with_connection<T>(&self, f: impl FnOnce(&mut Connection) -> T) -> T {
        f(&mut self.lock())
    }
}

/// Runs `f` in one immediate (write-locking) transaction on `conn`, committed only if `f`
/// succeeds.
fn commit_in<T>(conn: &mut Connection, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let value = f(&tx)?;
    tx.commit()?;
    Ok(value)
}
