// The platform, sync and live-router commands of docs/commands.md (issues #4 and #5) for the
// fake host. State that behaves like the real thing where the UI can tell: the sync status
// moves (a change waits, is pushed, is synced) and arrives as `sync-status` events; pairing
// codes are one-time; routers have moving traffic, sessions that end when disconnected,
// accounts to import, and an api-mode router whose drift can be applied (one item refused).

import { emit } from "@tauri-apps/api/event";
import type {
  AccountingSession,
  ApplyReport,
  ConnectionTest,
  Diff,
  FieldError,
  Health,
  ItemFailure,
  ItemKind,
  ItemRef,
  OnlineSession,
  Page,
  PairingInfo,
  PlanUsage,
  RouterImportPreview,
  RouterImportResult,
  RouterStatus,
  ServiceType,
  SessionQuery,
  SyncState,
  SyncStatus,
} from "../src/lib/api/types";
import { rateLimit } from "../src/lib/network/bandwidth";
import { appError, fail, newId, Rejection } from "./fake-common";
import type { FakeSubscribers, Host, StoredCustomer, StoredRouter } from "./fake-subscribers";

/** What these commands need from the rest of the fake host. */
export type LiveHost = Host & { me(): unknown };

export type LiveScenario = {
  /** Where sync starts: unpaired (the default) or paired in one of the states. */
  sync?: SyncState;
  /** Routers (by short name) that do not answer. */
  routersDown?: string[];
  /** The TLS router shows another certificate than the confirmed one. */
  certificateChanged?: boolean;
};

/** The one-time codes the fake platform accepts. */
export const PAIRING_CODES = ["K7Q4-9MZP", "B2XR-44TD"];
/** Addresses where the fake platform answers. */
const PLATFORMS = ["https://cloud.ispdesk.id", "http://127.0.0.1:8080"];

const DAY_MS = 86_400_000;
const MARKER = "ispdesk:";

/** The same small generator as the subscribers' seed, so runs (and screenshots) repeat. */
function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const mac = (n: number) => `4C:5E:0C:${((n >> 16) & 255).toString(16).padStart(2, "0")}:${((n >> 8) & 255).toString(16).padStart(2, "0")}:${(n & 255).toString(16).padStart(2, "0")}`.toUpperCase();

type Iface = { name: string; kind: string; running: boolean; disabled: boolean; rx: number; tx: number; baseRx: number; baseTx: number };
type LiveSession = Omit<OnlineSession, "uptime_s"> & { since: number };
type Account = { username: string; name: string; service_type: ServiceType; profile: string; disabled: boolean; managed: boolean };
type Item = { kind: ItemKind; id: string; name: string; fields: Record<string, string> };

type RouterLive = {
  sequence: number;
  readAt: number;
  since: number;
  /** The next reading is a connection's first: no rates yet. */
  fresh: boolean;
  nullRates: boolean;
  /** The certificate fingerprint the router shows, and the one confirmed (TLS routers). */
  presented: string;
  pinned: string | null;
  interfaces: Iface[];
  sessions: LiveSession[];
  accounts: Account[];
  /** What an api-mode router holds, for provisioning. */
  items: Item[];
  identity: string;
  board: string;
  bootedAt: number;
};

export class FakeLive {
  pairing: PairingInfo | null = null;
  status: SyncStatus = { state: "unpaired", pending: 0, last_sync_at: null, offline_since: null, problem: null };
  /** Whether the platform answers now (tests turn it off and on). */
  platformUp = true;
  codes = new Set(PAIRING_CODES);
  private pushTimer: ReturnType<typeof setTimeout> | undefined;

  routers = new Map<string, RouterLive>();
  accounting: AccountingSession[] = [];
  /** Items the router refuses to write during provisioning, with the router's message. */
  refuse = new Map<string, string>();
  private rand = random(5_2026);
  private sessionIds = 0x80000010;

  constructor(
    readonly host: LiveHost,
    readonly subs: FakeSubscribers,
    readonly scenario: LiveScenario,
  ) {}

  // --- seed ------------------------------------------------------------------------------------

  seed(): void {
    const now = Date.now();
    this.seedSync(now);
    for (const router of this.subs.routers) this.routers.set(router.id, this.seedRouter(router, now));
    // A new business has no routers, so no sessions either.
    if (this.subs.routers.length > 0) this.seedAccounting(now);
  }

