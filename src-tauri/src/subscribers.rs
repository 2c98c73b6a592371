//! Commands for routers, network configuration, plans and customers (issue #3). Thin:
//! each calls one `ispdesk-core` operation as the signed-in staff member.

use crate::AppState;
use crate::commands::{CmdResult, as_actor};
use crate::routers::LiveRouters;
use ispdesk_core::{
    Actor, Core, CustomerListItem, CustomerQuery, ImportPreview, ImportSummary, NetworkItem, Page,
    RadiusSettingsInput, UpdateCustomer,
};
use ispdesk_domain::bandwidth::{BandwidthInput, BandwidthProfile};
use ispdesk_domain::customer::{Customer, CustomerInput};
use ispdesk_domain::ip_pool::{IpPool, IpPoolInput};
use ispdesk_domain::network::{
    HotspotProfile, HotspotServer, PppoeProfile, PppoeServer, ProfileInput, ServerInput,
};
use ispdesk_domain::plan::{PlanInput, ServicePlan};
use ispdesk_domain::radius::RadiusSettings;
use ispdesk_domain::router::{Router, RouterInput};
use ispdesk_domain::{
    BandwidthProfileId, CustomerId, FieldError, HotspotProfileId, HotspotServerId, IpPoolId,
    PlanId, PppoeProfileId, PppoeServerId, RouterId, ValidationCode,
};
use serde::{Deserialize, Serialize};
use tauri::State;

/// A reference to one record.
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct Ref<Id> {
    pub id: Id,
}

/// Changes to one record.
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct Edit<Id, Input> {
    pub id: Id,
    pub input: Input,
}

/// Creates (`id` null) or updates a record.
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct Save<Id, Input> {
    pub id: Option<Id>,
    pub input: Input,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, ts_rs::TS)]
pub struct RouterFilter {
    pub router_id: Option<RouterId>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct DeleteNetworkItem {
    pub kind: NetworkItem,
    pub id: String,
}

/// A file chosen by the user (through the dialog plugin).
#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct FilePath {
    pub path: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, ts_rs::TS)]
pub struct ExportCustomers {
    pub query: CustomerQuery,
    pub path: String,
}

/// Reads a CSV as spreadsheets save it: UTF-8 (with or without a byte-order mark), or
/// Windows' ANSI code page for files saved by older Excel, whose bytes are all valid as
/// Latin-1 characters.
fn read_csv(path: &str) -> Result<String, ispdesk_core::Error> {
    let bytes = std::fs::read(path).map_err(|_| {
        ispdesk_core::Error::Validation(vec![FieldError::new("path", ValidationCode::InvalidPath)])
    })?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().into_iter().map(char::from).collect(),
    })
}

macro_rules! command {
    ($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty) -> $ret:ty => |$core:ident, $actor:ident| $body:expr) => {
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(state: State<'_, AppState>, $arg: $ty) -> CmdResult<$ret> {
            as_actor(&state, move |$core, $actor| $body).await
        }
    };
    ($(#[$doc:meta])* $name:ident() -> $ret:ty => |$core:ident, $actor:ident| $body:expr) => {
        $(#[$doc])*
        #[tauri::command]
        pub async fn $name(state: State<'_, AppState>) -> CmdResult<$ret> {
            as_actor(&state, move |$core, $actor| $body).await
        }
    };
}

command!(list_routers() -> Vec<Router> => |core, actor| core.list_routers(actor));

/// A router added, edited or deleted reaches the poller at once rather than at its next
/// look at the list: a router's page shows its health as soon as it is saved.
async fn change_routers<T: Send + 'static>(
    state: &AppState,
    live: &LiveRouters,
    f: impl FnOnce(&Core, &Actor) -> ispdesk_core::Result<T> + Send + 'static,
) -> CmdResult<T> {
    let value = as_actor(state, f).await?;
    live.rewatch(state).await;
    Ok(value)
}

#[tauri::command]
pub async fn create_router(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: RouterInput,
) -> CmdResult<Router> {
    change_routers(&state, &live, move |core, actor| {
        core.create_router(actor, &input)
    })
    .await
}

#[tauri::command]
pub async fn update_router(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Edit<RouterId, RouterInput>,
) -> CmdResult<Router> {
    change_routers(&state, &live, move |core, actor| {
        core.update_router(actor, input.id, &input.input)
    })
    .await
}

#[tauri::command]
pub async fn delete_router(
    state: State<'_, AppState>,
    live: State<'_, LiveRouters>,
    input: Ref<RouterId>,
) -> CmdResult<()> {
    change_routers(&state, &live, move |core, actor| {
        core.delete_router(actor, input.id)
    })
    .await
}

command!(list_pools(query: RouterFilter) -> Vec<IpPool> => |core, actor| core.list_pools(actor, query.router_id));
command!(create_pool(input: IpPoolInput) -> IpPool => |core, actor| core.create_pool(actor, &input));
command!(update_pool(input: Edit<IpPoolId, IpPoolInput>) -> IpPool => |core, actor| core.update_pool(actor, input.id, &input.input));
command!(delete_pool(input: Ref<IpPoolId>) -> () => |core, actor| core.delete_pool(actor, input.id));

