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
  ChangeOwnPassword,
  ChangeStaffRole,
  CompanyInput,
  CompanyProfile,
  DashboardSummary,
  LoginInput,
  NewStaff,
  Page,
  ResetStaffPassword,
  RestoreBackup,
  SessionInfo,
  SetBackupFolder,
  SetStaffActive,
  SetupInput,
  StaffUser,
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