  private seedSync(now: number): void {
    const state = this.scenario.sync ?? "unpaired";
    if (state === "unpaired") return;
    this.pairing = { platform_url: PLATFORMS[0]!, tenant_id: "0193a000-0000-7000-8000-00000000b3a7", tenant_name: "Berkah Net (berkah)", device_id: "0193a000-0000-7000-8000-0000000d0e01" };
    this.codes.delete(PAIRING_CODES[1]!);
    const last = iso(now - 40_000);
    const base: SyncStatus = { state, pending: 0, last_sync_at: last, offline_since: null, problem: null };
    switch (state) {
      case "synced":
        this.status = base;
        break;
      case "pending":
        this.status = { ...base, pending: 3 };
        break;
      case "offline":
        this.platformUp = false;
        this.status = {
          ...base,
          pending: 12,
          last_sync_at: iso(now - 27 * 60_000),
          offline_since: iso(now - 25 * 60_000),
          problem: { code: "offline", message: "cannot connect (dns error: failed to lookup address information)", params: {} },
        };
        break;
      case "refused":
        this.status = {
          ...base,
          pending: 2,
          problem: { code: "plan_limit_reached", message: "the tenant's plan allows 500 customers", params: { resource: "customers", limit: "500", would_be: "501" } },
        };
        break;
      case "error":
        this.status = { ...base, pending: 1, problem: { code: "server_error", message: "HTTP 502 Bad Gateway", params: {} } };
        break;
    }
  }

  private seedRouter(router: StoredRouter, now: number): RouterLive {
    const isPusat = router.short_name === "pusat";
    const interfaces: Omit<Iface, "baseRx" | "baseTx">[] = isPusat
      ? [
          { name: "ether1-wan", kind: "ether", running: true, disabled: false, rx: 38_000_000, tx: 6_500_000 },
          { name: "ether2-pppoe", kind: "ether", running: true, disabled: false, rx: 5_200_000, tx: 31_000_000 },
          { name: "bridge-hotspot", kind: "bridge", running: true, disabled: false, rx: 1_100_000, tx: 7_400_000 },
          { name: "ether4", kind: "ether", running: false, disabled: false, rx: 0, tx: 0 },
          { name: "wlan1", kind: "wlan", running: false, disabled: true, rx: 0, tx: 0 },
        ]
      : [
          { name: "sfp1-backhaul", kind: "ether", running: true, disabled: false, rx: 12_000_000, tx: 2_100_000 },
          { name: "ether2-pelanggan", kind: "ether", running: true, disabled: false, rx: 1_900_000, tx: 10_800_000 },
        ];
    const live: RouterLive = {
      interfaces: interfaces.map((i) => ({ ...i, baseRx: i.rx, baseTx: i.tx })),
      sequence: 0,
      readAt: 0,
      since: now - 3 * 3_600_000,
      fresh: true,
      nullRates: true,
      presented: "3F:A9:1C:07:D2:5B:88:E4:60:1A:BC:93:7E:0F:42:D6:19:C8:A3:55:EE:70:2B:94:D1:6F:08:B7:C2:39:4A:E5",
      pinned: null,
      sessions: [],
      accounts: [],
      items: [],
      identity: isPusat ? "BERKAH-PUSAT" : router.short_name === "sardono" ? "TWR-SARDONO" : "RW05-MINOMARTANI",
      board: isPusat ? "CCR2004-16G-2S+" : router.short_name === "sardono" ? "RB4011iGS+" : "hEX (RB750Gr3)",
      bootedAt: now - (isPusat ? 23 : 6) * DAY_MS - 4 * 3_600_000 - 17 * 60_000,
    };
    if (router.api_tls && this.scenario.certificateChanged) live.pinned = "0B:77:E1:9C:25:AF:03:D8:64:12:9E:B0:C7:58:3A:F1:2D:86:4E:B9:70:05:C3:1F:A8:6B:D2:94:0E:57:E3:21";

    // Sessions: the router's active customers (a few are offline at any moment).
    const customers = this.subs.customers.filter((c) => c.router_id === router.id && c.status === "active");
    let n = 0;
    for (const c of customers) {
      if (this.rand() < 0.3 && c.username !== "ahmad.fauzi" && c.username !== "rina") continue;
      n += 1;
      const hotspot = c.service_type === "hotspot";
      const since = now - Math.floor((hotspot ? 0.2 + this.rand() * 5 : 0.5 + this.rand() * 120) * 3_600_000);
      const up = Math.floor(this.rand() * 400_000_000);
      live.sessions.push({
        kind: hotspot ? "hotspot" : "ppp",
        id: `*${(this.sessionIds++).toString(16).toUpperCase()}`,
        name: c.username,
        address: hotspot ? `10.11.0.${10 + n}` : `10.10.${Math.floor(n / 200)}.${(n % 200) + 10}`,
        mac_address: mac(0x1a2b00 + n * 37),
        service: hotspot ? "http-chap" : "pppoe",
        since,
        bytes_in: hotspot ? up : null,
        bytes_out: hotspot ? up * 7 : null,
        radius: router.provisioning_mode === "radius",
      });
    }

    // Accounts on the router, for the import: some are customers already, some are new.
    const existing = (names: string[]): Account[] =>
      this.subs.customers
        .filter((c) => names.includes(c.username))
        .map((c) => ({ username: c.username, name: c.name, service_type: c.service_type, profile: "pppoe-10m", disabled: false, managed: false }));
    const account = (username: string, name: string, profile: string, extra: Partial<Account> = {}): Account => ({ username, name, service_type: "pppoe", profile, disabled: false, managed: false, ...extra });
    if (isPusat) {
      live.accounts = [
        ...existing(["ahmad.fauzi", "wahyu", "dedi.k"]),
        account("pak.rt05", "Pak RT 05", "pppoe-10m"),
        account("warung.bu.sri", "Warung Bu Sri", "pppoe-20m"),
        account("masjid.alikhlas", "Masjid Al-Ikhlas", "pppoe-10m", { disabled: true }),
        account("kos.melati1", "Kos Melati 1", "kos-5m"),
        account("kos.melati2", "Kos Melati 2", "kos-5m"),
        account("tamu.balai", "Balai Desa (tamu)", "hs-harian", { service_type: "hotspot" }),
      ];
    } else if (router.provisioning_mode === "api") {
      live.accounts = [account("toko.maju", "Toko Maju", "pppoe-10m"), account("pak haji", "Pak Haji Salim", "pppoe-10m")];
    } else {
      live.accounts = [account("sardono.kantor", "Kantor Desa Sardonoharjo", "pppoe-20m")];
    }
    if (router.provisioning_mode === "api") this.seedItems(router, live);
    return live;
  }