command!(list_bandwidth_profiles() -> Vec<BandwidthProfile> => |core, actor| core.list_bandwidth_profiles(actor));
command!(create_bandwidth_profile(input: BandwidthInput) -> BandwidthProfile => |core, actor| core.create_bandwidth_profile(actor, &input));
command!(update_bandwidth_profile(input: Edit<BandwidthProfileId, BandwidthInput>) -> BandwidthProfile => |core, actor| core.update_bandwidth_profile(actor, input.id, &input.input));
command!(delete_bandwidth_profile(input: Ref<BandwidthProfileId>) -> () => |core, actor| core.delete_bandwidth_profile(actor, input.id));

command!(list_pppoe_profiles(query: RouterFilter) -> Vec<PppoeProfile> => |core, actor| core.list_pppoe_profiles(actor, query.router_id));
command!(list_hotspot_profiles(query: RouterFilter) -> Vec<HotspotProfile> => |core, actor| core.list_hotspot_profiles(actor, query.router_id));
command!(list_pppoe_servers(query: RouterFilter) -> Vec<PppoeServer> => |core, actor| core.list_pppoe_servers(actor, query.router_id));
command!(list_hotspot_servers(query: RouterFilter) -> Vec<HotspotServer> => |core, actor| core.list_hotspot_servers(actor, query.router_id));
command!(save_pppoe_profile(input: Save<PppoeProfileId, ProfileInput>) -> PppoeProfile => |core, actor| core.save_pppoe_profile(actor, input.id, &input.input));
command!(save_hotspot_profile(input: Save<HotspotProfileId, ProfileInput>) -> HotspotProfile => |core, actor| core.save_hotspot_profile(actor, input.id, &input.input));
command!(save_pppoe_server(input: Save<PppoeServerId, ServerInput>) -> PppoeServer => |core, actor| core.save_pppoe_server(actor, input.id, &input.input));
command!(save_hotspot_server(input: Save<HotspotServerId, ServerInput>) -> HotspotServer => |core, actor| core.save_hotspot_server(actor, input.id, &input.input));
command!(delete_network_item(input: DeleteNetworkItem) -> () => |core, actor| core.delete_network_item(actor, input.kind, &input.id));

command!(list_plans() -> Vec<ServicePlan> => |core, actor| core.list_plans(actor));
command!(create_plan(input: PlanInput) -> ServicePlan => |core, actor| core.create_plan(actor, &input));
command!(update_plan(input: Edit<PlanId, PlanInput>) -> ServicePlan => |core, actor| core.update_plan(actor, input.id, &input.input));
command!(delete_plan(input: Ref<PlanId>) -> () => |core, actor| core.delete_plan(actor, input.id));

command!(search_customers(query: CustomerQuery) -> Page<CustomerListItem> => |core, actor| core.search_customers(actor, &query));
command!(get_customer(input: Ref<CustomerId>) -> Customer => |core, actor| core.get_customer(actor, input.id));
command!(create_customer(input: CustomerInput) -> Customer => |core, actor| core.create_customer(actor, &input));
command!(update_customer(input: UpdateCustomer) -> Customer => |core, actor| core.update_customer(actor, &input));
command!(suspend_customer(input: Ref<CustomerId>) -> Customer => |core, actor| core.suspend_customer(actor, input.id));
command!(reactivate_customer(input: Ref<CustomerId>) -> Customer => |core, actor| core.reactivate_customer(actor, input.id));
command!(renew_customer(input: Ref<CustomerId>) -> Customer => |core, actor| core.renew_customer(actor, input.id));
command!(deactivate_customer(input: Ref<CustomerId>) -> Customer => |core, actor| core.deactivate_customer(actor, input.id));
command!(delete_customer(input: Ref<CustomerId>) -> () => |core, actor| core.delete_customer(actor, input.id));
command!(reveal_customer_password(input: Ref<CustomerId>) -> String => |core, actor| core.reveal_customer_password(actor, input.id));
command!(
    /// Reads the chosen CSV and says what importing it would do.
    preview_customer_import(input: FilePath) -> ImportPreview => |core, actor| core.preview_customer_import(actor, &read_csv(&input.path)?)
);
command!(
    /// Imports the chosen CSV: all rows, or none with every bad row named.
    import_customers(input: FilePath) -> ImportSummary => |core, actor| core.import_customers(actor, &read_csv(&input.path)?)
);
command!(
    /// Writes the customers matching the query to the chosen file; returns how many.
    export_customers(input: ExportCustomers) -> u32 => |core, actor| {
        let csv = core.export_customers_csv(actor, &input.query)?;
        let rows = csv.lines().count().saturating_sub(1) as u32;
        std::fs::write(&input.path, csv)
            .map_err(|_| ispdesk_core::Error::Validation(vec![FieldError::new("path", ValidationCode::InvalidPath)]))?;
        Ok(rows)
    }
);

command!(radius_settings() -> RadiusSettings => |core, actor| core.radius_settings(actor));
command!(update_radius_settings(input: RadiusSettingsInput) -> RadiusSettings => |core, actor| core.update_radius_settings(actor, &input));

command!(
    /// Accounting sessions: who is online now (per router), or a customer's history.
    accounting_sessions(query: ispdesk_core::SessionQuery) -> Page<ispdesk_core::AccountingSession> => |core, actor| core.accounting_sessions(actor, &query)
);
command!(usage_by_plan(query: ispdesk_core::UsageQuery) -> Vec<ispdesk_core::PlanUsage> => |core, actor| core.usage_by_plan(actor, &query));
