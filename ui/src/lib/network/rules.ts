// The router, IP pool, PPPoE and hotspot rules of crates/domain/src/{router,ip_pool,
// network}.rs, mirrored so the technician sees a problem while typing. What needs the
// database (a name another record has, a pool on another router) the host checks; where the
// UI already holds the data (the router's other pools) it checks that too, as a preview.

import type { FieldError, IpPoolInput, ProfileInput, RouterInput, ServerInput } from "$lib/api/types";
import { fieldError } from "$lib/staff/rules";

// --- shared ----------------------------------------------------------------------------------

function requiredText(errors: FieldError[], field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === "") errors.push(fieldError(field, "required"));
  else if ([...trimmed].length > max) errors.push(fieldError(field, "too_long", { max: `${max}` }));
  return trimmed;
}

function optionalText(errors: FieldError[], field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if ([...trimmed].length > max) errors.push(fieldError(field, "too_long", { max: `${max}` }));
  return trimmed;
}

/** RouterOS names (pools, profiles, interfaces, address lists): no spaces, commas, quotes or slashes. */
export function checkRouterName(field: string, name: string): FieldError | null {
  if (name === "") return fieldError(field, "required");
  if ([...name].length > 64) return fieldError(field, "too_long", { max: "64" });
  if (/[\s,"'/\\]/u.test(name)) return fieldError(field, "invalid_choice", { allowed: "a-z 0-9 . _ -" });
  return null;
}

/** An IPv4 address as Rust's `Ipv4Addr` parses it (four decimal octets, no leading zeros), as a number. */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/** An IPv4 address, an IPv4 prefix (`10.8.0.0/24`) or a DNS name. */
export function checkAddress(field: string, address: string): FieldError | null {
  if (address === "") return fieldError(field, "required");
  if (parseIpv4(address) !== null) return null;
  const slash = address.indexOf("/");
  if (slash >= 0) {
    const bits = address.slice(slash + 1);
    if (parseIpv4(address.slice(0, slash)) !== null && /^\+?[0-9]+$/.test(bits) && Number(bits) <= 32) return null;
  }
  const looksNumeric = /^[0-9.]*$/.test(address);
  const hostname =
    !looksNumeric &&
    address.length <= 253 &&
    address.split(".").every((label) => label !== "" && label.length <= 63 && !label.startsWith("-") && !label.endsWith("-") && /^[A-Za-z0-9-]+$/.test(label));
  return hostname ? null : fieldError(field, "invalid_address");
}

// --- routers ---------------------------------------------------------------------------------

export const DEFAULT_API_PORT = 8728;
export const DEFAULT_API_TLS_PORT = 8729;

const SECRET_ALLOWED = "A-Z a-z 0-9 ! # $ % & ( ) * + , - . / : ; < = > ? @ [ ] ^ _ ` { | } ~";

/** A RADIUS shared secret MikroTik and FreeRADIUS both accept: 6–60 printable ASCII characters without spaces or quotes. */
function checkSecret(field: string, secret: string): FieldError | null {
  if ([...secret].length > 60) return fieldError(field, "too_long", { max: "60" });
  if (new TextEncoder().encode(secret).length < 6) return fieldError(field, "too_short", { min: "6" });
  if (![...secret].every((c) => c >= "!" && c <= "~" && c !== '"' && c !== "'" && c !== "\\")) {
    return fieldError(field, "invalid_choice", { allowed: SECRET_ALLOWED });
  }
  return null;
}

const FLOAT = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;

function coordinate(errors: FieldError[], field: string, raw: string, limit: number): number | null {
  const text = raw.trim().replace(/,/g, ".");
  if (text === "") return null;
  const x = FLOAT.test(text) ? Number(text) : NaN;
  if (Number.isFinite(x) && Math.abs(x) <= limit) return x;
  errors.push(fieldError(field, "out_of_range", { min: `${-limit}`, max: `${limit}` }));
  return null;
}

/** What the router form knows about the saved router: whether secrets are kept, which short names are taken. */
export type RouterContext = { savedRadiusSecret: boolean; shortNameTaken?: boolean };

/** `validate_router`, in the host's order. */
export function checkRouter(input: RouterInput, context: RouterContext): FieldError[] {
  const errors: FieldError[] = [];
  requiredText(errors, "name", input.name, 64);
  const shortName = input.short_name.trim();
  const nameError = checkRouterName("short_name", shortName);
  if (nameError) errors.push(nameError);
  else if ([...shortName].length > 32) errors.push(fieldError("short_name", "too_long", { max: "32" }));
  else if (context.shortNameTaken) errors.push(fieldError("short_name", "already_used"));
  const addressError = checkAddress("address", input.address.trim());
  if (addressError) errors.push(addressError);
  const mode = input.provisioning_mode.trim();
  if (mode !== "radius" && mode !== "api") errors.push(fieldError("provisioning_mode", "invalid_choice", { allowed: "radius, api" }));
  const secret = input.radius_secret.trim();
  if (secret === "") {
    if (mode === "radius" && !context.savedRadiusSecret) errors.push(fieldError("radius_secret", "required"));
  } else {
    const secretError = checkSecret("radius_secret", secret);
    if (secretError) errors.push(secretError);
  }
  const apiUser = optionalText(errors, "api_username", input.api_username, 64);
  if (mode === "api" && apiUser === "") errors.push(fieldError("api_username", "required"));
  if ([...input.api_password].length > 128) errors.push(fieldError("api_password", "too_long", { max: "128" }));
  const port = input.api_port.trim();
  if (port !== "" && !(/^\+?[0-9]+$/.test(port) && Number(port) > 0 && Number(port) <= 65535)) {
    errors.push(fieldError("api_port", "out_of_range", { min: "1", max: "65535" }));
  }
  const lat = coordinate(errors, "latitude", input.latitude, 90);
  const lng = coordinate(errors, "longitude", input.longitude, 180);
  if ((lat === null) !== (lng === null) && (input.latitude.trim() === "" || input.longitude.trim() === "")) {
    errors.push(fieldError(lat === null ? "latitude" : "longitude", "required"));
  }
  optionalText(errors, "description", input.description, 500);
  return errors;
}

/** The coordinate a valid field holds, for the map. */
export function parseCoordinate(raw: string, limit: number): number | null {
  const errors: FieldError[] = [];
  return coordinate(errors, "x", raw, limit);
}

// --- IP pools --------------------------------------------------------------------------------

export type IpRange = { first: number; last: number };

export const rangeText = (r: IpRange) => `${formatIpv4(r.first)}-${formatIpv4(r.last)}`;
export const rangeSize = (r: IpRange) => r.last - r.first + 1;

/** One range: `a.b.c.d-e.f.g.h`, `a.b.c.d` or `a.b.c.d/nn`. */
export function parseRange(raw: string): IpRange | null {
  const text = raw.trim();
  const dash = text.indexOf("-");
  if (dash >= 0) {
    const first = parseIpv4(text.slice(0, dash).trim());
    const last = parseIpv4(text.slice(dash + 1).trim());
    return first !== null && last !== null && first <= last ? { first, last } : null;
  }
  const slash = text.indexOf("/");
  if (slash >= 0) {
    const network = parseIpv4(text.slice(0, slash).trim());
    const bitsText = text.slice(slash + 1).trim();
    if (network === null || !/^\+?[0-9]+$/.test(bitsText) || Number(bitsText) > 32) return null;
    const size = 2 ** (32 - Number(bitsText));
    const base = Math.floor(network / size) * size;
    return { first: base, last: base + size - 1 };
  }
  const single = parseIpv4(text);
  return single === null ? null : { first: single, last: single };
}

/** A comma-, semicolon- or newline-separated list; `bad` is the first part that is not a range. */
export function parseRanges(text: string): { ranges: IpRange[]; bad: string | null } {
  const ranges: IpRange[] = [];
  for (const part of text.split(/[,\n;]/).map((p) => p.trim()).filter((p) => p !== "")) {
    const range = parseRange(part);
    if (!range) return { ranges, bad: part };
    ranges.push(range);
  }
  return { ranges, bad: null };
}

const overlaps = (a: IpRange, b: IpRange) => a.first <= b.last && b.first <= a.last;

export type PoolCheck = { errors: FieldError[]; ranges: IpRange[]; size: number };

/** `validate_pool`: `others` are the same router's other pools (name and ranges text). */
export function checkPool(input: IpPoolInput, others: { name: string; ranges: string }[]): PoolCheck {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  const nameError = checkRouterName("name", name);
  if (nameError) errors.push(nameError);
  if (!["pppoe", "hotspot", "any", ""].includes(input.pool_type.trim())) {
    errors.push(fieldError("pool_type", "invalid_choice", { allowed: "pppoe, hotspot, any" }));
  }
  const parsed = parseRanges(input.ranges);
  let ranges: IpRange[] = [];
  if (parsed.bad !== null) errors.push(fieldError("ranges", "invalid_ip_range", { range: parsed.bad }));
  else if (parsed.ranges.length === 0) errors.push(fieldError("ranges", "required"));
  else ranges = parsed.ranges;
  ranges.sort((a, b) => a.first - b.first || a.last - b.last);
  for (let i = 1; i < ranges.length; i += 1) {
    if (overlaps(ranges[i - 1]!, ranges[i]!)) {
      errors.push(fieldError("ranges", "invalid_ip_range", { range: rangeText(ranges[i]!) }));
      break;
    }
  }
  const clash = others.find((o) => o.name !== name && parseRanges(o.ranges).ranges.some((r) => ranges.some((mine) => overlaps(mine, r))));
  if (clash) errors.push(fieldError("ranges", "pool_overlap", { pool: clash.name }));
  if (others.some((o) => o.name.toLowerCase() === name.toLowerCase())) errors.push(fieldError("name", "already_used"));
  return { errors, ranges, size: ranges.reduce((sum, r) => sum + rangeSize(r), 0) };
}

// --- PPPoE and hotspot -----------------------------------------------------------------------

/** A RouterOS duration in seconds: `1w2d3h4m5s`, `01:22:53`, `3600`. */
export function parseDuration(raw: string): number | null {
  const text = raw.trim();
  if (text === "") return null;
  if (/^\+?[0-9]+$/.test(text)) return Number(text) <= 0xffffffff ? Number(text) : null;
  if (text.includes(":")) {
    const parts = text.split(":");
    if (!parts.every((p) => /^\+?[0-9]+$/.test(p))) return null;
    const n = parts.map(Number);
    if (n.length === 3 && n[1]! < 60 && n[2]! < 60) return n[0]! * 3600 + n[1]! * 60 + n[2]!;
    if (n.length === 2 && n[1]! < 60) return n[0]! * 60 + n[1]!;
    return null;
  }
  const units: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };
  let total = 0;
  let number = "";
  for (const c of text) {
    if (c >= "0" && c <= "9") {
      number += c;
      continue;
    }
    const unit = units[c];
    if (unit === undefined || number === "") return null;
    total += Number(number) * unit;
    number = "";
  }
  return number === "" && total <= 0xffffffff ? total : null;
}

/** Seconds as RouterOS writes them: `1d12h`, `30m`, `45s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  let out = "";
  let rest = seconds;
  for (const [unit, size] of [["w", 604_800], ["d", 86_400], ["h", 3_600], ["m", 60], ["s", 1]] as const) {
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

function sharedUsers(errors: FieldError[], raw: string): void {
  const text = raw.trim();
  if (text === "") return;
  if (!(/^\+?[0-9]+$/.test(text) && Number(text) >= 1 && Number(text) <= 100)) {
    errors.push(fieldError("shared_users", "out_of_range", { min: "1", max: "100" }));
  }
}

/** The lookups only the database (or the fake host) can answer; the form leaves them out. */
export type NetworkLookup = {
  routerExists: (id: string) => boolean;
  poolRouter: (id: string) => string | null;
  bandwidthExists: (id: string) => boolean;
  nameTaken: (routerId: string, name: string) => boolean;
};

function routerRef(errors: FieldError[], text: string, look?: NetworkLookup): string | null {
  const id = text.trim();
  if (id === "") {
    errors.push(fieldError("router_id", "required"));
    return null;
  }
  if (look && !look.routerExists(id)) {
    errors.push(fieldError("router_id", "not_found"));
    return null;
  }
  return id;
}

function routerosName(errors: FieldError[], field: string, text: string): string {
  const name = text.trim();
  const error = checkRouterName(field, name);
  if (error) errors.push(error);
  return name;
}

function poolRef(errors: FieldError[], text: string, router: string | null, look?: NetworkLookup): void {
  const id = text.trim();
  if (id === "" || !look) return;
  const poolRouter = look.poolRouter(id);
  if (poolRouter === null) errors.push(fieldError("ip_pool_id", "not_found"));
  else if (router !== null && router !== poolRouter) errors.push(fieldError("ip_pool_id", "other_router"));
}

function commonProfile(errors: FieldError[], input: ProfileInput, look?: NetworkLookup): void {
  const router = routerRef(errors, input.router_id, look);
  const name = routerosName(errors, "name", input.name);
  if (look && router !== null && name !== "" && look.nameTaken(router, name)) errors.push(fieldError("name", "already_used"));
  poolRef(errors, input.ip_pool_id, router, look);
  const bandwidth = input.bandwidth_profile_id.trim();
  if (bandwidth !== "" && look && !look.bandwidthExists(bandwidth)) errors.push(fieldError("bandwidth_profile_id", "not_found"));
  if (input.session_timeout.trim() !== "" && parseDuration(input.session_timeout) === null) {
    errors.push(fieldError("session_timeout", "invalid_number"));
  }
  sharedUsers(errors, input.shared_users);
}

export function checkPppoeProfile(input: ProfileInput, look?: NetworkLookup): FieldError[] {
  const errors: FieldError[] = [];
  commonProfile(errors, input, look);
  const local = input.local_address.trim();
  if (local !== "" && parseIpv4(local) === null) errors.push(fieldError("local_address", "invalid_address"));
  const dns = input.dns_servers.split(/[, ]/).map((s) => s.trim()).filter((s) => s !== "");
  if (dns.length > 2 || dns.some((d) => parseIpv4(d) === null)) errors.push(fieldError("dns_servers", "invalid_address"));
  return errors;
}

export function checkHotspotProfile(input: ProfileInput, look?: NetworkLookup): FieldError[] {
  const errors: FieldError[] = [];
  commonProfile(errors, input, look);
  const dnsName = input.dns_name.trim();
  if (dnsName !== "" && checkAddress("dns_name", dnsName) !== null) errors.push(fieldError("dns_name", "invalid_address"));
  return errors;
}

export const AUTH_METHODS = ["pap", "chap", "mschap1", "mschap2"] as const;

/** `profileRouter` gives the router of a (PPPoE or hotspot, as fits) profile. */
export function checkServer(
  kind: "pppoe" | "hotspot",
  input: ServerInput,
  look?: NetworkLookup & { profileRouter: (id: string) => string | null },
): FieldError[] {
  const errors: FieldError[] = [];
  const router = routerRef(errors, input.router_id, look);
  const name = routerosName(errors, "name", input.name);
  if (look && router !== null && name !== "" && look.nameTaken(router, name)) errors.push(fieldError("name", "already_used"));
  routerosName(errors, "interface", input.interface);
  if (kind === "hotspot") poolRef(errors, input.ip_pool_id, router, look);
  const profile = input.profile_id.trim();
  if (profile !== "" && look) {
    const profileRouter = look.profileRouter(profile);
    if (profileRouter === null) errors.push(fieldError("profile_id", "not_found"));
    else if (router !== null && router !== profileRouter) errors.push(fieldError("profile_id", "other_router"));
  }
  if (kind === "pppoe") {
    const methods = input.authentication.split(/[, ]/).map((m) => m.trim().toLowerCase()).filter((m) => m !== "");
    if (!methods.every((m) => (AUTH_METHODS as readonly string[]).includes(m))) {
      errors.push(fieldError("authentication", "invalid_choice", { allowed: AUTH_METHODS.join(", ") }));
    }
  }
  return errors;
}

/** The PPPoE methods in RouterOS's order, all of them when none is picked. */
export function normalizeAuthentication(text: string): string {
  const methods = text.split(/[, ]/).map((m) => m.trim().toLowerCase()).filter((m) => m !== "");
  return methods.length === 0 ? AUTH_METHODS.join(",") : AUTH_METHODS.filter((m) => methods.includes(m)).join(",");
}
