//! Commands on live routers (issue #5): connection test and certificate, health and online
//! users, disconnect, import, api-mode provisioning. Thin: each calls one `ispdesk-routers`
//! operation as the signed-in staff member; the core checks the permission and logs.
//!
//! Health reaches the UI by polling `router_status` (every 2–5 s while a health page is
//! open), not by events: the poller already keeps the latest reading of every router in
//! memory, so the command answers at once without touching the router, the UI asks only
//! while a screen shows it, and there is no listener to register and clean up per screen.
//! `sequence` in the status tells the UI whether a reading is new.

use std::sync::Arc;

use crate::AppState;
use crate::commands::CmdResult;
use crate::subscribers::Ref;
use ispdesk_core::{Actor, AppError, Core, ErrorCode, RouterImportPreview};
use ispdesk_domain::RouterId;
use ispdesk_domain::provisioning::{Diff, ItemRef};
use ispdesk_routers::{
    ApplyReport, ConnectionTest, OnlineSession, Poller, PollerConfig, RouterImportResult,
    RouterStatus, SessionRef, Timeouts,
};
use serde::{Deserialize, Serialize};
use tauri::State;

/// The poller and how long to wait for routers; managed by Tauri, set up by the jobs.
pub struct LiveRouters {
    pub poller: Poller,
    pub timeouts: Timeouts,
}

impl LiveRouters {
    pub fn new() -> Self {
        let runtime = tauri::async_runtime::handle().inner().clone();
        LiveRouters {
            poller: Poller::new(PollerConfig::default(), runtime),
            timeouts: Timeouts::default(),
        }
    }

    /// Reads again which routers to watch, now. A failure only postpones it to the jobs'
    /// next look at the list; the change that asked for it is already saved.
    pub async fn rewatch(&self, state: &AppState) {
        let Ok(core) = state.core() else { return };
        if let Err(e) = ispdesk_routers::refresh_poller(&core, &self.poller).await {
            tracing::warn!(error = %e, "reading the routers to watch failed");
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct ConfirmCertificate {
    pub router_id: RouterId,
    /// As shown by `test_router_connection` (any case; `:` or spaces optional).
    pub fingerprint: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct DisconnectSession {
    pub router_id: RouterId,
    pub session: SessionRef,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct ProvisioningRequest {
    pub router_id: RouterId,
    /// Unmanaged items (listed as blocking in the diff) for the app to take over.
    pub adopt: Vec<ItemRef>,
}

/// Runs an operation as the signed-in staff member; a disabled or deleted account is
/// signed out on the spot, as every other command does.
async fn as_actor<T, F>(state: &AppState, f: impl FnOnce(Arc<Core>, Actor) -> F) -> CmdResult<T>
where
    F: Future<Output = ispdesk_routers::Result<T>>,
{
    let core = state.core()?;
    let actor = state.require_actor()?;
    f(core, actor).await.map_err(|e| {
        let e = AppError::from(e);
        if matches!(e.code, ErrorCode::AccountDisabled | ErrorCode::NotSignedIn) {
            state.set_actor(None);
        }
        e
    })
}

#[tauri::command]
pub async fn test_router_connection(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Ref<RouterId>,
) -> CmdResult<ConnectionTest> {
    let timeouts = live.timeouts;
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::test_connection(&core, &actor, input.id, timeouts).await
    })
    .await
}

#[tauri::command]
pub async fn confirm_router_certificate(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: ConfirmCertificate,
) -> CmdResult<String> {
    let poller = live.poller.clone();
    as_actor(&state, |core, actor| async move {
        let stored = ispdesk_routers::confirm_certificate(
            &core,
            &actor,
            input.router_id,
            &input.fingerprint,
        )
        .await?;
        // The poller can reach the router now.
        ispdesk_routers::refresh_poller(&core, &poller).await?;
        Ok(stored)
    })
    .await
}

#[tauri::command]
pub async fn router_status(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Ref<RouterId>,
) -> CmdResult<Option<RouterStatus>> {
    let poller = live.poller.clone();
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::router_status(&core, &actor, &poller, input.id).await
    })
    .await
}

#[tauri::command]
pub async fn router_statuses(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
) -> CmdResult<Vec<RouterStatus>> {
    let poller = live.poller.clone();
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::router_statuses(&core, &actor, &poller).await
    })
    .await
}

#[tauri::command]
pub async fn router_online_users(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Ref<RouterId>,
) -> CmdResult<Vec<OnlineSession>> {
    let timeouts = live.timeouts;
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::online_users(&core, &actor, input.id, timeouts).await
    })
    .await
}

#[tauri::command]
pub async fn disconnect_router_session(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: DisconnectSession,
) -> CmdResult<()> {
    let (poller, timeouts) = (live.poller.clone(), live.timeouts);
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::disconnect_session(
            &core,
            &actor,
            Some(&poller),
            input.router_id,
            &input.session,
            timeouts,
        )
        .await
    })
    .await
}

#[tauri::command]
pub async fn preview_router_import(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Ref<RouterId>,
) -> CmdResult<RouterImportPreview> {
    let timeouts = live.timeouts;
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::preview_import(&core, &actor, input.id, timeouts).await
    })
    .await
}

#[tauri::command]
pub async fn import_router_customers(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Ref<RouterId>,
) -> CmdResult<RouterImportResult> {
    let timeouts = live.timeouts;
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::import_from_router(&core, &actor, input.id, timeouts).await
    })
    .await
}

#[tauri::command]
pub async fn preview_router_provisioning(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: ProvisioningRequest,
) -> CmdResult<Diff> {
    let timeouts = live.timeouts;
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::preview_provisioning(
            &core,
            &actor,
            input.router_id,
            &input.adopt,
            timeouts,
        )
        .await
    })
    .await
}

#[tauri::command]
pub async fn apply_router_provisioning(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: ProvisioningRequest,
) -> CmdResult<ApplyReport> {
    let timeouts = live.timeouts;
    as_actor(&state, |core, actor| async move {
        ispdesk_routers::apply_provisioning(&core, &actor, input.router_id, &input.adopt, timeouts)
            .await
    })
    .await
}
