//! Background jobs of the desktop app. They run off the UI's threads and only call the
//! core; their failures are logged and retried on the next tick.

use crate::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// How often the backup job looks whether a daily backup is due.
const BACKUP_CHECK: Duration = Duration::from_secs(15 * 60);
/// Delay before the first check, so start-up is not slowed down.
const FIRST_CHECK: Duration = Duration::from_secs(60);

pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_CHECK).await;
        loop {
            let handle = app.clone();
            let outcome = tauri::async_runtime::spawn_blocking(move || {
                let state = handle.state::<AppState>();
                state.core().map(|core| core.run_scheduled_backup())
            })
            .await;
            match outcome {
                Ok(Ok(Ok(Some(backup)))) => {
                    tracing::info!(file = %backup.file_name, "daily backup made")
                }
                Ok(Ok(Ok(None))) => {}
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "daily backup failed"),
                Ok(Err(e)) => tracing::debug!(error = %e.message, "no database for the backup job"),
                Err(e) => tracing::warn!(error = %e, "the backup job stopped unexpectedly"),
            }
            tokio::time::sleep(BACKUP_CHECK).await;
        }
    });
}