  /** An api-mode router: mostly in step with the database, with some drift to show. */
  private seedItems(router: StoredRouter, live: RouterLive): void {
    const desired = this.desired(router);
    const secrets = desired.filter((d) => d.kind === "ppp_secret");
    const missing = new Set(secrets.slice(-3).map((d) => d.name));
    const blocked = secrets[0]?.name;
    live.items = [];
    for (const d of desired) {
      if (missing.has(d.name)) continue;
      const fields = { ...d.fields };
      if (d.name === blocked) delete fields.comment;
      live.items.push({ kind: d.kind, id: `*${(this.sessionIds++).toString(16).toUpperCase()}`, name: d.name, fields });
    }
    const item = (kind: ItemKind, name: string, fields: Record<string, string>) => live.items.push({ kind, id: `*${(this.sessionIds++).toString(16).toUpperCase()}`, name, fields });
    // Drift: a slower profile, a secret on the wrong profile, a suspended customer still enabled.
    const profile = live.items.find((i) => i.kind === "ppp_profile" && i.name === "pppoe-20m");
    if (profile) profile.fields["rate-limit"] = "4M/16M";
    const onTen = live.items.find((i) => i.kind === "ppp_secret" && i.fields.profile === "pppoe-20m" && i.name !== blocked);
    if (onTen) onTen.fields.profile = "pppoe-10m";
    const suspended = live.items.find((i) => i.kind === "ppp_secret" && i.fields.disabled === "yes");
    if (suspended) {
      suspended.fields.disabled = "no";
      live.sessions.push({ kind: "ppp", id: `*${(this.sessionIds++).toString(16).toUpperCase()}`, name: suspended.name, address: "10.30.0.77", mac_address: mac(0x77), service: "pppoe", since: Date.now() - 5 * 3_600_000, bytes_in: null, bytes_out: null, radius: false });
    }
    const changedPassword = live.items.find((i) => i.kind === "ppp_secret" && i !== onTen && i !== suspended && i.name !== blocked);
    if (changedPassword) changedPassword.fields.password = "lama-123";
    // A former customer still on the router, and things the app never made.
    item("ppp_secret", "ex.pelanggan", { password: "x", service: "pppoe", profile: "pppoe-10m", disabled: "no", comment: `${MARKER}0193a5c0-dead-7000-8000-000000000000` });
    item("ppp_secret", "admin-noc", { password: "y", service: "any", profile: "default", disabled: "no", comment: "akun teknisi" });
    item("ppp_profile", "default-encryption", { "rate-limit": "", comment: "" });
    // The first new secret the router will refuse: its profile slot is full on this hEX.
    const refused = [...missing][0];
    if (refused) this.refuse.set(refused, "failure: could not add secret: item limit reached for this license level");
  }

