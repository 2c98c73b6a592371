// An in-memory stand-in for the Rust host, behind the real IPC boundary (`mockIPC`), so the
// e2e tests drive the real UI through the same commands, argument objects and `AppError`
// rejections as docs/commands.md describes. It follows the contract's behaviour (setup state,
// roles and the permission matrix, login throttling, validation codes), not its storage.

import type {
  ActivityEntry,
  AppError,
  AppStatus,
  BackupInfo,
  CompanyInput,
  CompanyProfile,
  Currency,
  ErrorCode,
  FieldError,
  JsonValue,
  Permission,
  Role,
  SessionInfo,
  StaffUser,
} from "../src/lib/api/types";
import { appError, fail, invalid, newId, Rejection } from "./fake-common";
import { FakeLive, type LiveScenario } from "./fake-live";
import { FakeSubscribers } from "./fake-subscribers";
import { checkCompany } from "../src/lib/settings/rules";
import { checkPassword, checkRequiredText, checkUsername, normalizeUsername } from "../src/lib/staff/rules";

export type Scenario = LiveScenario & {
  kind: "fresh" | "ready" | "db_error";
  /** `ready`: who is already signed in (otherwise the login screen). */
  signedInAs?: Role;
  /** `ready`: a brand-new business with nothing recorded yet. */
  emptyDashboard?: boolean;
  /** `ready`: no backup folder chosen yet. */
  noBackupFolder?: boolean;
  /** `db_error`: which error `app_status` reports, and the file. */
  dbError?: ErrorCode;
  dbPath?: string;
  /** Failed logins before the throttle starts, and its length. */
  throttleAfter?: number;
  throttleSeconds?: number;
  /** Every command waits this long (ms), like a real disk would. */
  delayMs?: number;
  /** What the folder / file choosers return. */
  dialogFolder?: string | null;
  dialogFile?: string | null;
  /** What the "save as" chooser returns. */
  dialogSaveFile?: string | null;
  /** `ready`: how many customers to seed (250 by default). */
  customers?: number;
  /** Files the app may read (CSV imports), by path. */
  files?: Record<string, string>;
};

const ALL_PERMISSIONS: Permission[] = [
  "view_dashboard",
  "manage_routers",
  "manage_customers",
  "manage_service_plans",
  "generate_vouchers",
  "sell_vouchers",
  "manage_invoices",
  "view_reports",
  "manage_staff",
  "manage_settings",
  "manage_router_scripts",
  "manage_ip_pools",
  "manage_bandwidth_profiles",
  "view_activity_log",
];

/** The seed's matrix (crates/domain/src/permission.rs). */
export const PERMISSIONS: Record<Role, Permission[]> = {
  owner: ALL_PERMISSIONS,
  admin: ALL_PERMISSIONS.filter((p) => p !== "manage_settings"),
  technician: [
    "view_dashboard",
    "manage_routers",
    "manage_customers",
    "manage_router_scripts",
    "manage_ip_pools",
    "manage_bandwidth_profiles",
  ],
  cashier: ["view_dashboard", "manage_customers", "generate_vouchers", "sell_vouchers", "manage_invoices", "view_reports"],
  reseller: ["view_dashboard", "sell_vouchers"],
};

const COMMON_PASSWORDS = new Set(["password", "password1", "password123", "12345678", "admin123", "bismillah1", "indonesia1", "mikrotik123", "rahasia123"]);

export const SEED_PASSWORD = "Warung2026";

