// One function per Tauri command (docs/commands.md), named like the command. Every command
// takes its arguments as one object named `input` (or `query`), exactly as the host declares.

import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toAppError } from "./errors";
import type {
  AccountingSession,
  ApplyReport,
  ConfirmCertificate,
  ConnectionTest,
  Diff,
  DisconnectSession,
  OnlineSession,
  PairingInfo,
  PairPlatform,
  PlanUsage,
  ProvisioningRequest,
  RouterImportPreview,
  RouterImportResult,
  RouterStatus,
  SessionQuery,
  SyncStatus,
  UsageQuery,
  ActivityEntry,
  ActivityFacets,
  ActivityQuery,
  AppError,
  AppStatus,
  BackupInfo,
  BackupSettings,
  BandwidthInput,
  BandwidthProfile,
  BandwidthProfileId,
  ChangeOwnPassword,
  ChangeStaffRole,
  CompanyInput,
  CompanyProfile,
  Customer,
  CustomerId,
  CustomerInput,
  CustomerListItem,
  CustomerQuery,
  DashboardSummary,
  DeleteNetworkItem,
  Edit,
  ExportCustomers,
  FilePath,
  HotspotProfile,
  HotspotProfileId,
  HotspotServer,
  HotspotServerId,
  ImportPreview,
  ImportSummary,
  IpPool,
  IpPoolId,
  IpPoolInput,
  LoginInput,
  NewStaff,
  Page,
  PlanId,
  PlanInput,
  PppoeProfile,
  PppoeProfileId,
  PppoeServer,
  PppoeServerId,
  ProfileInput,
  RadiusSettings,
  RadiusSettingsInput,
  Ref,
  ResetStaffPassword,
  RestoreBackup,
  Router,
  RouterFilter,
  RouterId,
  RouterInput,
  Save,
  ServerInput,
  ServicePlan,
  SessionInfo,
  SetBackupFolder,
  SetStaffActive,
  SetupInput,
  StaffUser,
  UpdateCustomer,
} from "./types";

type SignedOutListener = (error: AppError) => void;
let signedOutListener: SignedOutListener | null = null;

/** Called when any command finds the session gone (e.g. after a restore in another window). */
export function onSignedOut(listener: SignedOutListener): void {
  signedOutListener = listener;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (reason) {
    const error = toAppError(reason);
    if (error.code === "not_signed_in") signedOutListener?.(error);
    throw error;
  }
}

export function appStatus(): Promise<AppStatus> {
  return call("app_status");
}

/** Tells the host the first screen is drawn (it logs the start-up time). */
export function uiReady(): Promise<null> {
  return call("ui_ready");
}

export function completeSetup(input: SetupInput): Promise<SessionInfo> {
  return call("complete_setup", { input });
}

export function login(input: LoginInput): Promise<SessionInfo> {
  return call("login", { input });
}

export function logout(): Promise<null> {
  return call("logout");
}

export function getCompany(): Promise<CompanyProfile> {
  return call("get_company");
}

export function updateCompany(input: CompanyInput): Promise<CompanyProfile> {
  return call("update_company", { input });
}

export function dashboardSummary(): Promise<DashboardSummary> {
  return call("dashboard_summary");
}

export function listStaff(): Promise<StaffUser[]> {
  return call("list_staff");
}

export function createStaff(input: NewStaff): Promise<StaffUser> {
  return call("create_staff", { input });
}

export function changeStaffRole(input: ChangeStaffRole): Promise<StaffUser> {
  return call("change_staff_role", { input });
}

export function setStaffActive(input: SetStaffActive): Promise<StaffUser> {
  return call("set_staff_active", { input });
}

export function resetStaffPassword(input: ResetStaffPassword): Promise<null> {
  return call("reset_staff_password", { input });
}

export function changeOwnPassword(input: ChangeOwnPassword): Promise<null> {
  return call("change_own_password", { input });
}

export function listActivity(query: ActivityQuery): Promise<Page<ActivityEntry>> {
  return call("list_activity", { query });
}

export function activityFacets(): Promise<ActivityFacets> {
  return call("activity_facets");
}

export function backupSettings(): Promise<BackupSettings> {
  return call("backup_settings");
}

export function setBackupFolder(input: SetBackupFolder): Promise<BackupSettings> {
  return call("set_backup_folder", { input });
}

export function backupNow(): Promise<BackupInfo> {
  return call("backup_now");
}

export function listBackups(): Promise<BackupInfo[]> {
  return call("list_backups");
}