  private seedAccounting(now: number): void {
    const rand = random(23_11);
    const causes = ["User-Request", "Lost-Carrier", "Idle-Timeout", "Session-Timeout", "NAS-Request", "Admin-Reset"];
    const add = (c: StoredCustomer | null, username: string, router: StoredRouter, start: number, seconds: number, down: number, up: number, open: boolean, cause = "") => {
      const stopped = open ? null : start + seconds * 1000;
      this.accounting.push({
        session_id: `${router.short_name}-${(this.sessionIds++).toString(16)}`,
        username,
        customer_id: c?.id ?? null,
        customer_name: c?.name ?? null,
        router_id: router.id,
        router_name: router.name,
        nas_address: router.address,
        address: c?.service_type === "hotspot" ? `10.11.0.${Math.floor(rand() * 200) + 20}` : `10.10.${Math.floor(rand() * 3)}.${Math.floor(rand() * 250) + 2}`,
        mac: mac(Math.floor(rand() * 0xffffff)),
        started_at: iso(start),
        updated_at: iso(open ? now - Math.floor(rand() * 290_000) : stopped!),
        stopped_at: stopped === null ? null : iso(stopped),
        session_seconds: open ? Math.floor((now - start) / 1000) : seconds,
        bytes_in: up,
        bytes_out: down,
        terminate_cause: open ? "" : cause,
      });
    };
    const routerOf = (c: StoredCustomer) => this.subs.routers.find((r) => r.id === c.router_id) ?? this.subs.routers[0]!;
    // Ahmad's sessions, known to the tests.
    const ahmad = this.subs.customers.find((c) => c.username === "ahmad.fauzi");
    if (ahmad) {
      const r = routerOf(ahmad);
      add(ahmad, ahmad.username, r, now - 2 * 3_600_000 - 14 * 60_000, 0, 734_003_200, 52_428_800, true);
      add(ahmad, ahmad.username, r, now - 1 * DAY_MS - 3 * 3_600_000, 14 * 3_600 + 5 * 60, 1_610_612_736, 121_634_816, false, "Lost-Carrier");
      add(ahmad, ahmad.username, r, now - 3 * DAY_MS, 2 * 86_400 + 3_600, 9_878_704_128, 612_368_384, false, "User-Request");
    }
    for (const c of this.subs.customers.slice(5, 140)) {
      const r = routerOf(c);
      const count = 1 + Math.floor(rand() * 6);
      const rate = 60_000 + rand() * 600_000;
      for (let i = 0; i < count; i += 1) {
        const start = now - Math.floor(rand() * 40 * DAY_MS);
        const seconds = Math.floor(600 + rand() * 2.5 * 86_400);
        const down = Math.floor((seconds * rate) / 8);
        add(c, c.username, r, start, seconds, down, Math.floor(down * (0.06 + rand() * 0.1)), false, causes[Math.floor(rand() * causes.length)]!);
      }
      if (c.status === "active" && rand() < 0.45) {
        const start = now - Math.floor(rand() * 20 * 3_600_000);
        add(c, c.username, r, start, 0, Math.floor(((now - start) / 1000) * rate / 8), Math.floor(((now - start) / 1000) * rate / 80), true);
      }
    }
    // Someone who is no customer (a voucher from before ispdesk).
    const pusat = this.subs.routers[0]!;
    add(null, "voucher-7731", pusat, now - 5 * DAY_MS, 3 * 3_600_000, 412_000_000, 31_000_000, false, "Session-Timeout");
    this.accounting.sort((a, b) => (b.started_at ?? "").localeCompare(a.started_at ?? ""));
  }

  // --- commands ----------------------------------------------------------------------------------

  run(cmd: string, args: Record<string, never>): { value: unknown } | undefined {
    const input = args.input as never;
    const query = args.query as never;
    switch (cmd) {
      case "sync_status":
        return { value: { ...this.status } };
      case "pairing_info":
        this.host.me();
        return { value: this.pairing };
      case "pair_platform":
        return { value: this.pair(input) };
      case "unpair_platform":
        return { value: this.unpair() };
      case "sync_now":
        this.syncNow();
        return { value: null };
      case "accounting_sessions":
        this.host.requireAny(["manage_customers", "manage_routers"]);
        return { value: this.sessions(query) };
      case "usage_by_plan":
        this.host.requireAny(["view_reports", "manage_routers"]);
        return { value: this.usage(query) };
      case "test_router_connection":
        this.host.require("manage_routers");
        return { value: this.test((input as { id: string }).id) };
      case "confirm_router_certificate":
        return { value: this.confirmCertificate(input) };
      case "router_status":
        this.host.require("manage_routers");
        return { value: this.routerStatus((input as { id: string }).id) };
      case "router_statuses":
        this.host.require("manage_routers");
        return { value: this.subs.routers.map((r) => this.routerStatus(r.id)).filter((s): s is RouterStatus => s !== null) };
      case "router_online_users":
        this.host.requireAny(["manage_routers", "manage_customers"]);
        return { value: this.onlineUsers((input as { id: string }).id) };
      case "disconnect_router_session":
        return { value: this.disconnect(input) };
      case "preview_router_import":
        this.host.require("manage_routers");
        this.host.require("manage_customers");
        return { value: this.previewImport((input as { id: string }).id) };
      case "import_router_customers":
        return { value: this.importAccounts((input as { id: string }).id) };
      case "preview_router_provisioning":
        this.host.require("manage_routers");
        return { value: this.diffFor(input) };
      case "apply_router_provisioning":
        return { value: this.apply(input) };
      default:
        return undefined;
    }
  }

  // --- sync ------------------------------------------------------------------------------------

  private publish(): void {
    void emit("sync-status", { ...this.status });
  }

  /** Changes the status as the engine would, and tells the window. */
  setStatus(next: Partial<SyncStatus>): void {
    this.status = { ...this.status, ...next };
    this.publish();
  }

