// The subscriber commands of docs/commands.md (issue #3) for the fake host: routers, IP pools,
// bandwidth profiles, PPPoE/hotspot profiles and servers, plans, customers (search and paging,
// CSV import and export) and the RADIUS settings. It validates with the UI's own mirrors of
// the Rust rules, and adds what only the host knows: uniqueness, overlaps with other pools,
// records that are still in use, unpaid invoices, and the all-or-nothing import.

import type {
  BandwidthInput,
  BandwidthProfile,
  Customer,
  CustomerInput,
  CustomerListItem,
  CustomerQuery,
  CustomerStatus,
  FieldError,
  HotspotProfile,
  HotspotServer,
  ImportPreview,
  ImportRow,
  IpPool,
  IpPoolInput,
  JsonValue,
  NetworkItem,
  Page,
  Permission,
  PlanInput,
  PppoeProfile,
  PppoeServer,
  ProfileInput,
  RadiusSettings,
  RadiusSettingsInput,
  Router,
  RouterInput,
  ServerInput,
  ServicePlan,
  ServiceType,
  Validity,
} from "../src/lib/api/types";
import { checkCustomer } from "../src/lib/customers/rules";
import { checkBandwidth } from "../src/lib/network/bandwidth";
import {
  checkHotspotProfile,
  checkPool,
  checkPppoeProfile,
  checkRouter,
  checkServer,
  DEFAULT_API_PORT,
  DEFAULT_API_TLS_PORT,
  normalizeAuthentication,
  parseCoordinate,
  parseDuration,
  rangeText,
  type NetworkLookup,
} from "../src/lib/network/rules";
import { checkPlan, parseAmount, parseBytes } from "../src/lib/plans/rules";
import { checkRadiusSettings } from "../src/lib/settings/rules";
import { appError, fail, invalid, newId, Rejection } from "./fake-common";

/** What the subscriber commands need from the rest of the fake host. */
export type Host = {
  require(permission: Permission): unknown;
  requireAny(permissions: Permission[]): unknown;
  log(action: string, entity: string, entityId: string | null, summary: string, oldValues: JsonValue | null, newValues: JsonValue | null): void;
};

export type StoredRouter = Router & { radius_secret: string | null; api_password: string | null };
export type StoredCustomer = Customer & { password: string };

const READ_ROUTERS: Permission[] = ["manage_routers", "manage_customers", "manage_ip_pools", "manage_bandwidth_profiles", "manage_router_scripts"];
const READ_BANDWIDTH: Permission[] = ["manage_bandwidth_profiles", "manage_service_plans", "manage_routers"];
const READ_POOLS: Permission[] = ["manage_ip_pools", "manage_routers"];
const READ_PLANS: Permission[] = ["manage_service_plans", "manage_customers", "generate_vouchers", "sell_vouchers", "view_reports"];

/** WIB: months and days count on the ISP's calendar. */
const ZONE_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

export function validityEnd(validity: Validity, from: number): number {
  if (validity.unit === "hours") return from + validity.value * 3_600_000;
  if (validity.unit === "days") return from + validity.value * DAY_MS;
  const local = new Date(from + ZONE_OFFSET_MS);
  const day = local.getUTCDate();
  local.setUTCDate(1);
  local.setUTCMonth(local.getUTCMonth() + validity.value);
  const last = new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + 1, 0)).getUTCDate();
  local.setUTCDate(Math.min(day, last));
  return local.getTime() - ZONE_OFFSET_MS;
}

/** A small deterministic generator, so the seeded customers (and screenshots) are the same every run. */
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

const FIRST = ["Agus", "Ani", "Bambang", "Dewi", "Eko", "Fitri", "Gilang", "Hendra", "Indah", "Joko", "Kartini", "Lestari", "Made", "Nur", "Putri", "Rahmat", "Sri", "Teguh", "Umi", "Wulan", "Yusuf", "Sigit", "Siswanto", "Rizky"];
const LAST = ["Pratama", "Saputra", "Wibowo", "Hidayat", "Nugroho", "Susilo", "Rahayu", "Kusuma", "Setiawan", "Purnomo", "Handayani", "Wijaya", "Permana", "Maulana", "Santika"];

const lower = (s: string) => s.toLowerCase();
const byName = (a: { name: string; id: string }, b: { name: string; id: string }) => lower(a.name).localeCompare(lower(b.name)) || a.id.localeCompare(b.id);

export class FakeSubscribers {
  routers: StoredRouter[] = [];
  pools: IpPool[] = [];
  bandwidth: BandwidthProfile[] = [];
  pppoeProfiles: PppoeProfile[] = [];
  pppoeServers: PppoeServer[] = [];
  hotspotProfiles: HotspotProfile[] = [];
  hotspotServers: HotspotServer[] = [];
  plans: ServicePlan[] = [];
  customers: StoredCustomer[] = [];
  /** Invoices per customer: unpaid ones refuse a delete; any history keeps the customer. */
  invoices = new Map<string, { unpaid: number; history: number }>();
  radius: RadiusSettings = { isolir_enabled: false, isolir_rate_limit: "128k/128k", isolir_address_list: "isolir", interim_interval_s: 300 };
  /** The CSV files the file chooser can return, by path (tests change them to "fix" a file). */
  files: Record<string, string> = {};
  /** Where exports were written, and how many rows. */
  exports: { path: string; rows: number }[] = [];

  /** Matches are counted up to this many, as the host does (COUNT_CAP); tests lower it. */
  countCap = 5_000;

  constructor(readonly host: Host) {}

  // --- seed ----------------------------------------------------------------------------------