export function restoreBackup(input: RestoreBackup): Promise<null> {
  return call("restore_backup", { input });
}

// --- Subscribers (issue #3) ------------------------------------------------------------------

export function listRouters(): Promise<Router[]> {
  return call("list_routers");
}

export function createRouter(input: RouterInput): Promise<Router> {
  return call("create_router", { input });
}

/** Empty secrets keep the saved ones. */
export function updateRouter(input: Edit<RouterId, RouterInput>): Promise<Router> {
  return call("update_router", { input });
}

/** Takes the router's pools, profiles and servers along; refused (`in_use`) while customers use it. */
export function deleteRouter(input: Ref<RouterId>): Promise<null> {
  return call("delete_router", { input });
}

export function listPools(query: RouterFilter): Promise<IpPool[]> {
  return call("list_pools", { query });
}

export function createPool(input: IpPoolInput): Promise<IpPool> {
  return call("create_pool", { input });
}

export function updatePool(input: Edit<IpPoolId, IpPoolInput>): Promise<IpPool> {
  return call("update_pool", { input });
}

export function deletePool(input: Ref<IpPoolId>): Promise<null> {
  return call("delete_pool", { input });
}

export function listBandwidthProfiles(): Promise<BandwidthProfile[]> {
  return call("list_bandwidth_profiles");
}

export function createBandwidthProfile(input: BandwidthInput): Promise<BandwidthProfile> {
  return call("create_bandwidth_profile", { input });
}

export function updateBandwidthProfile(input: Edit<BandwidthProfileId, BandwidthInput>): Promise<BandwidthProfile> {
  return call("update_bandwidth_profile", { input });
}

export function deleteBandwidthProfile(input: Ref<BandwidthProfileId>): Promise<null> {
  return call("delete_bandwidth_profile", { input });
}

export function listPppoeProfiles(query: RouterFilter): Promise<PppoeProfile[]> {
  return call("list_pppoe_profiles", { query });
}

export function listHotspotProfiles(query: RouterFilter): Promise<HotspotProfile[]> {
  return call("list_hotspot_profiles", { query });
}

export function listPppoeServers(query: RouterFilter): Promise<PppoeServer[]> {
  return call("list_pppoe_servers", { query });
}

export function listHotspotServers(query: RouterFilter): Promise<HotspotServer[]> {
  return call("list_hotspot_servers", { query });
}

export function savePppoeProfile(input: Save<PppoeProfileId, ProfileInput>): Promise<PppoeProfile> {
  return call("save_pppoe_profile", { input });
}

export function saveHotspotProfile(input: Save<HotspotProfileId, ProfileInput>): Promise<HotspotProfile> {
  return call("save_hotspot_profile", { input });
}

export function savePppoeServer(input: Save<PppoeServerId, ServerInput>): Promise<PppoeServer> {
  return call("save_pppoe_server", { input });
}

export function saveHotspotServer(input: Save<HotspotServerId, ServerInput>): Promise<HotspotServer> {
  return call("save_hotspot_server", { input });
}

export function deleteNetworkItem(input: DeleteNetworkItem): Promise<null> {
  return call("delete_network_item", { input });
}

export function listPlans(): Promise<ServicePlan[]> {
  return call("list_plans");
}

export function createPlan(input: PlanInput): Promise<ServicePlan> {
  return call("create_plan", { input });
}

export function updatePlan(input: Edit<PlanId, PlanInput>): Promise<ServicePlan> {
  return call("update_plan", { input });
}

export function deletePlan(input: Ref<PlanId>): Promise<null> {
  return call("delete_plan", { input });
}

export function searchCustomers(query: CustomerQuery): Promise<Page<CustomerListItem>> {
  return call("search_customers", { query });
}

export function getCustomer(input: Ref<CustomerId>): Promise<Customer> {
  return call("get_customer", { input });
}

/** An empty password is generated by the host. */
export function createCustomer(input: CustomerInput): Promise<Customer> {
  return call("create_customer", { input });
}

/** An empty password keeps the saved one. */
export function updateCustomer(input: UpdateCustomer): Promise<Customer> {
  return call("update_customer", { input });
}

export function suspendCustomer(input: Ref<CustomerId>): Promise<Customer> {
  return call("suspend_customer", { input });
}

/** Refused with `renew_required` when the paid period is over. */
export function reactivateCustomer(input: Ref<CustomerId>): Promise<Customer> {
  return call("reactivate_customer", { input });
}

export function renewCustomer(input: Ref<CustomerId>): Promise<Customer> {
  return call("renew_customer", { input });
}