  /** A change was saved: it waits in the outbox, and is pushed soon after when the platform answers. */
  changed(): void {
    if (!this.pairing) return;
    const waiting = this.status.state === "offline" || this.status.state === "refused";
    this.setStatus({ pending: this.status.pending + 1, state: waiting ? this.status.state : "pending" });
    if (!waiting) this.schedulePush(1_200);
  }

  private schedulePush(ms: number): void {
    clearTimeout(this.pushTimer);
    this.pushTimer = setTimeout(() => this.push(), ms);
  }

  private push(): void {
    if (!this.pairing) return;
    const now = iso(Date.now());
    if (!this.platformUp) {
      this.setStatus({
        state: "offline",
        offline_since: this.status.offline_since ?? now,
        problem: { code: "offline", message: "cannot connect (connection refused)", params: {} },
      });
      return;
    }
    this.setStatus({ state: "synced", pending: 0, last_sync_at: now, offline_since: null, problem: null });
  }

  private syncNow(): void {
    if (!this.pairing) return;
    if (this.status.pending > 0 && this.status.state !== "offline") this.setStatus({ state: "pending" });
    this.schedulePush(700);
  }

  private pair(input: { platform_url: string; code: string; device_name: string }): PairingInfo {
    this.host.require("manage_settings");
    const url = input.platform_url.trim().replace(/\/+$/, "");
    if (!/^https?:\/\//.test(url)) {
      fail("platform_refused", "the platform refused: the platform address must start with https://", { code: "validation", detail: "the platform address must start with https://" });
    }
    if (!PLATFORMS.includes(url) || !this.platformUp) {
      fail("platform_unreachable", "the platform cannot be reached", { detail: `cannot connect (dns error: failed to lookup address information: ${new URL(url).host})` });
    }
    const code = input.code.trim().toUpperCase();
    if (!this.codes.has(code)) fail("invalid_pairing_code", "invalid pairing code");
    this.codes.delete(code);
    this.host.log("update", "company", null, `Terhubung ke platform ${url}`, null, { platform_url: url, device_name: input.device_name });
    this.pairing = { platform_url: url, tenant_id: "0193a000-0000-7000-8000-00000000b3a7", tenant_name: "Berkah Net (berkah)", device_id: newId() };
    // The first sync sends everything recorded so far.
    this.status = { state: "pending", pending: 248, last_sync_at: null, offline_since: null, problem: null };
    setTimeout(() => this.publish(), 0);
    this.schedulePush(1_500);
    return this.pairing;
  }

  private unpair(): null {
    this.host.require("manage_settings");
    clearTimeout(this.pushTimer);
    const url = this.pairing?.platform_url ?? "";
    this.pairing = null;
    this.status = { state: "unpaired", pending: 0, last_sync_at: null, offline_since: null, problem: null };
    this.host.log("update", "company", null, `Diputus dari platform ${url}`, null, null);
    this.publish();
    return null;
  }

  // --- accounting --------------------------------------------------------------------------------

  private sessions(query: SessionQuery): Page<AccountingSession> {
    const matching = this.accounting.filter(
      (s) =>
        (!query.online_only || s.stopped_at === null) &&
        (query.router_id === null || s.router_id === query.router_id) &&
        (query.customer_id === null || s.customer_id === query.customer_id),
    );
    const size = Math.min(500, Math.max(1, query.page_size));
    const page = Math.max(1, query.page);
    return { items: matching.slice((page - 1) * size, page * size), total: matching.length, total_capped: false, page, page_size: size };
  }

  /** The core's query: sessions started in `[from, to)`, grouped by the customer's plan. */
  usage(query: { from: string; to: string }): PlanUsage[] {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const groups = new Map<string, PlanUsage & { users: Set<string> }>();
    for (const s of this.accounting) {
      const start = Date.parse(s.started_at ?? "");
      if (!(start >= from && start < to)) continue;
      const customer = this.subs.customers.find((c) => c.username === s.username);
      const plan = customer?.plan_id ? this.subs.plans.find((p) => p.id === customer.plan_id) : undefined;
      const key = plan?.id ?? "";
      const group = groups.get(key) ?? { plan_id: plan?.id ?? null, plan_name: plan?.name ?? null, customers: 0, sessions: 0, bytes_in: 0, bytes_out: 0, users: new Set<string>() };
      group.users.add(s.username);
      group.customers = group.users.size;
      group.sessions += 1;
      group.bytes_in += s.bytes_in;
      group.bytes_out += s.bytes_out;
      groups.set(key, group);
    }
    return [...groups.values()]
      .map(({ users: _u, ...g }) => g)
      .sort((a, b) => b.bytes_in + b.bytes_out - (a.bytes_in + a.bytes_out));
  }

  // --- routers -----------------------------------------------------------------------------------

  private router(id: string): StoredRouter {
    return this.subs.routers.find((r) => r.id === id) ?? fail("not_found", "no such router", { entity: "router" });
  }

