//! The platform connection in the desktop: pairing, the background sync engine, and its
//! state for the top bar (also sent as the `sync-status` event whenever it changes).

use crate::AppState;
use crate::commands::{CmdResult, as_actor, blocking};
use ispdesk_core::{AppError, Error, PairingInfo};
use ispdesk_domain::Permission;
use ispdesk_domain::sync::ApiErrorCode;
use ispdesk_sync::{Engine, PlatformClient, SyncError, SyncStatus};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Manager, State};
use tokio::sync::{Notify, watch};

/// What the running engine exposes to commands.
#[derive(Clone)]
pub struct SyncHandle {
    pub wake: Arc<Notify>,
    pub status: watch::Receiver<SyncStatus>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct PairPlatform {
    pub platform_url: String,
    pub code: String,
    pub device_name: String,
}

fn to_core(e: SyncError) -> Error {
    match e {
        SyncError::Offline(m) | SyncError::Server(m) | SyncError::Protocol(m) => {
            Error::PlatformUnreachable(m)
        }
        SyncError::Refused(api) if api.code == ApiErrorCode::InvalidPairingCode => {
            Error::InvalidPairingCode
        }
        SyncError::Refused(api) => Error::PlatformRefused {
            code: serde_json::to_value(api.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            message: api.message,
        },
        SyncError::Core(e) => e,
    }
}

/// Starts the engine once the database is open, and forwards its state as events.
pub fn start(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        let core = loop {
            let state = app.state::<AppState>();
            if let Ok(core) = state.core() {
                break core;
            }
            // The error screen is up; the owner may fix the database and retry.
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        };
        let (engine, wake, mut status) = Engine::new(core);
        app.state::<AppState>().set_sync(SyncHandle {
            wake,
            status: status.clone(),
        });
        tauri::async_runtime::spawn(engine.run());
        while status.changed().await.is_ok() {
            let current = status.borrow_and_update().clone();
            if let Err(e) = app.emit("sync-status", &current) {
                tracing::debug!(error = %e, "could not send the sync status to the window");
            }
        }
    });
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> CmdResult<SyncStatus> {
    let handle = state.sync();
    blocking(&state, move |state| {
        let core = state.core()?;
        let mut status = handle
            .map(|h| h.status.borrow().clone())
            .unwrap_or_else(SyncStatus::unpaired);
        if core.sync_pairing().map_err(AppError::from)?.is_some() {
            // Counted now, so a change shows as pending before the engine wakes.
            status.pending = core.pending_changes()?;
            if status.state == ispdesk_sync::SyncState::Unpaired {
                status.state = ispdesk_sync::SyncState::Pending;
            }
        } else {
            status = SyncStatus::unpaired();
        }
        Ok(status)
    })
    .await
}

#[tauri::command]
pub async fn pairing_info(state: State<'_, AppState>) -> CmdResult<Option<PairingInfo>> {
    as_actor(&state, |core, actor| core.pairing_info(actor)).await
}

/// Pairs this installation with a platform tenant using the one-time code.
#[tauri::command]
pub async fn pair_platform(
    state: State<'_, AppState>,
    input: PairPlatform,
) -> CmdResult<PairingInfo> {
    let actor = state.require_actor()?;
    let core = state.core()?;
    {
        let (core, actor) = (core.clone(), actor.clone());
        tauri::async_runtime::spawn_blocking(move || {
            core.check_permission(&actor, Some(Permission::ManageSettings))
        })
        .await
        .map_err(|e| AppError::from(Error::Internal(e.to_string())))??;
    }
    let client =
        PlatformClient::new(&input.platform_url, None).map_err(|e| AppError::from(to_core(e)))?;
    let device_name = if input.device_name.trim().is_empty() {
        "ispdesk".to_owned()
    } else {
        input.device_name.trim().to_owned()
    };
    let paired = client
        .pair(&input.code, &device_name)
        .await
        .map_err(|e| AppError::from(to_core(e)))?;
    let info = PairingInfo {
        platform_url: client.base_url().to_owned(),
        tenant_id: paired.tenant_id,
        tenant_name: paired.tenant_name,
        device_id: paired.device_id,
    };
    let saved = info.clone();
    tauri::async_runtime::spawn_blocking(move || core.save_pairing(&actor, &saved, &paired.token))
        .await
        .map_err(|e| AppError::from(Error::Internal(e.to_string())))??;
    if let Some(handle) = state.sync() {
        handle.wake.notify_one();
    }
    Ok(info)
}

#[tauri::command]
pub async fn unpair_platform(state: State<'_, AppState>) -> CmdResult<()> {
    as_actor(&state, |core, actor| core.forget_pairing(actor)).await
}

/// Syncs now instead of at the next interval.
#[tauri::command]
pub async fn sync_now(state: State<'_, AppState>) -> CmdResult<()> {
    if let Some(handle) = state.sync() {
        handle.wake.notify_one();
    }
    Ok(())
}