  seed(customers = 250): void {
    const now = Date.now();
    const router = (name: string, short_name: string, address: string, extra: Partial<StoredRouter>): StoredRouter => ({
      id: newId(),
      name,
      short_name,
      address,
      api_username: "ispdesk",
      api_port: DEFAULT_API_PORT,
      api_tls: false,
      provisioning_mode: "radius",
      is_active: true,
      latitude: null,
      longitude: null,
      description: "",
      has_radius_secret: true,
      has_api_password: true,
      radius_secret: "Rahasia-Radius-1",
      api_password: "ApiPass2026",
      ...extra,
    });
    const pusat = router("Router Pusat", "pusat", "192.168.88.1", { latitude: -7.7126, longitude: 110.4096 });
    const sardono = router("Tower Sardonoharjo", "sardono", "10.20.0.1", { latitude: -7.7338, longitude: 110.3927, api_tls: true, api_port: DEFAULT_API_TLS_PORT });
    const rw05 = router("RW 05 Minomartani", "rw05", "10.30.0.1", { provisioning_mode: "api", has_radius_secret: false, radius_secret: null });
    this.routers = [pusat, sardono, rw05];

    const pool = (r: StoredRouter, name: string, ranges: string, pool_type: IpPool["pool_type"]): IpPool => {
      const checked = checkPool({ router_id: r.id, name, ranges, pool_type }, []);
      return { id: newId(), router_id: r.id, name, ranges: checked.ranges.map(rangeText).join(","), size: checked.size, pool_type };
    };
    this.pools = [
      pool(pusat, "pool-hotspot", "10.11.0.2-10.11.0.254", "hotspot"),
      pool(pusat, "pool-pppoe", "10.10.0.2-10.10.3.254", "pppoe"),
      pool(sardono, "pool-sardono", "10.20.1.2-10.20.1.254", "any"),
    ];
    const bw = (name: string, input: Partial<BandwidthInput>): BandwidthProfile => ({ id: newId(), ...checkBandwidth(this.bandwidthInput({ name, ...input })).profile! });
    const bw10 = bw("10 Mbps", { rate_up: "2M", rate_down: "10M" });
    const bw20 = bw("20 Mbps", { rate_up: "5M", rate_down: "20M", priority: "5" });
    const bwHs = bw("Hotspot 3 Mbps", { rate_up: "1M", rate_down: "3M", burst_up: "2M", burst_down: "6M", threshold_up: "768k", threshold_down: "2M", burst_time_up: "8", burst_time_down: "8" });
    this.bandwidth = [bw10, bw20, bwHs];

    const p10: PppoeProfile = { id: newId(), router_id: pusat.id, name: "pppoe-10m", ip_pool_id: this.pools[1]!.id, bandwidth_profile_id: bw10.id, local_address: "10.10.0.1", dns_servers: "8.8.8.8,1.1.1.1", session_timeout_s: null, shared_users: 1 };
    const p20: PppoeProfile = { ...p10, id: newId(), name: "pppoe-20m", bandwidth_profile_id: bw20.id };
    this.pppoeProfiles = [p10, p20];
    this.pppoeServers = [{ id: newId(), router_id: pusat.id, service_name: "pppoe-warga", interface: "ether2", default_profile_id: p10.id, authentication: "pap,chap,mschap2", one_session_per_host: true, is_active: true }];
    const hs: HotspotProfile = { id: newId(), router_id: pusat.id, name: "hs-harian", ip_pool_id: this.pools[0]!.id, bandwidth_profile_id: bwHs.id, shared_users: 1, session_timeout_s: 86_400, dns_name: "login.berkah.net" };
    this.hotspotProfiles = [hs];
    this.hotspotServers = [{ id: newId(), router_id: pusat.id, name: "hotspot1", interface: "bridge-hotspot", ip_pool_id: this.pools[0]!.id, profile_id: hs.id, is_active: true }];

    const plan = (name: string, code: string, service_type: ServiceType, price: number, validity: Validity, bandwidth_profile_id: string | null, extra: Partial<ServicePlan> = {}): ServicePlan => ({
      id: newId(),
      name,
      code,
      service_type,
      price,
      reseller_price: null,
      validity,
      bandwidth_profile_id,
      quota_bytes: null,
      shared_users: 1,
      profile_name: "",
      is_active: true,
      description: "",
      ...extra,
    });
    const ppp10 = plan("PPPoE 10 Mbps", "PPP-10M", "pppoe", 150_000, { value: 1, unit: "months" }, bw10.id, { profile_name: "pppoe-10m" });
    const ppp20 = plan("PPPoE 20 Mbps", "PPP-20M", "pppoe", 250_000, { value: 1, unit: "months" }, bw20.id, { profile_name: "pppoe-20m" });
    const hs30 = plan("Hotspot 30 Hari", "HS-30D", "hotspot", 50_000, { value: 30, unit: "days" }, bwHs.id, { quota_bytes: 10 * 2 ** 30, shared_users: 2, reseller_price: 45_000 });
    const hs1 = plan("Hotspot 1 Hari", "HS-1D", "hotspot", 5_000, { value: 1, unit: "days" }, bwHs.id, { quota_bytes: 5_000_000_000, reseller_price: 4_000 });
    const hs3 = plan("Hotspot 3 Jam", "HS-3J", "hotspot", 2_000, { value: 3, unit: "hours" }, bwHs.id);
    const old = plan("PPPoE 5 Mbps (lama)", "PPP-5M", "pppoe", 100_000, { value: 1, unit: "months" }, null, { is_active: false });
    this.plans = [ppp10, ppp20, hs30, hs1, hs3, old];

    const rand = random(20261123);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]!;
    const customer = (name: string, username: string, plan: ServicePlan, router: StoredRouter, status: CustomerStatus, expiresInDays: number | null, phone: string): StoredCustomer => ({
      id: newId(),
      username,
      name,
      phone,
      email: "",
      address: "",
      service_type: plan.service_type,
      plan_id: plan.id,
      router_id: router.id,
      status,
      expires_at: expiresInDays === null ? null : new Date(now + expiresInDays * DAY_MS).toISOString(),
      balance: 0,
      notes: "",
      created_at: new Date(now - 90 * DAY_MS).toISOString(),
      password: "rahasia" + Math.floor(rand() * 900 + 100),
    });
    // Customers the tests talk about by name.
    const fixed = [
      customer("Ahmad Fauzi", "ahmad.fauzi", ppp10, pusat, "active", 1.5, "0812-2000-1001"),
      customer("Wahyu Hidayat", "wahyu", ppp20, pusat, "active", 12, "0813-2000-1002"),
      customer("Yanti Susanti", "yanti", ppp10, sardono, "active", 20, "0857-2000-1003"),
      customer("Dedi Kurniawan", "dedi.k", ppp10, pusat, "suspended", -3, "0821-2000-1004"),
      customer("Rina Marlina", "rina", hs30, pusat, "active", 25, "0878-2000-1005"),
    ];
    this.invoices.set(fixed[1]!.id, { unpaid: 2, history: 5 });
    this.invoices.set(fixed[2]!.id, { unpaid: 0, history: 8 });
    const list: StoredCustomer[] = [...fixed];
    const taken = new Set(list.map((c) => c.username));
    for (let i = list.length; i < customers; i += 1) {
      const first = pick(FIRST);
      const last = pick(LAST);
      let username = `${lower(first)}.${lower(last)}`;
      for (let n = 2; taken.has(username); n += 1) username = `${lower(first)}.${lower(last)}${n}`;
      taken.add(username);
      const hotspot = rand() < 0.3;
      const p = hotspot ? pick([hs30, hs1]) : pick([ppp10, ppp10, ppp20]);
      const r = hotspot ? pusat : pick([pusat, pusat, sardono, rw05]);
      const roll = rand();
      const status: CustomerStatus = roll < 0.8 ? "active" : roll < 0.88 ? "suspended" : roll < 0.95 ? "expired" : "inactive";
      const days = status === "expired" ? -Math.ceil(rand() * 20) : Math.ceil(rand() * 30) - (status === "active" ? 0.5 : 0);
      const phone = `08${pick(["12", "13", "21", "52", "57", "77", "78"])}-${Math.floor(rand() * 9000 + 1000)}-${Math.floor(rand() * 9000 + 1000)}`;
      list.push(customer(`${first} ${last}`, username, p, r, status, days, phone));
    }
    this.customers = list;
  }

  bandwidthInput(partial: Partial<BandwidthInput>): BandwidthInput {
    return {
      name: "",
      rate_up: "",
      rate_down: "",
      burst_up: "",
      burst_down: "",
      threshold_up: "",
      threshold_down: "",
      burst_time_up: "",
      burst_time_down: "",
      priority: "",
      limit_at_up: "",
      limit_at_down: "",
      ...partial,
    };
  }

  dashboard() {
    return {
      customers_total: this.customers.length,
      customers_active: this.customers.filter((c) => c.status === "active").length,
      routers: this.routers.length,
    };
  }

  // --- commands ------------------------------------------------------------------------------

  /** Handles `cmd` if it is a subscriber command; `undefined` otherwise. */
  run(cmd: string, args: Record<string, never>): { value: unknown } | undefined {
    const input = args.input as never;
    const query = args.query as never;
    switch (cmd) {
      case "list_routers":
        this.host.requireAny(READ_ROUTERS);
        return { value: [...this.routers].sort(byName).map((r) => this.publicRouter(r)) };
      case "create_router":
        return { value: this.saveRouter(null, input) };
      case "update_router":
        return { value: this.saveRouter((input as { id: string }).id, (input as { input: RouterInput }).input) };
      case "delete_router":
        return { value: this.deleteRouter((input as { id: string }).id) };
      case "list_pools":
        this.host.requireAny(READ_POOLS);
        return { value: this.byRouter(this.pools, query) };
      case "create_pool":
        return { value: this.savePool(null, input) };
      case "update_pool":
        return { value: this.savePool((input as { id: string }).id, (input as { input: IpPoolInput }).input) };
      case "delete_pool":
        return { value: this.deletePool((input as { id: string }).id) };
      case "list_bandwidth_profiles":
        this.host.requireAny(READ_BANDWIDTH);
        return { value: [...this.bandwidth].sort(byName) };
      case "create_bandwidth_profile":
        return { value: this.saveBandwidth(null, input) };
      case "update_bandwidth_profile":
        return { value: this.saveBandwidth((input as { id: string }).id, (input as { input: BandwidthInput }).input) };
      case "delete_bandwidth_profile":
        return { value: this.deleteBandwidth((input as { id: string }).id) };
      case "list_pppoe_profiles":
        this.host.requireAny(READ_ROUTERS);
        return { value: this.byRouter(this.pppoeProfiles, query) };
      case "list_hotspot_profiles":
        this.host.requireAny(READ_ROUTERS);
        return { value: this.byRouter(this.hotspotProfiles, query) };
      case "list_pppoe_servers":
        this.host.requireAny(READ_ROUTERS);
        return { value: this.byRouter(this.pppoeServers.map((s) => ({ ...s, name: s.service_name })), query).map(({ name: _n, ...s }) => s) };
      case "list_hotspot_servers":
        this.host.requireAny(READ_ROUTERS);
        return { value: this.byRouter(this.hotspotServers, query) };
      case "save_pppoe_profile":
        return { value: this.saveProfile("pppoe", input) };
      case "save_hotspot_profile":
        return { value: this.saveProfile("hotspot", input) };
      case "save_pppoe_server":
        return { value: this.saveServer("pppoe", input) };
      case "save_hotspot_server":
        return { value: this.saveServer("hotspot", input) };
      case "delete_network_item":
        return { value: this.deleteNetworkItem(input) };
      case "list_plans":
        this.host.requireAny(READ_PLANS);
        return { value: [...this.plans] };
      case "create_plan":
        return { value: this.savePlan(null, input) };
      case "update_plan":
        return { value: this.savePlan((input as { id: string }).id, (input as { input: PlanInput }).input) };
      case "delete_plan":
        return { value: this.deletePlan((input as { id: string }).id) };
      case "search_customers":
        this.host.require("manage_customers");
        return { value: this.search(query) };
      case "get_customer":
        this.host.require("manage_customers");
        return { value: this.publicCustomer(this.customer((input as { id: string }).id)) };
      case "create_customer":
        return { value: this.saveCustomer(null, input) };
      case "update_customer":
        return { value: this.saveCustomer((input as { id: string }).id, (input as { input: CustomerInput }).input) };
      case "suspend_customer":
        return { value: this.changeStatus((input as { id: string }).id, "suspend") };
      case "reactivate_customer":
        return { value: this.changeStatus((input as { id: string }).id, "reactivate") };
      case "renew_customer":
        return { value: this.changeStatus((input as { id: string }).id, "renew") };
      case "deactivate_customer":
        return { value: this.changeStatus((input as { id: string }).id, "deactivate") };
      case "delete_customer":
        return { value: this.deleteCustomer((input as { id: string }).id) };
      case "reveal_customer_password": {
        this.host.require("manage_customers");
        const c = this.customer((input as { id: string }).id);
        this.host.log("reveal_password", "customer", c.id, c.username, null, null);
        return { value: c.password };
      }
      case "preview_customer_import":
        this.host.require("manage_customers");
        return { value: this.previewImport((input as { path: string }).path) };
      case "import_customers":
        return { value: this.importCustomers((input as { path: string }).path) };
      case "export_customers":
        return { value: this.exportCustomers(input) };
      case "radius_settings":
        this.host.require("manage_settings");
        return { value: { ...this.radius } };
      case "update_radius_settings":
        return { value: this.updateRadius(input) };
      default:
        return undefined;
    }
  }

  // --- routers -------------------------------------------------------------------------------

  private publicRouter(r: StoredRouter): Router {
    const { radius_secret: _s, api_password: _p, ...rest } = r;
    return rest;
  }

  private router(id: string): StoredRouter {
    const r = this.routers.find((x) => x.id === id);
    if (!r) fail("not_found", "no such router", { entity: "router" });
    return r;
  }

  private saveRouter(id: string | null, input: RouterInput): Router {
    this.host.require("manage_routers");
    const old = id === null ? null : this.router(id);
    const shortName = input.short_name.trim();
    invalid(
      checkRouter(input, {
        savedRadiusSecret: old?.has_radius_secret ?? false,
        shortNameTaken: this.routers.some((r) => r.id !== id && r.short_name === shortName),
      }),
    );
    const secret = input.radius_secret.trim();
    const router: StoredRouter = {
      id: old?.id ?? newId(),
      name: input.name.trim(),
      short_name: shortName,
      address: input.address.trim(),
      api_username: input.api_username.trim(),
      api_port: input.api_port.trim() === "" ? (input.api_tls ? DEFAULT_API_TLS_PORT : DEFAULT_API_PORT) : Number(input.api_port.trim()),
      api_tls: input.api_tls,
      provisioning_mode: input.provisioning_mode.trim() as Router["provisioning_mode"],
      is_active: input.is_active,
      latitude: parseCoordinate(input.latitude, 90),
      longitude: parseCoordinate(input.longitude, 180),
      description: input.description.trim(),
      radius_secret: secret === "" ? (old?.radius_secret ?? null) : secret,
      api_password: input.api_password === "" ? (old?.api_password ?? null) : input.api_password,
      has_radius_secret: false,
      has_api_password: false,
    };
    router.has_radius_secret = router.radius_secret !== null;
    router.has_api_password = router.api_password !== null;
    this.routers = old ? this.routers.map((r) => (r.id === old.id ? router : r)) : [...this.routers, router];
    this.host.log(old ? "update" : "create", "router", router.id, router.name, old ? { name: old.name, address: old.address } : null, { name: router.name, address: router.address });
    return this.publicRouter(router);
  }

  private deleteRouter(id: string): null {
    this.host.require("manage_routers");
    const r = this.router(id);
    const customers = this.customers.filter((c) => c.router_id === id).length;
    if (customers > 0) fail("in_use", "router in use", { entity: "customers", count: `${customers}` });
    this.routers = this.routers.filter((x) => x.id !== id);
    this.pools = this.pools.filter((x) => x.router_id !== id);
    this.pppoeProfiles = this.pppoeProfiles.filter((x) => x.router_id !== id);
    this.pppoeServers = this.pppoeServers.filter((x) => x.router_id !== id);
    this.hotspotProfiles = this.hotspotProfiles.filter((x) => x.router_id !== id);
    this.hotspotServers = this.hotspotServers.filter((x) => x.router_id !== id);
    this.host.log("delete", "router", id, r.name, { name: r.name }, null);
    return null;
  }

  private byRouter<T extends { router_id: string; name: string }>(items: T[], query: { router_id: string | null } | undefined): T[] {
    const router = query?.router_id ?? null;
    return items.filter((x) => router === null || x.router_id === router).sort((a, b) => lower(a.name).localeCompare(lower(b.name)));
  }

  private routerRef(text: string): string {
    const id = text.trim();
    if (id === "") invalid([{ field: "router_id", code: "required", params: {} }]);
    if (!this.routers.some((r) => r.id === id)) invalid([{ field: "router_id", code: "not_found", params: {} }]);
    return id;
  }

  // --- pools ---------------------------------------------------------------------------------

  private savePool(id: string | null, input: IpPoolInput): IpPool {
    this.host.require("manage_ip_pools");
    const old = id === null ? null : (this.pools.find((p) => p.id === id) ?? fail("not_found", "no such pool", { entity: "pool" }));
    const router = this.routerRef(input.router_id);
    if (old && old.router_id !== router) invalid([{ field: "router_id", code: "other_router", params: {} }]);
    const checked = checkPool(input, this.pools.filter((p) => p.router_id === router && p.id !== id));
    invalid(checked.errors);
    const pool: IpPool = {
      id: old?.id ?? newId(),
      router_id: router,
      name: input.name.trim(),
      ranges: checked.ranges.map(rangeText).join(","),
      size: checked.size,
      pool_type: (input.pool_type.trim() || "any") as IpPool["pool_type"],
    };
    this.pools = old ? this.pools.map((p) => (p.id === old.id ? pool : p)) : [...this.pools, pool];
    this.host.log(old ? "update" : "create", "ip_pool", pool.id, pool.name, old ? { ranges: old.ranges } : null, { ranges: pool.ranges });
    return pool;
  }

  private deletePool(id: string): null {
    this.host.require("manage_ip_pools");
    const pool = this.pools.find((p) => p.id === id) ?? fail("not_found", "no such pool", { entity: "pool" });
    this.refuseIfUsed([
      ["pppoe_profiles", this.pppoeProfiles.filter((p) => p.ip_pool_id === id).length],
      ["hotspot_profiles", this.hotspotProfiles.filter((p) => p.ip_pool_id === id).length],
      ["hotspot_servers", this.hotspotServers.filter((s) => s.ip_pool_id === id).length],
    ]);
    this.pools = this.pools.filter((p) => p.id !== id);
    this.host.log("delete", "ip_pool", id, pool.name, { ranges: pool.ranges }, null);
    return null;
  }

  private refuseIfUsed(uses: [string, number][]): void {
    for (const [entity, count] of uses) {
      if (count > 0) fail("in_use", `in use by ${entity}`, { entity, count: `${count}` });
    }
  }

  // --- bandwidth -----------------------------------------------------------------------------

  private saveBandwidth(id: string | null, input: BandwidthInput): BandwidthProfile {
    this.host.require("manage_bandwidth_profiles");
    const old = id === null ? null : (this.bandwidth.find((b) => b.id === id) ?? fail("not_found", "no such profile", { entity: "bandwidth_profile" }));
    const checked = checkBandwidth(input);
    invalid(checked.errors);
    const profile: BandwidthProfile = { id: old?.id ?? newId(), ...checked.profile! };
    this.bandwidth = old ? this.bandwidth.map((b) => (b.id === old.id ? profile : b)) : [...this.bandwidth, profile];
    this.host.log(old ? "update" : "create", "bandwidth_profile", profile.id, profile.name, null, null);
    return profile;
  }

  private deleteBandwidth(id: string): null {
    this.host.require("manage_bandwidth_profiles");
    const profile = this.bandwidth.find((b) => b.id === id) ?? fail("not_found", "no such profile", { entity: "bandwidth_profile" });
    this.refuseIfUsed([
      ["service_plans", this.plans.filter((p) => p.bandwidth_profile_id === id).length],
      ["pppoe_profiles", this.pppoeProfiles.filter((p) => p.bandwidth_profile_id === id).length],
      ["hotspot_profiles", this.hotspotProfiles.filter((p) => p.bandwidth_profile_id === id).length],
    ]);
    this.bandwidth = this.bandwidth.filter((b) => b.id !== id);
    this.host.log("delete", "bandwidth_profile", id, profile.name, null, null);
    return null;
  }

  // --- PPPoE and hotspot ---------------------------------------------------------------------

  private lookup(names: { router_id: string; name: string; id: string }[], except: string | null): NetworkLookup {
    return {
      routerExists: (id) => this.routers.some((r) => r.id === id),
      poolRouter: (id) => this.pools.find((p) => p.id === id)?.router_id ?? null,
      bandwidthExists: (id) => this.bandwidth.some((b) => b.id === id),
      nameTaken: (router, name) => names.some((n) => n.router_id === router && n.name === name && n.id !== except),
    };
  }

  private saveProfile(kind: "pppoe" | "hotspot", save: { id: string | null; input: ProfileInput }): PppoeProfile | HotspotProfile {
    this.host.require("manage_routers");
    const { id, input } = save;
    const list: (PppoeProfile | HotspotProfile)[] = kind === "pppoe" ? this.pppoeProfiles : this.hotspotProfiles;
    const old = id === null ? null : (list.find((p) => p.id === id) ?? fail("not_found", "no such profile", { entity: `${kind}_profile` }));
    const look = this.lookup(list, id);
    invalid(kind === "pppoe" ? checkPppoeProfile(input, look) : checkHotspotProfile(input, look));
    if (old && old.router_id !== input.router_id.trim()) invalid([{ field: "router_id", code: "other_router", params: {} }]);
    const timeout = input.session_timeout.trim() === "" ? null : parseDuration(input.session_timeout);
    const shared = input.shared_users.trim() === "" ? 1 : Number(input.shared_users.trim());
    const common = {
      id: old?.id ?? newId(),
      router_id: input.router_id.trim(),
      name: input.name.trim(),
      ip_pool_id: input.ip_pool_id.trim() || null,
      bandwidth_profile_id: input.bandwidth_profile_id.trim() || null,
      session_timeout_s: timeout,
      shared_users: shared,
    };
    if (kind === "pppoe") {
      const dns = input.dns_servers.split(/[, ]/).map((s) => s.trim()).filter(Boolean).join(",");
      const profile: PppoeProfile = { ...common, local_address: input.local_address.trim(), dns_servers: dns };
      this.pppoeProfiles = old ? this.pppoeProfiles.map((p) => (p.id === old.id ? profile : p)) : [...this.pppoeProfiles, profile];
      this.host.log(old ? "update" : "create", "pppoe_profile", profile.id, profile.name, null, null);
      return profile;
    }
    const profile: HotspotProfile = { ...common, dns_name: input.dns_name.trim() };
    this.hotspotProfiles = old ? this.hotspotProfiles.map((p) => (p.id === old.id ? profile : p)) : [...this.hotspotProfiles, profile];
    this.host.log(old ? "update" : "create", "hotspot_profile", profile.id, profile.name, null, null);
    return profile;
  }

  private saveServer(kind: "pppoe" | "hotspot", save: { id: string | null; input: ServerInput }): PppoeServer | HotspotServer {
    this.host.require("manage_routers");
    const { id, input } = save;
    const names = kind === "pppoe" ? this.pppoeServers.map((s) => ({ ...s, name: s.service_name })) : this.hotspotServers;
    const old = id === null ? null : (names.find((s) => s.id === id) ?? fail("not_found", "no such server", { entity: `${kind}_server` }));
    const profiles: { id: string; router_id: string }[] = kind === "pppoe" ? this.pppoeProfiles : this.hotspotProfiles;
    invalid(checkServer(kind, input, { ...this.lookup(names, id), profileRouter: (p) => profiles.find((x) => x.id === p)?.router_id ?? null }));
    const base = { id: old?.id ?? newId(), router_id: input.router_id.trim(), interface: input.interface.trim(), is_active: input.is_active };
    if (kind === "pppoe") {
      const server: PppoeServer = {
        ...base,
        service_name: input.name.trim(),
        default_profile_id: input.profile_id.trim() || null,
        authentication: normalizeAuthentication(input.authentication),
        one_session_per_host: input.one_session_per_host,
      };
      this.pppoeServers = old ? this.pppoeServers.map((s) => (s.id === old.id ? server : s)) : [...this.pppoeServers, server];
      this.host.log(old ? "update" : "create", "pppoe_server", server.id, server.service_name, null, null);
      return server;
    }
    const server: HotspotServer = { ...base, name: input.name.trim(), ip_pool_id: input.ip_pool_id.trim() || null, profile_id: input.profile_id.trim() || null };
    this.hotspotServers = old ? this.hotspotServers.map((s) => (s.id === old.id ? server : s)) : [...this.hotspotServers, server];
    this.host.log(old ? "update" : "create", "hotspot_server", server.id, server.name, null, null);
    return server;
  }

  private deleteNetworkItem(input: { kind: NetworkItem; id: string }): null {
    this.host.require("manage_routers");
    const { kind, id } = input;
    const missing = () => fail("not_found", "no such item", { entity: kind });
    switch (kind) {
      case "pppoe_profile":
        if (!this.pppoeProfiles.some((p) => p.id === id)) missing();
        this.refuseIfUsed([["pppoe_servers", this.pppoeServers.filter((s) => s.default_profile_id === id).length]]);
        this.pppoeProfiles = this.pppoeProfiles.filter((p) => p.id !== id);
        break;
      case "hotspot_profile":
        if (!this.hotspotProfiles.some((p) => p.id === id)) missing();
        this.refuseIfUsed([["hotspot_servers", this.hotspotServers.filter((s) => s.profile_id === id).length]]);
        this.hotspotProfiles = this.hotspotProfiles.filter((p) => p.id !== id);
        break;
      case "pppoe_server":
        if (!this.pppoeServers.some((s) => s.id === id)) missing();
        this.pppoeServers = this.pppoeServers.filter((s) => s.id !== id);
        break;
      case "hotspot_server":
        if (!this.hotspotServers.some((s) => s.id === id)) missing();
        this.hotspotServers = this.hotspotServers.filter((s) => s.id !== id);
        break;
    }
    this.host.log("delete", kind, id, kind, null, null);
    return null;
  }

  // --- plans ---------------------------------------------------------------------------------

  private plan(id: string): ServicePlan {
    return this.plans.find((p) => p.id === id) ?? fail("not_found", "no such plan", { entity: "plan" });
  }

  private savePlan(id: string | null, input: PlanInput): ServicePlan {
    this.host.require("manage_service_plans");
    const old = id === null ? null : this.plan(id);
    const code = input.code.trim().toUpperCase();
    invalid(checkPlan(input, { bandwidthExists: (b) => this.bandwidth.some((x) => x.id === b), codeTaken: this.plans.some((p) => p.id !== id && p.code === code) }));
    const type = input.service_type.trim().toLowerCase() === "hotspot" ? "hotspot" : "pppoe";
    if (old && old.service_type !== type) {
      const using = this.customers.filter((c) => c.plan_id === old.id).length;
      if (using > 0) fail("in_use", "plan type change", { entity: "customers", count: `${using}` });
    }
    const quota = input.quota.trim();
    const plan: ServicePlan = {
      id: old?.id ?? newId(),
      name: input.name.trim(),
      code,
      service_type: type,
      price: parseAmount(input.price)!,
      reseller_price: input.reseller_price.trim() === "" ? null : parseAmount(input.reseller_price),
      validity: { value: Number(input.validity_value.trim()), unit: input.validity_unit.trim() as Validity["unit"] },
      bandwidth_profile_id: input.bandwidth_profile_id.trim() || null,
      quota_bytes: quota === "" || quota === "0" ? null : parseBytes(quota),
      shared_users: input.shared_users.trim() === "" ? 1 : Number(input.shared_users.trim()),
      profile_name: input.profile_name.trim(),
      is_active: input.is_active,
      description: input.description.trim(),
    };
    this.plans = old ? this.plans.map((p) => (p.id === old.id ? plan : p)) : [...this.plans, plan];
    this.host.log(old ? "update" : "create", "plan", plan.id, plan.name, old ? { price: old.price } : null, { price: plan.price });
    return plan;
  }

  private deletePlan(id: string): null {
    this.host.require("manage_service_plans");
    const plan = this.plan(id);
    this.refuseIfUsed([["customers", this.customers.filter((c) => c.plan_id === id).length]]);
    this.plans = this.plans.filter((p) => p.id !== id);
    this.host.log("delete", "plan", id, plan.name, { code: plan.code }, null);
    return null;
  }

  // --- customers -----------------------------------------------------------------------------

  private customer(id: string): StoredCustomer {
    return this.customers.find((c) => c.id === id) ?? fail("not_found", "no such customer", { entity: "customer" });
  }

  private publicCustomer(c: StoredCustomer): Customer {
    const { password: _p, ...rest } = c;
    return rest;
  }

  matching(query: CustomerQuery): StoredCustomer[] {
    const text = lower(query.text.trim());
    return this.customers
      .filter(
        (c) =>
          (text === "" || lower(c.name).startsWith(text) || lower(c.username).startsWith(text) || lower(c.phone).startsWith(text)) &&
          (query.status === null || c.status === query.status) &&
          (query.plan_id === null || c.plan_id === query.plan_id) &&
          (query.router_id === null || c.router_id === query.router_id) &&
          (query.service_type === null || c.service_type === query.service_type),
      )
      .sort(byName);
  }

  private search(query: CustomerQuery): Page<CustomerListItem> {
    const page = Math.max(1, query.page);
    const size = Math.min(500, Math.max(1, query.page_size));
    const all = this.matching(query);
    return {
      items: all.slice((page - 1) * size, page * size).map((c) => ({
        customer: this.publicCustomer(c),
        plan_name: this.plans.find((p) => p.id === c.plan_id)?.name ?? null,
        router_name: this.routers.find((r) => r.id === c.router_id)?.name ?? null,
      })),
      total: Math.min(all.length, this.countCap),
      total_capped: all.length > this.countCap,
      page,
      page_size: size,
    };
  }

  private customerErrors(input: CustomerInput, except: string | null, previousPlan: string | null): FieldError[] {
    return checkCustomer(input, {
      plan: (id) => this.plans.find((p) => p.id === id) ?? null,
      routerExists: (id) => this.routers.some((r) => r.id === id),
      usernameTaken: this.customers.some((c) => c.id !== except && c.username === input.username.trim()),
      previousPlan,
    });
  }

  private saveCustomer(id: string | null, input: CustomerInput): Customer {
    this.host.require("manage_customers");
    const old = id === null ? null : this.customer(id);
    invalid(this.customerErrors(input, id, old?.plan_id ?? null));
    const planId = input.plan_id.trim() || null;
    const plan = planId ? this.plan(planId) : null;
    const now = Date.now();
    const customer: StoredCustomer = {
      id: old?.id ?? newId(),
      username: input.username.trim(),
      name: input.name.trim(),
      phone: input.phone.trim(),
      email: input.email.trim(),
      address: input.address.trim(),
      service_type: input.service_type.trim().toLowerCase() === "hotspot" ? "hotspot" : "pppoe",
      plan_id: planId,
      router_id: input.router_id.trim() || null,
      status: old?.status ?? "active",
      expires_at: old ? old.expires_at : plan ? new Date(validityEnd(plan.validity, now)).toISOString() : null,
      balance: old?.balance ?? 0,
      notes: input.notes.trim(),
      created_at: old?.created_at ?? new Date(now).toISOString(),
      password: input.password !== "" ? input.password : (old?.password ?? `gen${Math.floor(Math.random() * 90000 + 10000)}`),
    };
    this.customers = old ? this.customers.map((c) => (c.id === old.id ? customer : c)) : [...this.customers, customer];
    this.host.log(old ? "update" : "create", "customer", customer.id, customer.username, null, { name: customer.name });
    return this.publicCustomer(customer);
  }

  private changeStatus(id: string, action: "suspend" | "reactivate" | "renew" | "deactivate"): Customer {
    this.host.require("manage_customers");
    const c = this.customer(id);
    const now = Date.now();
    const old = { status: c.status, expires_at: c.expires_at };
    switch (action) {
      case "suspend":
        c.status = "suspended";
        break;
      case "deactivate":
        c.status = "inactive";
        break;
      case "reactivate":
        if (c.status === "expired" || (c.expires_at !== null && Date.parse(c.expires_at) <= now)) fail("renew_required", "renew instead");
        c.status = "active";
        break;
      case "renew": {
        if (!c.plan_id) invalid([{ field: "plan_id", code: "required", params: {} }]);
        const plan = this.plan(c.plan_id!);
        const from = c.expires_at !== null && Date.parse(c.expires_at) > now ? Date.parse(c.expires_at) : now;
        c.expires_at = new Date(validityEnd(plan.validity, from)).toISOString();
        c.status = "active";
        break;
      }
    }
    this.host.log(action, "customer", c.id, c.username, old, { status: c.status, expires_at: c.expires_at });
    return this.publicCustomer(c);
  }

  private deleteCustomer(id: string): null {
    this.host.require("manage_customers");
    const c = this.customer(id);
    const invoices = this.invoices.get(id);
    if (invoices && invoices.unpaid > 0) fail("unpaid_invoices", "unpaid invoices", { count: `${invoices.unpaid}` });
    if (invoices && invoices.history > 0) fail("has_invoice_history", "has invoice history");
    this.customers = this.customers.filter((x) => x.id !== id);
    this.host.log("delete", "customer", id, c.username, { name: c.name }, null);
    return null;
  }

  // --- CSV -----------------------------------------------------------------------------------

  private static COLUMNS: Record<string, string> = {
    username: "username",
    user: "username",
    nama_pengguna: "username",
    password: "password",
    kata_sandi: "password",
    name: "name",
    nama: "name",
    nama_pelanggan: "name",
    phone: "phone",
    telepon: "phone",
    no_hp: "phone",
    hp: "phone",
    whatsapp: "phone",
    email: "email",
    address: "address",
    alamat: "address",
    service_type: "service_type",
    layanan: "service_type",
    jenis: "service_type",
    plan: "plan",
    paket: "plan",
    kode_paket: "plan",
    router: "router",
    nas: "router",
    status: "status",
    expires_at: "expires_at",
    kedaluwarsa: "expires_at",
    berlaku_sampai: "expires_at",
    notes: "notes",
    catatan: "notes",
  };

  /** A date (end of day) or date-time as typed, in WIB. */
  private static parseDate(text: string): number | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}))?$/.exec(text) ?? null;
    const d = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}):(\d{2}))?$/.exec(text) ?? null;
    const parts = m ? [m[1], m[2], m[3], m[4], m[5]] : d ? [d[3], d[2], d[1], d[4], d[5]] : null;
    if (!parts) return null;
    const [y, mo, da, h, mi] = parts.map((p) => (p === undefined ? null : Number(p)));
    const hour = h ?? 23;
    const minute = mi ?? 59;
    const at = Date.UTC(y!, mo! - 1, da!, hour, minute, h === null ? 59 : 0) - ZONE_OFFSET_MS;
    return Number.isNaN(at) ? null : at;
  }

  private parseImport(path: string): { rows: (ImportRow & { input: CustomerInput })[]; errors: FieldError[]; total: number } {
    const text = this.files[path];
    if (text === undefined) invalid([{ field: "path", code: "invalid_path", params: {} }]);
    const lines = text!.replace(/^\uFEFF/, "").split(/\r?\n/);
    const header = lines[0] ?? "";
    const delimiter = (header.match(/;/g)?.length ?? 0) > (header.match(/,/g)?.length ?? 0) ? ";" : ",";
    const columns = header.split(delimiter).map((h) => FakeSubscribers.COLUMNS[lower(h.trim()).replace(/[ -]/g, "_")] ?? null);
    const errors: FieldError[] = [];
    for (const required of ["username", "name"]) {
      if (!columns.includes(required)) errors.push({ field: required, code: "required", params: { line: "1" } });
    }
    if (errors.length > 0) throw new Rejection(appError("import_invalid", "bad header", {}, errors));
    const rows: (ImportRow & { input: CustomerInput })[] = [];
    const seen = new Map<string, number>();
    const now = Date.now();
    let total = 0;
    lines.slice(1).forEach((raw, index) => {
      const line = index + 2;
      const cells = raw.split(delimiter).map((c) => c.trim());
      if (cells.every((c) => c === "")) return;
      total += 1;
      const get = (name: string) => cells[columns.indexOf(name)] ?? "";
      const rowErrors: FieldError[] = [];
      const at = (e: FieldError): FieldError => ({ ...e, field: e.field === "plan_id" ? "plan" : e.field === "router_id" ? "router" : e.field, params: { ...e.params, line: `${line}` } });
      const code = get("plan").toUpperCase();
      const plan = code ? this.plans.find((p) => p.code === code) : undefined;
      if (code && !plan) rowErrors.push(at({ field: "plan", code: "not_found", params: { value: code } }));
      const routerName = get("router");
      const router = routerName ? this.routers.find((r) => lower(r.short_name) === lower(routerName)) : undefined;
      if (routerName && !router) rowErrors.push(at({ field: "router", code: "not_found", params: { value: routerName } }));
      const input: CustomerInput = {
        username: get("username"),
        password: get("password"),
        name: get("name"),
        phone: get("phone"),
        email: get("email"),
        address: get("address"),
        service_type: get("service_type") || plan?.service_type || "",
        plan_id: plan?.id ?? "",
        router_id: router?.id ?? "",
        notes: get("notes"),
      };
      const key = lower(input.username.trim());
      const fieldErrors = checkCustomer(input, {
        plan: (id) => {
          const p = this.plans.find((x) => x.id === id);
          return p ? { service_type: p.service_type, is_active: true } : null;
        },
        routerExists: () => true,
        usernameTaken: this.customers.some((c) => lower(c.username) === key),
        previousPlan: null,
      });
      if (fieldErrors.length > 0) rowErrors.push(...fieldErrors.map(at));
      else {
        if (seen.has(key)) rowErrors.push(at({ field: "username", code: "username_taken", params: { first_line: `${seen.get(key)}` } }));
        const statusText = lower(get("status"));
        let status: CustomerStatus = "active";
        if (statusText !== "") {
          if (["active", "suspended", "expired", "inactive"].includes(statusText)) status = statusText as CustomerStatus;
          else rowErrors.push(at({ field: "status", code: "invalid_choice", params: { allowed: "active, suspended, expired, inactive" } }));
        }
        const expiresText = get("expires_at");
        let expires: number | null = plan ? validityEnd(plan.validity, now) : null;
        if (expiresText !== "") {
          expires = FakeSubscribers.parseDate(expiresText);
          if (expires === null) rowErrors.push(at({ field: "expires_at", code: "invalid_date", params: {} }));
        }
        if (status === "active" && expires !== null && expires <= now) status = "expired";
        if (!seen.has(key)) seen.set(key, line);
        if (rowErrors.length === 0) {
          rows.push({
            line,
            username: input.username.trim(),
            name: input.name.trim(),
            phone: input.phone.trim(),
            service_type: input.service_type.trim().toLowerCase() === "hotspot" ? "hotspot" : "pppoe",
            plan_code: plan?.code ?? null,
            router: router?.short_name ?? null,
            status,
            expires_at: expires === null ? null : new Date(expires).toISOString(),
            input,
          });
        }
      }
      errors.push(...rowErrors);
    });
    if (total === 0 && errors.length === 0) errors.push({ field: "file", code: "required", params: { line: "2" } });
    return { rows, errors, total };
  }

  private previewImport(path: string): ImportPreview {
    const { rows, errors, total } = this.parseImport(path);
    return { total_rows: total, valid_rows: rows.length, errors: errors.slice(0, 500), sample: rows.slice(0, 20).map(({ input: _i, ...row }) => row) };
  }

  private importCustomers(path: string) {
    this.host.require("manage_customers");
    const { rows, errors } = this.parseImport(path);
    if (errors.length > 0) throw new Rejection(appError("import_invalid", "invalid rows", {}, errors.slice(0, 500)));
    for (const row of rows) {
      this.customers.push({
        ...this.publicCustomer({
          id: newId(),
          username: row.username,
          name: row.name,
          phone: row.phone,
          email: row.input.email.trim(),
          address: row.input.address.trim(),
          service_type: row.service_type,
          plan_id: row.input.plan_id || null,
          router_id: row.input.router_id || null,
          status: row.status,
          expires_at: row.expires_at,
          balance: 0,
          notes: row.input.notes.trim(),
          created_at: new Date().toISOString(),
          password: "",
        }),
        password: row.input.password || "imp0rt",
      });
    }
    this.host.log("import", "customer", null, `${rows.length} customers`, null, { imported: rows.length });
    return { imported: rows.length };
  }

  private exportCustomers(input: { query: CustomerQuery; path: string }): number {
    this.host.require("manage_customers");
    if (input.path.trim() === "") invalid([{ field: "path", code: "invalid_path", params: {} }]);
    const rows = this.matching(input.query).length;
    this.exports.push({ path: input.path, rows });
    return rows;
  }

  // --- RADIUS settings -----------------------------------------------------------------------

  private updateRadius(input: RadiusSettingsInput): RadiusSettings {
    this.host.require("manage_settings");
    invalid(checkRadiusSettings(input));
    const old = this.radius;
    this.radius = {
      isolir_enabled: input.isolir_enabled,
      isolir_rate_limit: input.isolir_rate_limit.trim(),
      isolir_address_list: input.isolir_address_list.trim(),
      interim_interval_s: Number(input.interim_interval_s.trim()),
    };
    this.host.log("update", "radius_settings", null, "RADIUS", { ...old }, { ...this.radius });
    return { ...this.radius };
  }
}