  private live(router: StoredRouter): RouterLive {
    let live = this.routers.get(router.id);
    if (!live) {
      live = this.seedRouter(router, Date.now());
      this.routers.set(router.id, live);
    }
    return live;
  }

  private down(router: StoredRouter): boolean {
    return (this.scenario.routersDown ?? []).includes(router.short_name);
  }

  /** Connects as the real code does: refuses what the router would, asks about certificates. */
  private connect(router: StoredRouter): RouterLive {
    if (router.api_username === "") fail("router_not_configured", "no API user");
    if (this.down(router)) fail("router_unreachable", "unreachable", { address: `${router.address}:${router.api_port}` });
    const live = this.live(router);
    if (router.api_tls && live.pinned === null) fail("router_certificate_unconfirmed", "certificate not confirmed", { fingerprint: live.presented });
    if (router.api_tls && live.pinned !== live.presented) fail("router_certificate_changed", "certificate changed", { expected: live.pinned!, actual: live.presented });
    return live;
  }

  private test(id: string): ConnectionTest {
    const router = this.router(id);
    if (router.api_username === "") fail("router_not_configured", "no API user");
    if (this.down(router)) fail("router_unreachable", "unreachable", { address: `${router.address}:${router.api_port}` });
    const live = this.live(router);
    if (router.api_tls && live.pinned === null) return { outcome: "certificate_unconfirmed", fingerprint: live.presented };
    if (router.api_tls && live.pinned !== live.presented) return { outcome: "certificate_changed", confirmed: live.pinned!, presented: live.presented };
    return {
      outcome: "connected",
      info: { identity: live.identity, version: "7.16.2 (stable)", board: live.board, architecture: live.board.startsWith("CCR") ? "arm64" : "arm", uptime_s: Math.floor((Date.now() - live.bootedAt) / 1000) },
    };
  }

  private confirmCertificate(input: { router_id: string; fingerprint: string }): string {
    this.host.require("manage_routers");
    const router = this.router(input.router_id);
    const hex = input.fingerprint.replace(/[\s:]/g, "").toUpperCase();
    if (!/^[0-9A-F]{64}$/.test(hex)) fail("validation", "bad fingerprint");
    const stored = hex.match(/../g)!.join(":");
    const live = this.live(router);
    live.pinned = stored;
    live.fresh = true;
    live.since = Date.now();
    this.host.log("pin_certificate", "router", router.id, router.name, null, { fingerprint: stored });
    return stored;
  }

  private routerStatus(id: string): RouterStatus | null {
    const router = this.router(id);
    if (!router.is_active || router.api_username === "") return null;
    const live = this.live(router);
    const now = Date.now();
    let error = null;
    try {
      this.connect(router);
    } catch (reason) {
      error = reason instanceof Rejection ? reason.error : appError("internal", String(reason));
    }
    if (error) {
      if (live.sequence === 0) live.sequence = 1;
      return { router_id: router.id, link: "offline", since: iso(live.since), error, checked_at: null, health: null, sessions: null, sequence: live.sequence };
    }
    // A new reading every two seconds (the real poller: every five).
    if (now - live.readAt >= 2_000) {
      if (live.readAt === 0) live.since = now - 3 * 3_600_000;
      live.readAt = now;
      live.sequence += 1;
      live.nullRates = live.fresh;
      live.fresh = false;
      for (const iface of live.interfaces) {
        if (!iface.running) continue;
        // Wanders around the interface's usual load, as traffic does over a few minutes.
        const swing = 0.5 + this.rand();
        iface.rx = iface.rx * 0.65 + iface.baseRx * 0.35 * swing;
        iface.tx = iface.tx * 0.65 + iface.baseTx * 0.35 * swing;
      }
    }
    const first = live.nullRates;
    const health: Health = {
      identity: live.identity,
      version: "7.16.2 (stable)",
      board: live.board,
      uptime_s: Math.floor((now - live.bootedAt) / 1000),
      cpu_load: 9 + (live.sequence % 7) * 3,
      memory_used: 412_000_000 + (live.sequence % 5) * 3_000_000,
      memory_total: 1_073_741_824,
      disk_used: 98_304_000,
      disk_total: 134_217_728,
      interfaces: live.interfaces.map((i) => ({
        name: i.name,
        kind: i.kind,
        running: i.running,
        disabled: i.disabled,
        rx_bps: first || !i.running ? (i.running ? null : 0) : Math.round(i.rx),
        tx_bps: first || !i.running ? (i.running ? null : 0) : Math.round(i.tx),
      })),
    };
    return { router_id: router.id, link: "online", since: iso(live.since), error: null, checked_at: iso(live.readAt), health, sessions: live.sessions.map((s) => this.session(s)), sequence: live.sequence };
  }

  private session(s: LiveSession): OnlineSession {
    const { since, ...rest } = s;
    return { ...rest, uptime_s: Math.floor((Date.now() - since) / 1000) };
  }