type StoredStaff = StaffUser & { password: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeBackend {
  company: CompanyProfile | null = null;
  staff: StoredStaff[] = [];
  sessionStaffId: string | null = null;
  activity: ActivityEntry[] = [];
  backups: BackupInfo[] = [];
  backupFolder: string | null = null;
  failures = new Map<string, { count: number; lockedUntil: number }>();
  dashboard = { customers_total: 0, customers_active: 0, routers: 0, unpaid_invoices: 0, revenue_this_month: 0 };
  /** Every call, for tests that check the argument objects. */
  calls: { cmd: string; args: unknown }[] = [];
  private injected = new Map<string, AppError>();
  /** Routers, network, plans, customers and RADIUS settings (issue #3). */
  readonly subscribers: FakeSubscribers;
  /** Platform pairing and sync, accounting, live routers (issues #4 and #5). */
  readonly live: FakeLive;

  constructor(readonly scenario: Scenario) {
    this.subscribers = new FakeSubscribers({
      require: (permission) => this.require(permission),
      requireAny: (permissions) => this.requireAny(permissions),
      log: (...args) => this.log(...args),
    });
    this.subscribers.files = { ...(scenario.files ?? {}) };
    this.live = new FakeLive(
      {
        require: (permission) => this.require(permission),
        requireAny: (permissions) => this.requireAny(permissions),
        log: (...args) => this.log(...args),
        me: () => this.me(),
      },
      this.subscribers,
      scenario,
    );
    if (scenario.kind === "ready") this.seed();
  }

  /** Makes the next call of `cmd` reject with `error` (e.g. a field error only the host knows). */
  failNext(cmd: string, error: Partial<AppError> & { code: ErrorCode }): void {
    this.injected.set(cmd, { message: "injected", fields: [], params: {}, ...error });
  }

  async handle(cmd: string, args: Record<string, unknown> | undefined): Promise<unknown> {
    this.calls.push({ cmd, args });
    await sleep(cmd === "backup_now" || cmd === "import_customers" ? 900 : (this.scenario.delayMs ?? 60));
    const injected = this.injected.get(cmd);
    if (injected) {
      this.injected.delete(cmd);
      throw injected;
    }
    try {
      return this.run(cmd, (args ?? {}) as Record<string, never>);
    } catch (reason) {
      if (reason instanceof Rejection) throw reason.error;
      throw appError("internal", String(reason));
    }
  }

  private run(cmd: string, args: Record<string, never>): unknown {
    switch (cmd) {
      case "app_status":
        return this.appStatus();
      case "ui_ready":
        return null;
      case "complete_setup":
        return this.completeSetup(args.input);
      case "login":
        return this.login(args.input);
      case "logout":
        this.me();
        this.log("logout", "session", null, "Keluar", null, null);
        this.sessionStaffId = null;
        return null;
      case "get_company":
        this.me();
        return this.company;
      case "update_company":
        return this.updateCompany(args.input);
      case "dashboard_summary":
        this.require("view_dashboard");
        return { ...this.dashboard, ...this.subscribers.dashboard(), staff_active: this.staff.filter((s) => s.active).length };
      case "list_staff":
        this.require("manage_staff");
        return this.staff.map(({ password: _p, ...s }) => s);
      case "create_staff":
        return this.createStaff(args.input);
      case "change_staff_role":
        return this.changeRole(args.input);
      case "set_staff_active":
        return this.setActive(args.input);
      case "reset_staff_password":
        return this.resetPassword(args.input);
      case "change_own_password":
        return this.changeOwnPassword(args.input);
      case "list_activity":
        return this.listActivity(args.query);
      case "activity_facets":
        return this.facets();
      case "backup_settings":
        this.require("manage_settings");
        return this.backupSettings();
      case "set_backup_folder":
        return this.setBackupFolder(args.input);
      case "backup_now":
        return this.backupNow();
      case "list_backups":
        this.require("manage_settings");
        return [...this.backups].sort((a, b) => b.created_at.localeCompare(a.created_at));
      case "restore_backup":
        return this.restore(args.input);
      case "plugin:dialog|open": {
        const options = (args as { options?: { directory?: boolean } }).options ?? {};
        return options.directory ? (this.scenario.dialogFolder ?? null) : (this.scenario.dialogFile ?? null);
      }
      case "plugin:dialog|save":
        return this.scenario.dialogSaveFile ?? null;
      default: {
        const handled = this.subscribers.run(cmd, args) ?? this.live.run(cmd, args);
        if (handled) return handled.value;
        return fail("internal", `unknown command ${cmd}`);
      }
    }
  }

  // --- state -------------------------------------------------------------------------------

  private seed(): void {
    this.company = {
      name: "Berkah Net",
      address: "Jl. Kaliurang Km 9, Ngaglik, Sleman, Yogyakarta",
      phone: "0812-3456-7890",
      time_zone: "Asia/Jakarta",
      currency: "IDR",
    };
    const people: [string, string, Role, string | null, boolean][] = [
      ["budi", "Budi Santoso", "owner", "2026-11-23T07:05:00.000Z", true],
      ["andi", "Andi Wijaya", "admin", "2026-11-22T23:41:00.000Z", true],
      ["tono", "Tono Saputra", "technician", "2026-11-21T02:12:00.000Z", true],
      ["siti", "Siti Aminah", "cashier", "2026-11-23T01:58:00.000Z", true],
      ["rudi", "Rudi Hartono", "reseller", null, true],
      ["dewi", "Dewi Lestari", "cashier", "2026-10-02T09:30:00.000Z", false],
    ];
    this.staff = people.map(([username, full_name, role, last, active]) => ({
      id: newId(),
      username,
      full_name,
      role,
      active,
      created_at: "2026-09-01T03:00:00.000Z",
      last_login_at: last,
      password: SEED_PASSWORD,
    }));
    if (this.scenario.signedInAs) {
      this.sessionStaffId = this.staff.find((s) => s.role === this.scenario.signedInAs)?.id ?? null;
    }
    if (!this.scenario.emptyDashboard) {
      this.dashboard = { customers_total: 248, customers_active: 231, routers: 3, unpaid_invoices: 17, revenue_this_month: 12_450_000 };
      this.subscribers.seed(this.scenario.customers ?? 250);
    }
    this.live.seed();
    this.seedActivity();
    if (!this.scenario.noBackupFolder) {
      this.backupFolder = "D:\\Cadangan ispdesk";
      for (let day = 0; day < 4; day += 1) {
        const at = new Date(Date.UTC(2026, 10, 23 - day, 19 - 24, 0, 0));
        // Named by the ISP's local date (WIB), as the host names them.
        const stamp = new Date(at.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
        this.backups.push({
          file_name: `ispdesk-${stamp}-0200.sqlite`,
          path: `D:\\Cadangan ispdesk\\ispdesk-${stamp}-0200.sqlite`,
          created_at: at.toISOString(),
          size_bytes: 3_481_600 - day * 52_224,
        });
      }
    }
  }

  private seedActivity(): void {
    const byName = (u: string) => this.staff.find((s) => s.username === u)!;
    const start = Date.parse("2026-11-23T07:05:00.000Z");
    const pattern: [string, string, string, string, JsonValue | null, JsonValue | null][] = [
      ["budi", "login", "session", "Masuk", null, null],
      ["siti", "login", "session", "Masuk", null, null],
      ["andi", "update", "company", "Mengubah profil usaha", { phone: "0812-0000-1111" }, { phone: "0812-3456-7890" }],
      ["budi", "role_change", "staff", "Tono Saputra: kasir → teknisi", { role: "cashier" }, { role: "technician" }],
      ["budi", "backup", "backup", "ispdesk-2026-11-20-0200.sqlite", null, { file_name: "ispdesk-2026-11-20-0200.sqlite" }],
      ["andi", "disable", "staff", "Dewi Lestari dinonaktifkan", { active: true }, { active: false }],
      ["rudi", "login_failed", "session", "Kata sandi salah untuk rudi", null, null],
    ];
    for (let i = 0; i < 73; i += 1) {
      const [user, action, entity, summary, oldValues, newValues] = pattern[i % pattern.length]!;
      const who = byName(user);
      this.activity.push({
        id: newId(),
        at: new Date(start - i * 47 * 60_000).toISOString(),
        staff_id: who.id,
        staff_name: who.full_name,
        action,
        entity_type: entity,
        entity_id: null,
        summary,
        old_values: oldValues,
        new_values: newValues,
      });
    }
  }

  private log(action: string, entity: string, entityId: string | null, summary: string, oldValues: JsonValue | null, newValues: JsonValue | null): void {
    // A change to synced data waits in the outbox for the platform; signing in and out does not.
    if (!["login", "logout", "login_failed"].includes(action)) this.live?.changed();
    const me = this.staff.find((s) => s.id === this.sessionStaffId);
    this.activity.unshift({
      id: newId(),
      at: new Date().toISOString(),
      staff_id: me?.id ?? null,
      staff_name: me?.full_name ?? "—",
      action,
      entity_type: entity,
      entity_id: entityId,
      summary,
      old_values: oldValues,
      new_values: newValues,
    });
  }

  private public(staff: StoredStaff): StaffUser {
    const { password: _password, ...rest } = staff;
    return rest;
  }

  private session(staff: StoredStaff): SessionInfo {
    return { staff: this.public(staff), permissions: [...PERMISSIONS[staff.role]], company: this.company! };
  }

  private me(): StoredStaff {
    const me = this.staff.find((s) => s.id === this.sessionStaffId && s.active);
    if (!me) fail("not_signed_in", "not signed in");
    return me;
  }

  private require(permission: Permission): StoredStaff {
    const me = this.me();
    if (!PERMISSIONS[me.role].includes(permission)) fail("forbidden", `missing ${permission}`, { permission });
    return me;
  }

  private requireAny(permissions: Permission[]): StoredStaff {
    const me = this.me();
    if (!permissions.some((p) => PERMISSIONS[me.role].includes(p))) fail("forbidden", `missing ${permissions[0]}`, { permission: permissions[0]! });
    return me;
  }

  private findStaff(id: string): StoredStaff {
    const staff = this.staff.find((s) => s.id === id);
    if (!staff) fail("not_found", "no such staff");
    return staff;
  }

  private mayTouch(me: StoredStaff, targetRole: Role): void {
    if (targetRole === "owner" && me.role !== "owner") fail("owner_only", "only owners touch owners");
  }

  private serverPasswordRules(field: string, password: string, username: string): FieldError[] {
    const errors = checkPassword(field, password, username);
    if (errors.length === 0 && COMMON_PASSWORDS.has(password.toLowerCase())) {
      return [{ field, code: "password_too_common", params: {} }];
    }
    return errors;
  }

  private validateCompany(input: CompanyInput): FieldError[] {
    const errors = checkCompany(input);
    if (!errors.some((e) => e.field === "time_zone")) {
      try {
        new Intl.DateTimeFormat("en", { timeZone: input.time_zone });
      } catch {
        errors.push({ field: "time_zone", code: "invalid_time_zone", params: {} });
      }
    }
    if (!["IDR", "USD", "MYR", "SGD", "PHP"].includes(input.currency) && !errors.some((e) => e.field === "currency")) {
      errors.push({ field: "currency", code: "invalid_currency", params: {} });
    }
    return errors;
  }

  // --- commands ----------------------------------------------------------------------------

  private appStatus(): AppStatus {
    if (this.scenario.kind === "db_error") {
      const code = this.scenario.dbError ?? "database_locked";
      return {
        state: "database_error",
        error: appError(code, `database error: ${code}`),
        path: this.scenario.dbPath ?? "C:\\Users\\Budi\\AppData\\Roaming\\ispdesk\\ispdesk.sqlite",
      };
    }
    if (!this.company) return { state: "setup_required" };
    const me = this.staff.find((s) => s.id === this.sessionStaffId && s.active);
    return me ? { state: "signed_in", session: this.session(me) } : { state: "login_required", company: this.company };
  }

  private completeSetup(input: { company: CompanyInput; owner: { username: string; full_name: string; password: string } }): SessionInfo {
    if (this.company) fail("setup_already_done", "setup already done");
    const username = normalizeUsername(input.owner.username);
    invalid([
      ...this.validateCompany(input.company),
      ...checkUsername("username", username),
      ...checkRequiredText("full_name", input.owner.full_name, 100),
      ...this.serverPasswordRules("password", input.owner.password, username),
    ]);
    this.company = { ...input.company, name: input.company.name.trim(), currency: input.company.currency as Currency };
    const owner: StoredStaff = {
      id: newId(),
      username,
      full_name: input.owner.full_name.trim(),
      role: "owner",
      active: true,
      created_at: new Date().toISOString(),
      last_login_at: new Date().toISOString(),
      password: input.owner.password,
    };
    this.staff.push(owner);
    this.sessionStaffId = owner.id;
    this.log("setup", "company", null, `Penyiapan ${this.company.name}`, null, { ...this.company });
    return this.session(owner);
  }

  private login(input: { username: string; password: string }): SessionInfo {
    const username = normalizeUsername(input.username);
    invalid([
      ...(username === "" ? [{ field: "username", code: "required" as const, params: {} }] : []),
      ...(input.password === "" ? [{ field: "password", code: "required" as const, params: {} }] : []),
    ]);
    const now = Date.now();
    const record = this.failures.get(username) ?? { count: 0, lockedUntil: 0 };
    if (record.lockedUntil > now) {
      fail("login_throttled", "throttled", { seconds: `${Math.ceil((record.lockedUntil - now) / 1000)}` });
    }
    const staff = this.staff.find((s) => s.username === username);
    if (!staff || staff.password !== input.password) {
      record.count += 1;
      if (record.count >= (this.scenario.throttleAfter ?? 5)) {
        record.lockedUntil = now + (this.scenario.throttleSeconds ?? 30) * 1000;
        record.count = 0;
      }
      this.failures.set(username, record);
      fail("invalid_credentials", "invalid credentials");
    }
    if (!staff.active) fail("account_disabled", "account disabled");
    this.failures.delete(username);
    staff.last_login_at = new Date().toISOString();
    this.sessionStaffId = staff.id;
    this.log("login", "session", null, "Masuk", null, null);
    return this.session(staff);
  }

  private updateCompany(input: CompanyInput): CompanyProfile {
    this.require("manage_settings");
    invalid(this.validateCompany(input));
    const old = this.company!;
    this.company = {
      name: input.name.trim(),
      address: input.address.trim(),
      phone: input.phone.trim(),
      time_zone: input.time_zone,
      currency: input.currency as Currency,
    };
    this.log("update", "company", null, "Mengubah profil usaha", { ...old }, { ...this.company });
    return this.company;
  }

  private createStaff(input: { username: string; full_name: string; role: Role; password: string }): StaffUser {
    const me = this.require("manage_staff");
    this.mayTouch(me, input.role);
    const username = normalizeUsername(input.username);
    const errors = [
      ...checkUsername("username", username),
      ...checkRequiredText("full_name", input.full_name, 100),
      ...this.serverPasswordRules("password", input.password, username),
    ];
    if (!errors.some((e) => e.field === "username") && this.staff.some((s) => s.username === username)) {
      errors.unshift({ field: "username", code: "username_taken", params: {} });
    }
    invalid(errors);
    const staff: StoredStaff = {
      id: newId(),
      username,
      full_name: input.full_name.trim(),
      role: input.role,
      active: true,
      created_at: new Date().toISOString(),
      last_login_at: null,
      password: input.password,
    };
    this.staff.push(staff);
    this.log("create", "staff", staff.id, `${staff.full_name} (${staff.username})`, null, { username, full_name: staff.full_name, role: staff.role });
    return this.public(staff);
  }

  private changeRole(input: { staff_id: string; role: Role }): StaffUser {
    const me = this.require("manage_staff");
    const target = this.findStaff(input.staff_id);
    this.mayTouch(me, target.role);
    this.mayTouch(me, input.role);
    if (target.role === input.role) return this.public(target);
    if (target.id === me.id) fail("own_account", "own account");
    const old = target.role;
    target.role = input.role;
    this.log("role_change", "staff", target.id, `${target.full_name}: ${old} → ${input.role}`, { role: old }, { role: input.role });
    return this.public(target);
  }

  private setActive(input: { staff_id: string; active: boolean }): StaffUser {
    const me = this.require("manage_staff");
    const target = this.findStaff(input.staff_id);
    this.mayTouch(me, target.role);
    if (target.active === input.active) return this.public(target);
    if (target.id === me.id) fail("own_account", "own account");
    target.active = input.active;
    this.log(input.active ? "enable" : "disable", "staff", target.id, target.full_name, { active: !input.active }, { active: input.active });
    return this.public(target);
  }

  private resetPassword(input: { staff_id: string; password: string }): null {
    const me = this.require("manage_staff");
    const target = this.findStaff(input.staff_id);
    this.mayTouch(me, target.role);
    invalid(this.serverPasswordRules("password", input.password, target.username));
    target.password = input.password;
    this.log("password_reset", "staff", target.id, target.full_name, null, null);
    return null;
  }

  private changeOwnPassword(input: { current_password: string; new_password: string }): null {
    const me = this.me();
    if (me.password !== input.current_password) {
      invalid([{ field: "current_password", code: "wrong_current_password", params: {} }]);
    }
    invalid(this.serverPasswordRules("new_password", input.new_password, me.username));
    me.password = input.new_password;
    this.log("password_change", "staff", me.id, me.full_name, null, null);
    return null;
  }

  private listActivity(query: { staff_id: string | null; entity_type: string | null; page: number; page_size: number }) {
    this.require("view_activity_log");
    const matching = this.activity.filter(
      (e) => (query.staff_id === null || e.staff_id === query.staff_id) && (query.entity_type === null || e.entity_type === query.entity_type),
    );
    const start = (query.page - 1) * query.page_size;
    return { items: matching.slice(start, start + query.page_size), total: matching.length, total_capped: false, page: query.page, page_size: query.page_size };
  }

  private facets() {
    this.require("view_activity_log");
    const staff = new Map<string, string>();
    for (const e of this.activity) if (e.staff_id) staff.set(e.staff_id, e.staff_name);
    return {
      staff: [...staff].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name)),
      entity_types: [...new Set(this.activity.map((e) => e.entity_type))].sort(),
    };
  }

  private backupSettings() {
    const last = [...this.backups].sort((a, b) => b.created_at.localeCompare(a.created_at))[0] ?? null;
    const nextDue = this.backupFolder
      ? new Date(Date.parse(last?.created_at ?? new Date().toISOString()) + 86_400_000).toISOString()
      : null;
    return { folder: this.backupFolder, keep: 14, last_backup: last, next_due: nextDue };
  }

  private setBackupFolder(input: { folder: string }) {
    this.require("manage_settings");
    if (input.folder.trim() === "") invalid([{ field: "folder", code: "invalid_path", params: {} }]);
    const old = this.backupFolder;
    this.backupFolder = input.folder;
    this.log("update", "backup", null, `Folder cadangan: ${input.folder}`, { folder: old }, { folder: input.folder });
    return this.backupSettings();
  }

  private backupNow(): BackupInfo {
    this.require("manage_settings");
    if (!this.backupFolder) fail("backup_folder_not_set", "no backup folder");
    const at = new Date();
    const stamp = at.toISOString().replace(/[-:]/g, "").slice(0, 13);
    const info: BackupInfo = {
      file_name: `ispdesk-${stamp}.sqlite`,
      path: `${this.backupFolder}\\ispdesk-${stamp}.sqlite`,
      created_at: at.toISOString(),
      size_bytes: 3_502_080,
    };
    this.backups.push(info);
    this.log("backup", "backup", null, info.file_name, null, { file_name: info.file_name });
    return info;
  }

  private restore(input: { path: string }): null {
    this.require("manage_settings");
    if (!input.path.endsWith(".sqlite")) fail("backup_invalid", "not a backup");
    this.log("restore", "backup", null, input.path, null, null);
    this.sessionStaffId = null;
    return null;
  }
}