export function deactivateCustomer(input: Ref<CustomerId>): Promise<Customer> {
  return call("deactivate_customer", { input });
}

/** Refused with `unpaid_invoices` or `has_invoice_history`. */
export function deleteCustomer(input: Ref<CustomerId>): Promise<null> {
  return call("delete_customer", { input });
}

/** The customer's password in clear (the viewing is logged). */
export function revealCustomerPassword(input: Ref<CustomerId>): Promise<string> {
  return call("reveal_customer_password", { input });
}

export function previewCustomerImport(input: FilePath): Promise<ImportPreview> {
  return call("preview_customer_import", { input });
}

/** All rows or none: `import_invalid` lists every bad row. */
export function importCustomers(input: FilePath): Promise<ImportSummary> {
  return call("import_customers", { input });
}

/** Writes the customers matching the query (no passwords); resolves to the number of rows. */
export function exportCustomers(input: ExportCustomers): Promise<number> {
  return call("export_customers", { input });
}

export function radiusSettings(): Promise<RadiusSettings> {
  return call("radius_settings");
}

export function updateRadiusSettings(input: RadiusSettingsInput): Promise<RadiusSettings> {
  return call("update_radius_settings", { input });
}

// --- Platform and sync (issue #4) ------------------------------------------------------------

/** The sync state for the top bar (also pushed as the `sync-status` event, see `onSyncStatus`). */
export function syncStatus(): Promise<SyncStatus> {
  return call("sync_status");
}

/**
 * Calls `listener` with every `sync-status` event the host sends; resolves to the function
 * that stops listening.
 */
export function onSyncStatus(listener: (status: SyncStatus) => void): Promise<() => void> {
  return listen<SyncStatus>("sync-status", (event) => listener(event.payload));
}

export function pairingInfo(): Promise<PairingInfo | null> {
  return call("pairing_info");
}

/** Exchanges the one-time code for this PC's device token. */
export function pairPlatform(input: PairPlatform): Promise<PairingInfo> {
  return call("pair_platform", { input });
}

/** Stops syncing with the platform; the data stays on this PC. */
export function unpairPlatform(): Promise<null> {
  return call("unpair_platform");
}

/** Syncs now instead of at the next interval (the result arrives as a `sync-status` event). */
export function syncNow(): Promise<null> {
  return call("sync_now");
}

/** Accounting sessions, newest first. */
export function accountingSessions(query: SessionQuery): Promise<Page<AccountingSession>> {
  return call("accounting_sessions", { query });
}

/** Bytes per plan over sessions that started in `[from, to)` (UTC). */
export function usageByPlan(query: UsageQuery): Promise<PlanUsage[]> {
  return call("usage_by_plan", { query });
}

// --- Routers live (issue #5) -----------------------------------------------------------------

/** Certificate questions are answers (`certificate_unconfirmed` / `certificate_changed`), not errors. */
export function testRouterConnection(input: Ref<RouterId>): Promise<ConnectionTest> {
  return call("test_router_connection", { input });
}

/** Pins the router's TLS certificate; resolves to the fingerprint as stored. */
export function confirmRouterCertificate(input: ConfirmCertificate): Promise<string> {
  return call("confirm_router_certificate", { input });
}

/** The poller's latest reading (answered from memory); `null` when the router is not watched. */
export function routerStatus(input: Ref<RouterId>): Promise<RouterStatus | null> {
  return call("router_status", { input });
}

export function routerStatuses(): Promise<RouterStatus[]> {
  return call("router_statuses");
}

/** Read from the router now. */
export function routerOnlineUsers(input: Ref<RouterId>): Promise<OnlineSession[]> {
  return call("router_online_users", { input });
}

/** `not_found` when the session had already ended. */
export function disconnectRouterSession(input: DisconnectSession): Promise<null> {
  return call("disconnect_router_session", { input });
}

export function previewRouterImport(input: Ref<RouterId>): Promise<RouterImportPreview> {
  return call("preview_router_import", { input });
}

/** All or nothing: `import_invalid` lists every rejected account (`params.username`). */
export function importRouterCustomers(input: Ref<RouterId>): Promise<RouterImportResult> {
  return call("import_router_customers", { input });
}

export function previewRouterProvisioning(input: ProvisioningRequest): Promise<Diff> {
  return call("preview_router_provisioning", { input });
}

/** One failing item never stops the rest: each is in `failures`. `router_not_api_mode` for a RADIUS router. */
export function applyRouterProvisioning(input: ProvisioningRequest): Promise<ApplyReport> {
  return call("apply_router_provisioning", { input });
}
