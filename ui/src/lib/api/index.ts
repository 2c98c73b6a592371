// One function per Tauri command (docs/commands.md), named like the command. Every command
// takes its arguments as one object named `input` (or `query`), exactly as the host declares.

import { invoke } from "@tauri-apps/api/core";
import { toAppError } from "./errors";
import type {
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
