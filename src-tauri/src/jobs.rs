//! Background jobs of the desktop app. They run off the UI's threads and only call the
//! core; their failures are logged and retried on the next tick.

use crate::AppState;
use std::time::Duration;
use tauri::{AppHandle, Manager};

/// How often the backup job looks whether a daily backup is due.
const BACKUP_CHECK: Duration = Duration::from_secs(15 * 60);
/// Delay before the first check, so start-up is not slowed down.
const FIRST_CHECK: Duration = Duration::from_secs(60);

/// How often customers whose paid period ended are marked expired.
const EXPIRY_CHECK: Duration = Duration::from_secs(60);

pub fn start(app: AppHandle) {
    start_routers(&app);
    let expiry = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(EXPIRY_CHECK).await;
            let handle = expiry.clone();
            let outcome = tauri::async_runtime::spawn_blocking(move || {
                let state = handle.state::<AppState>();
                state.core().map(|core| core.expire_due_customers())
            })
            .await;
            match outcome {
                Ok(Ok(Ok(0))) | Ok(Err(_)) => {}
                Ok(Ok(Ok(n))) => tracing::info!(customers = n, "service periods ended"),
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "marking expired customers failed"),
                Err(e) => tracing::warn!(error = %e, "the expiry job stopped unexpectedly"),
            }
        }
    });

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

/// How often the poller's list of routers is read again (routers added, edited, disabled).
const ROUTER_LIST_REFRESH: Duration = Duration::from_secs(30);
/// How often the provisioning queue is looked at. A change reaches an api-mode router within
/// this; a router that cannot be reached is retried on the queue's own schedule.
const PROVISIONING_CHECK: Duration = Duration::from_secs(5);

/// Live routers (issue #5): the poller (one task per router, kept in the app state for the
/// commands) and the job that drains the provisioning queue.
fn start_routers(app: &AppHandle) {
    app.manage(crate::routers::LiveRouters::new());
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            let live = handle.state::<crate::routers::LiveRouters>();
            live.rewatch(&handle.state::<AppState>()).await;
            tokio::time::sleep(ROUTER_LIST_REFRESH).await;
        }
    });
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(PROVISIONING_CHECK).await;
            let timeouts = handle.state::<crate::routers::LiveRouters>().timeouts;
            let Ok(core) = handle.state::<AppState>().core() else {
                continue;
            };
            match ispdesk_routers::drain_provision_queue(&core, timeouts).await {
                Ok(outcomes) => {
                    for outcome in outcomes {
                        match outcome.result {
                            Ok(report) if !report.is_empty() => tracing::info!(
                                router = %outcome.router,
                                added = report.added,
                                changed = report.changed,
                                removed = report.removed,
                                failed = report.failures.len(),
                                "router provisioned"
                            ),
                            Ok(_) => {}
                            Err(e) => {
                                tracing::info!(router = %outcome.router, error = %e, "provisioning postponed")
                            }
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "the provisioning job failed"),
            }
        }
    });
}
