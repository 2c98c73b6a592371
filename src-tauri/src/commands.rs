//! The Tauri commands: one per core operation, named as in `docs/commands.md`. Each moves
//! its work onto a blocking thread, calls the core as the signed-in staff member, and
//! turns the core's error into the UI's `{ code, message, fields, params }`.

use crate::AppState;
use crate::subscribers;
use crate::sync;
use ispdesk_core::{
    ActivityEntry, ActivityFacets, ActivityQuery, Actor, AppError, BackupInfo, BackupSettings,
    ChangeOwnPassword, ChangeStaffRole, Core, DashboardSummary, ErrorCode, LoginInput, Page,
    ResetStaffPassword, RestoreBackup, SessionInfo, SetBackupFolder, SetStaffActive, SetupInput,
};
use ispdesk_domain::staff::{NewStaff, StaffUser};
use ispdesk_domain::{CompanyInput, CompanyProfile};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Instant;
use tauri::State;

/// When the process started, for the start-up measurement.
pub struct StartedAt(pub Instant);

pub(crate) type CmdResult<T> = Result<T, AppError>;

/// Where the app stands when the window opens (or after the error screen's retry).
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AppStatus {
    SetupRequired,
    LoginRequired { company: CompanyProfile },
    SignedIn { session: SessionInfo },
    DatabaseError { error: AppError, path: String },
}

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_status,
        ui_ready,
        complete_setup,
        login,
        logout,
        get_company,
        update_company,
        dashboard_summary,
        list_staff,
        create_staff,
        change_staff_role,
        set_staff_active,
        reset_staff_password,
        change_own_password,
        list_activity,
        activity_facets,
        backup_settings,
        set_backup_folder,
        backup_now,
        list_backups,
        restore_backup,
        subscribers::list_routers,
        subscribers::create_router,
        subscribers::update_router,
        subscribers::delete_router,
        subscribers::list_pools,
        subscribers::create_pool,
        subscribers::update_pool,
        subscribers::delete_pool,
        subscribers::list_bandwidth_profiles,
        subscribers::create_bandwidth_profile,
        subscribers::update_bandwidth_profile,
        subscribers::delete_bandwidth_profile,
        subscribers::list_pppoe_profiles,
        subscribers::list_hotspot_profiles,
        subscribers::list_pppoe_servers,
        subscribers::list_hotspot_servers,
        subscribers::save_pppoe_profile,
        subscribers::save_hotspot_profile,
        subscribers::save_pppoe_server,
        subscribers::save_hotspot_server,
        subscribers::delete_network_item,
        subscribers::list_plans,
        subscribers::create_plan,
        subscribers::update_plan,
        subscribers::delete_plan,
        subscribers::search_customers,
        subscribers::get_customer,
        subscribers::create_customer,
        subscribers::update_customer,
        subscribers::suspend_customer,
        subscribers::reactivate_customer,
        subscribers::renew_customer,
        subscribers::deactivate_customer,
        subscribers::delete_customer,
        subscribers::reveal_customer_password,
        subscribers::preview_customer_import,
        subscribers::import_customers,
        subscribers::export_customers,
        subscribers::radius_settings,
        subscribers::update_radius_settings,
        subscribers::accounting_sessions,
        subscribers::usage_by_plan,
        sync::sync_status,
        sync::pairing_info,
        sync::pair_platform,
        sync::unpair_platform,
        sync::sync_now,
        crate::routers::test_router_connection,
        crate::routers::confirm_router_certificate,
        crate::routers::router_status,
        crate::routers::router_statuses,
        crate::routers::router_online_users,
        crate::routers::disconnect_router_session,
        crate::routers::preview_router_import,
        crate::routers::import_router_customers,
        crate::routers::preview_router_provisioning,
        crate::routers::apply_router_provisioning,
    ]
}

/// Runs `f` on a blocking thread with the state.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState) -> CmdResult<T> + Send + 'static,
) -> CmdResult<T> {
    let state = state.clone();
    tauri::async_runtime::spawn_blocking(move || f(&state))
        .await
        .unwrap_or_else(|e| Err(ispdesk_core::Error::Internal(e.to_string()).into()))
}

/// Runs a core operation as the signed-in staff member. A disabled or deleted account
/// is signed out on the spot.
pub(crate) async fn as_actor<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Core, &Actor) -> ispdesk_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    blocking(state, move |state| {
        let core: Arc<Core> = state.core()?;
        let actor = state.require_actor()?;
        let result = f(&core, &actor).map_err(|e| {
            let e = AppError::from(e);
            if matches!(e.code, ErrorCode::AccountDisabled | ErrorCode::NotSignedIn) {
                state.set_actor(None);
            }
            e
        });
        // Most commands write; a wake-up for nothing costs one cheap look at the outbox.
        if result.is_ok() {
            state.changed();
        }
        result
    })
    .await
}

pub fn app_status_of(state: &AppState) -> AppStatus {
    let core = match state.core() {
        Ok(core) => core,
        Err(error) => {
            return AppStatus::DatabaseError {
                error,
                path: state.path().display().to_string(),
            };
        }
    };
    let result = (|| -> ispdesk_core::Result<AppStatus> {
        if core.setup_required()? {
            return Ok(AppStatus::SetupRequired);
        }
        if let Some(actor) = state.actor() {
            match core.session_info(&actor) {
                Ok(session) => return Ok(AppStatus::SignedIn { session }),
                Err(_) => state.set_actor(None),
            }
        }
        let company = core
            .company_profile()?
            .ok_or(ispdesk_core::Error::NotFound("company"))?;
        Ok(AppStatus::LoginRequired { company })
    })();
    result.unwrap_or_else(|e| AppStatus::DatabaseError {
        error: e.into(),
        path: state.path().display().to_string(),
    })
}

