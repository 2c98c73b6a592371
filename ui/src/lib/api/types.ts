// The contract's types (docs/commands.md), generated from the Rust types by ts-rs into
// `$lib/bindings/` (never edit those by hand: `cargo xtask bindings`). Everything in the UI
// imports its types from here, so the UI has one place that names them.

export type { ActivityEntry } from "$lib/bindings/ActivityEntry";
export type { ActivityFacets } from "$lib/bindings/ActivityFacets";
export type { ActivityQuery } from "$lib/bindings/ActivityQuery";
export type { AppError } from "$lib/bindings/AppError";
export type { AppStatus } from "$lib/bindings/AppStatus";
export type { BackupInfo } from "$lib/bindings/BackupInfo";
export type { BackupSettings } from "$lib/bindings/BackupSettings";
export type { ChangeOwnPassword } from "$lib/bindings/ChangeOwnPassword";
export type { ChangeStaffRole } from "$lib/bindings/ChangeStaffRole";
export type { CompanyInput } from "$lib/bindings/CompanyInput";
export type { CompanyProfile } from "$lib/bindings/CompanyProfile";
export type { Currency } from "$lib/bindings/Currency";
export type { DashboardSummary } from "$lib/bindings/DashboardSummary";
export type { ErrorCode } from "$lib/bindings/ErrorCode";
export type { FieldError } from "$lib/bindings/FieldError";
export type { LoginInput } from "$lib/bindings/LoginInput";
export type { NewStaff } from "$lib/bindings/NewStaff";
export type { OwnerInput } from "$lib/bindings/OwnerInput";
export type { Page } from "$lib/bindings/Page";
export type { Permission } from "$lib/bindings/Permission";
export type { ResetStaffPassword } from "$lib/bindings/ResetStaffPassword";
export type { RestoreBackup } from "$lib/bindings/RestoreBackup";
export type { Role } from "$lib/bindings/Role";
export type { SessionInfo } from "$lib/bindings/SessionInfo";
export type { SetBackupFolder } from "$lib/bindings/SetBackupFolder";
export type { SetStaffActive } from "$lib/bindings/SetStaffActive";
export type { SetupInput } from "$lib/bindings/SetupInput";
export type { StaffUser } from "$lib/bindings/StaffUser";
export type { ValidationCode } from "$lib/bindings/ValidationCode";
export type { JsonValue } from "$lib/bindings/serde_json/JsonValue";
