//! What the host keeps between commands: the open database (or why it could not be
//! opened) and who is signed in.

use ispdesk_core::{Actor, AppError, Core, OpenError, db};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

enum Database {
    Open(Arc<Core>),
    Failed(OpenError),
}

/// Shared by every command; cloning it is cheap (commands move a clone onto a blocking
/// thread, so hashing a password or taking a backup never stalls the window).
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    path: PathBuf,
    database: Mutex<Database>,
    session: Mutex<Option<Actor>>,
    sync: Mutex<Option<crate::sync::SyncHandle>>,
}

impl AppState {
    /// Opens the database in the per-user data directory. A failure is kept and shown on
    /// the error screen; it never leads to a new, empty database.
    pub fn open_default() -> Self {
        let path = db::default_data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join(db::DATABASE_FILE);
        Self::open(path)
    }

    pub fn open(path: PathBuf) -> Self {
        let database = open_database(&path);
        AppState(Arc::new(Inner {
            path,
            database: Mutex::new(database),
            session: Mutex::new(None),
            sync: Mutex::new(None),
        }))
    }

    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// The open database; after a failure, tries once more (the error screen's retry).
    pub fn core(&self) -> Result<Arc<Core>, AppError> {
        let mut database = self.0.database.lock().unwrap_or_else(|p| p.into_inner());
        if let Database::Failed(_) = &*database {
            *database = open_database(&self.0.path);
        }
        match &*database {
            Database::Open(core) => Ok(core.clone()),
            Database::Failed(e) => Err(AppError::from(e)),
        }
    }

    pub fn actor(&self) -> Option<Actor> {
        self.0
            .session
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn require_actor(&self) -> Result<Actor, AppError> {
        self.actor()
            .ok_or_else(|| ispdesk_core::Error::NotSignedIn.into())
    }

    pub fn sync(&self) -> Option<crate::sync::SyncHandle> {
        self.0
            .sync
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_sync(&self, handle: crate::sync::SyncHandle) {
        *self.0.sync.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
    }

    /// Tells the sync engine something changed, so it pushes soon.
    pub fn changed(&self) {
        if let Some(handle) = self.sync() {
            handle.wake.notify_one();
        }
    }

    pub fn set_actor(&self, actor: Option<Actor>) {
        *self.0.session.lock().unwrap_or_else(|p| p.into_inner()) = actor;
    }
}

fn open_database(path: &Path) -> Database {
    match Core::open(path) {
        Ok(core) => {
            tracing::info!(path = %path.display(), "database open");
            Database::Open(Arc::new(core))
        }
        Err(e) => {
            tracing::error!(error = %e, "the database could not be opened");
            Database::Failed(e)
        }
    }
}