#[tauri::command]
async fn app_status(state: State<'_, AppState>) -> CmdResult<AppStatus> {
    blocking(&state, |state| Ok(app_status_of(state))).await
}

/// The UI calls this once its first screen is drawn; the start-up benchmark reads the line.
#[tauri::command]
fn ui_ready(started: State<'_, StartedAt>) {
    tracing::info!(
        elapsed_ms = started.0.elapsed().as_millis() as u64,
        "ui ready"
    );
}

#[tauri::command]
async fn complete_setup(state: State<'_, AppState>, input: SetupInput) -> CmdResult<SessionInfo> {
    blocking(&state, move |state| {
        let session = state.core()?.complete_setup(&input)?;
        state.set_actor(Some(session.actor));
        Ok(session.info)
    })
    .await
}

#[tauri::command]
async fn login(state: State<'_, AppState>, input: LoginInput) -> CmdResult<SessionInfo> {
    blocking(&state, move |state| {
        let session = state.core()?.login(&input)?;
        state.set_actor(Some(session.actor));
        Ok(session.info)
    })
    .await
}

#[tauri::command]
async fn logout(state: State<'_, AppState>) -> CmdResult<()> {
    blocking(&state, |state| {
        if let Some(actor) = state.actor() {
            state.set_actor(None);
            state.core()?.logout(&actor)?;
        }
        Ok(())
    })
    .await
}

#[tauri::command]
async fn get_company(state: State<'_, AppState>) -> CmdResult<CompanyProfile> {
    as_actor(&state, |core, actor| core.get_company(actor)).await
}

#[tauri::command]
async fn update_company(
    state: State<'_, AppState>,
    input: CompanyInput,
) -> CmdResult<CompanyProfile> {
    as_actor(&state, move |core, actor| {
        core.update_company(actor, &input)
    })
    .await
}

#[tauri::command]
async fn dashboard_summary(state: State<'_, AppState>) -> CmdResult<DashboardSummary> {
    as_actor(&state, |core, actor| core.dashboard_summary(actor)).await
}

#[tauri::command]
async fn list_staff(state: State<'_, AppState>) -> CmdResult<Vec<StaffUser>> {
    as_actor(&state, |core, actor| core.list_staff(actor)).await
}

#[tauri::command]
async fn create_staff(state: State<'_, AppState>, input: NewStaff) -> CmdResult<StaffUser> {
    as_actor(&state, move |core, actor| core.create_staff(actor, &input)).await
}

#[tauri::command]
async fn change_staff_role(
    state: State<'_, AppState>,
    input: ChangeStaffRole,
) -> CmdResult<StaffUser> {
    as_actor(&state, move |core, actor| {
        core.change_staff_role(actor, &input)
    })
    .await
}

#[tauri::command]
async fn set_staff_active(
    state: State<'_, AppState>,
    input: SetStaffActive,
) -> CmdResult<StaffUser> {
    as_actor(&state, move |core, actor| {
        core.set_staff_active(actor, &input)
    })
    .await
}

#[tauri::command]
async fn reset_staff_password(
    state: State<'_, AppState>,
    input: ResetStaffPassword,
) -> CmdResult<()> {
    as_actor(&state, move |core, actor| {
        core.reset_staff_password(actor, &input)
    })
    .await
}

#[tauri::command]
async fn change_own_password(
    state: State<'_, AppState>,
    input: ChangeOwnPassword,
) -> CmdResult<()> {
    as_actor(&state, move |core, actor| {
        core.change_own_password(actor, &input)
    })
    .await
}

#[tauri::command]
async fn list_activity(
    state: State<'_, AppState>,
    query: ActivityQuery,
) -> CmdResult<Page<ActivityEntry>> {
    as_actor(&state, move |core, actor| core.list_activity(actor, &query)).await
}

#[tauri::command]
async fn activity_facets(state: State<'_, AppState>) -> CmdResult<ActivityFacets> {
    as_actor(&state, |core, actor| core.activity_facets(actor)).await
}

#[tauri::command]
async fn backup_settings(state: State<'_, AppState>) -> CmdResult<BackupSettings> {
    as_actor(&state, |core, actor| core.backup_settings(actor)).await
}

#[tauri::command]
async fn set_backup_folder(
    state: State<'_, AppState>,
    input: SetBackupFolder,
) -> CmdResult<BackupSettings> {
    as_actor(&state, move |core, actor| {
        core.set_backup_folder(actor, &input)
    })
    .await
}

#[tauri::command]
async fn backup_now(state: State<'_, AppState>) -> CmdResult<BackupInfo> {
    as_actor(&state, |core, actor| core.backup_now(actor)).await
}

#[tauri::command]
async fn list_backups(state: State<'_, AppState>) -> CmdResult<Vec<BackupInfo>> {
    as_actor(&state, |core, actor| core.list_backups(actor)).await
}

/// After a restore everyone signs in again: the staff accounts are the backup's now.
#[tauri::command]
async fn restore_backup(state: State<'_, AppState>, input: RestoreBackup) -> CmdResult<()> {
    blocking(&state, move |state| {
        let core = state.core()?;
        let actor = state.require_actor()?;
        core.restore_backup(&actor, &input)?;
        state.set_actor(None);
        Ok(())
    })
    .await
}