  private onlineUsers(id: string): OnlineSession[] {
    const live = this.connect(this.router(id));
    return live.sessions.map((s) => this.session(s));
  }

  /** The user logged off by themselves (tests use it to make a disconnect come too late). */
  endSession(routerShortName: string, name: string): void {
    const router = this.subs.routers.find((r) => r.short_name === routerShortName);
    if (!router) return;
    const live = this.live(router);
    live.sessions = live.sessions.filter((s) => s.name !== name);
  }

  private disconnect(input: { router_id: string; session: { kind: string; id: string; name: string } }): null {
    this.host.requireAny(["manage_routers", "manage_customers"]);
    const router = this.router(input.router_id);
    const live = this.connect(router);
    const session = live.sessions.find((s) => s.kind === input.session.kind && s.id === input.session.id);
    if (!session) fail("not_found", "the session had already ended");
    live.sessions = live.sessions.filter((s) => s !== session);
    this.host.log("disconnect", "router", router.id, `${router.name}: ${session.name}`, null, { session: session.name, kind: session.kind });
    return null;
  }

  // --- import ------------------------------------------------------------------------------------

  private classify(router: StoredRouter) {
    const live = this.connect(router);
    const taken = new Set(this.subs.customers.map((c) => c.username));
    const rejected: FieldError[] = [];
    const fresh: Account[] = [];
    const existing: Account[] = [];
    let managed = 0;
    for (const a of live.accounts) {
      if (a.managed) managed += 1;
      else if (!/^[a-z0-9._@-]{3,64}$/.test(a.username)) rejected.push({ field: "username", code: "invalid_username", params: { min: "1", max: "64", username: a.username } });
      else if (taken.has(a.username)) existing.push(a);
      else fresh.push(a);
    }
    return { live, rejected, fresh, existing, managed };
  }

  private planFor(account: Account) {
    const plans = this.subs.plans.filter((p) => p.service_type === account.service_type && p.profile_name !== "" && p.profile_name === account.profile);
    return plans.length === 1 ? plans[0]! : null;
  }

  private previewImport(id: string): RouterImportPreview {
    const router = this.router(id);
    const { live, rejected, fresh, existing, managed } = this.classify(router);
    const unmatched = new Map<string, { service_type: ServiceType; profile: string; accounts: number; ambiguous_plans: string[] }>();
    for (const a of fresh) {
      if (this.planFor(a)) continue;
      const key = `${a.service_type}:${a.profile}`;
      const entry = unmatched.get(key) ?? { service_type: a.service_type, profile: a.profile, accounts: 0, ambiguous_plans: [] };
      entry.accounts += 1;
      unmatched.set(key, entry);
    }
    return {
      accounts: live.accounts.length,
      new_customers: fresh.map((a) => ({ username: a.username, name: a.name, service_type: a.service_type, profile: a.profile, plan_code: this.planFor(a)?.code ?? null, status: a.disabled ? "suspended" : "active" })),
      existing: existing.map((a) => ({ username: a.username, service_type: a.service_type })),
      managed,
      unmatched_profiles: [...unmatched.values()],
      rejected,
    };
  }

  private importAccounts(id: string): RouterImportResult {
    this.host.require("manage_routers");
    this.host.require("manage_customers");
    const router = this.router(id);
    const { rejected, fresh } = this.classify(router);
    if (rejected.length > 0) throw new Rejection(appError("import_invalid", "accounts cannot be imported", {}, rejected));
    const now = Date.now();
    for (const a of fresh) {
      const plan = this.planFor(a);
      this.subs.customers.push({
        id: newId(),
        username: a.username,
        name: a.name,
        phone: "",
        email: "",
        address: "",
        service_type: a.service_type,
        plan_id: plan?.id ?? null,
        router_id: router.id,
        status: a.disabled ? "suspended" : "active",
        expires_at: plan ? iso(now + 30 * DAY_MS) : null,
        balance: 0,
        notes: "",
        created_at: iso(now),
        password: "dari-router",
      });
      if (router.provisioning_mode === "api") a.managed = true;
    }
    const adopted = router.provisioning_mode === "api" ? fresh.length : 0;
    this.host.log("import", "router", router.id, `${fresh.length} customers`, null, { imported: fresh.length, adopted });
    return { imported: fresh.length, adopted };
  }

  // --- provisioning ------------------------------------------------------------------------------

  /** What the database says the router should hold (ispdesk_domain::provisioning, simplified). */
  private desired(router: StoredRouter): Item[] {
    const customers = this.subs.customers.filter((c) => c.router_id === router.id && c.service_type === "pppoe");
    const items: Item[] = [];
    const profiles = new Set<string>();
    for (const c of customers) {
      const plan = this.subs.plans.find((p) => p.id === c.plan_id);
      const profile = plan?.profile_name || "default";
      if (plan && profile !== "default" && !profiles.has(profile)) {
        profiles.add(profile);
        const bw = this.subs.bandwidth.find((b) => b.id === plan.bandwidth_profile_id);
        const rate = bw ? rateLimit(bw) : "";
        items.push({ kind: "ppp_profile", id: "", name: profile, fields: { "rate-limit": rate, "only-one": "yes", comment: `${MARKER}${plan.id}` } });
      }
      items.push({
        kind: "ppp_secret",
        id: "",
        name: c.username,
        fields: { password: c.password, service: "pppoe", profile, disabled: c.status === "active" ? "no" : "yes", comment: `${MARKER}${c.id}` },
      });
    }
    return items.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
  }

  private diffFor(input: { router_id: string; adopt: ItemRef[] }): Diff {
    const router = this.router(input.router_id);
    const live = this.connect(router);
    return this.diff(router, live, input.adopt);
  }

  private diff(router: StoredRouter, live: RouterLive, adopt: ItemRef[]): Diff {
    const managed = (i: Item) => (i.fields.comment ?? "").startsWith(MARKER) || adopt.some((a) => a.kind === i.kind && a.name === i.name);
    const desired = this.desired(router);
    const result: Diff = { add: [], change: [], remove: [], disconnect: [], unmanaged: [], warnings: [] };
    const wanted = new Set(desired.map((d) => `${d.kind}:${d.name}`));
    const online = (name: string) => live.sessions.some((s) => s.kind === "ppp" && s.name === name);
    for (const d of desired) {
      const actual = live.items.find((i) => i.kind === d.kind && i.name === d.name);
      if (!actual) {
        const { password: _p, ...fields } = d.fields;
        result.add.push({ kind: d.kind, name: d.name, fields });
        continue;
      }
      if (!managed(actual)) continue;
      const fields = Object.keys(d.fields)
        .filter((f) => f !== "comment" && (actual.fields[f] ?? "") !== d.fields[f])
        .map((f) => (f === "password" ? { field: f, from: null, to: null } : { field: f, from: actual.fields[f] ?? null, to: d.fields[f] ?? null }));
      if (fields.length > 0) result.change.push({ kind: d.kind, id: actual.id, name: d.name, fields });
      if (d.fields.disabled === "yes" && actual.fields.disabled !== "yes" && online(d.name)) result.disconnect.push({ kind: d.kind, name: d.name });
    }
    for (const actual of live.items) {
      const key = `${actual.kind}:${actual.name}`;
      if (managed(actual)) {
        if (!wanted.has(key)) {
          result.remove.push({ kind: actual.kind, id: actual.id, name: actual.name });
          if (online(actual.name)) result.disconnect.push({ kind: actual.kind, name: actual.name });
        }
      } else {
        result.unmanaged.push({ kind: actual.kind, id: actual.id, name: actual.name, blocks: wanted.has(key) });
      }
    }
    return result;
  }

  private apply(input: { router_id: string; adopt: ItemRef[] }): ApplyReport {
    this.host.require("manage_routers");
    const router = this.router(input.router_id);
    if (router.provisioning_mode !== "api") fail("router_not_api_mode", "router is in RADIUS mode");
    const live = this.connect(router);
    const diff = this.diff(router, live, input.adopt);
    const desired = this.desired(router);
    const report: ApplyReport = { added: 0, changed: 0, removed: 0, disconnected: 0, failures: [] };
    const refused = (name: string, kind: ItemKind, action: ItemFailure["action"]) => {
      const message = this.refuse.get(name);
      if (message) report.failures.push({ kind, name, action, message });
      return message !== undefined;
    };
    for (const a of input.adopt) {
      const item = live.items.find((i) => i.kind === a.kind && i.name === a.name);
      const want = desired.find((d) => d.kind === a.kind && d.name === a.name);
      if (item && want) item.fields.comment = want.fields.comment!;
    }
    for (const add of diff.add) {
      if (refused(add.name, add.kind, "add")) continue;
      const want = desired.find((d) => d.kind === add.kind && d.name === add.name)!;
      live.items.push({ kind: add.kind, id: `*${(this.sessionIds++).toString(16).toUpperCase()}`, name: add.name, fields: { ...want.fields } });
      report.added += 1;
    }
    for (const change of diff.change) {
      if (refused(change.name, change.kind, "change")) continue;
      const item = live.items.find((i) => i.id === change.id)!;
      const want = desired.find((d) => d.kind === change.kind && d.name === change.name)!;
      item.fields = { ...want.fields };
      report.changed += 1;
    }
    for (const remove of diff.remove) {
      if (refused(remove.name, remove.kind, "remove")) continue;
      live.items = live.items.filter((i) => i.id !== remove.id);
      report.removed += 1;
    }
    for (const end of diff.disconnect) {
      const before = live.sessions.length;
      live.sessions = live.sessions.filter((s) => s.name !== end.name);
      if (live.sessions.length < before) report.disconnected += 1;
    }
    this.host.log("provision", "router", router.id, router.name, null, { added: report.added, changed: report.changed, removed: report.removed, failures: report.failures.length });
    return report;
  }
}
