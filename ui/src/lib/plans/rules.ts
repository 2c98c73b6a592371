// The service plan rules of crates/domain/src/plan.rs, mirrored for typing-time feedback
// (the host checks again, and alone knows which codes are taken).

import type { FieldError, PlanInput, ServicePlan } from "$lib/api/types";
import { checkRouterName } from "$lib/network/rules";
import { fieldError } from "$lib/staff/rules";

/** A money amount typed in Rupiah: `150000`, `150.000`, `Rp 150.000`. */
export function parseAmount(raw: string): number | null {
  let text = raw.trim();
  while (text.startsWith("Rp")) text = text.slice(2);
  while (text.startsWith("rp")) text = text.slice(2);
  const digits = [...text].filter((c) => c !== "." && c !== " " && c !== "_").join("");
  if (digits === "" || !/^[0-9]+$/.test(digits)) return null;
  const value = Number(digits);
  return value <= 1_000_000_000_000 ? value : null;
}

const BYTE_UNITS: [string, number][] = [
  ["tib", 2 ** 40],
  ["gib", 2 ** 30],
  ["mib", 2 ** 20],
  ["kib", 2 ** 10],
  ["tb", 1e12],
  ["gb", 1e9],
  ["mb", 1e6],
  ["kb", 1e3],
  ["t", 1e12],
  ["g", 1e9],
  ["m", 1e6],
  ["k", 1e3],
  ["b", 1],
];

/**
 * A data quota: decimal units (`k`, `M`, `G`, `T` = ×1000) as ISPs advertise them, binary
 * ones (`KiB`…`TiB`) as computers count; a trailing `B` is optional.
 */
export function parseBytes(raw: string): number | null {
  const text = raw.trim();
  const lower = text.toLowerCase();
  const unit = BYTE_UNITS.find(([suffix]) => lower.endsWith(suffix));
  const factor = unit?.[1] ?? 1;
  const number = (unit ? text.slice(0, text.length - unit[0].length) : text).trim().replace(/,/g, ".");
  const dot = number.indexOf(".");
  const whole = dot < 0 ? number : number.slice(0, dot);
  const fraction = dot < 0 ? "" : number.slice(dot + 1);
  if (whole === "" || !/^[0-9]+$/.test(whole) || !/^[0-9]*$/.test(fraction)) return null;
  let value = Number(whole) * factor;
  let scale = factor;
  for (const d of fraction) {
    scale /= 10;
    value += Math.round(Number(d) * scale);
  }
  return Number.isSafeInteger(value) ? value : null;
}

export function checkPlanCode(field: string, code: string): FieldError | null {
  if (code === "") return fieldError(field, "required");
  if ([...code].length > 32) return fieldError(field, "too_long", { max: "32" });
  if (!/^[A-Za-z0-9_-]+$/.test(code)) return fieldError(field, "invalid_choice", { allowed: "A-Z 0-9 - _" });
  return null;
}

const MAX_VALIDITY: Record<string, number> = { hours: 24 * 366, days: 3660, months: 120 };

export type PlanLookup = { bandwidthExists: (id: string) => boolean; codeTaken: boolean };

/** `validate_plan`, in the host's order. The lookups are the host's (and the fake's) part. */
export function checkPlan(input: PlanInput, look?: PlanLookup): FieldError[] {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name === "") errors.push(fieldError("name", "required"));
  else if ([...name].length > 100) errors.push(fieldError("name", "too_long", { max: "100" }));
  const code = input.code.trim().toUpperCase();
  const codeError = checkPlanCode("code", code);
  if (codeError) errors.push(codeError);
  else if (look?.codeTaken) errors.push(fieldError("code", "already_used"));
  const type = input.service_type.trim().toLowerCase();
  if (!["hotspot", "pppoe", "ppp"].includes(type)) {
    errors.push(type === "" ? fieldError("service_type", "required") : fieldError("service_type", "invalid_choice", { allowed: "hotspot, pppoe" }));
  }
  let price: number | null = null;
  if (input.price.trim() === "") errors.push(fieldError("price", "required"));
  else {
    price = parseAmount(input.price);
    if (price === null) errors.push(fieldError("price", "invalid_number"));
  }
  if (input.reseller_price.trim() !== "") {
    const reseller = parseAmount(input.reseller_price);
    if (reseller === null) errors.push(fieldError("reseller_price", "invalid_number"));
    else if (price !== null && reseller > price) errors.push(fieldError("reseller_price", "out_of_range", { min: "0", max: `${price}` }));
  }
  const unit = input.validity_unit.trim();
  if (!(unit in MAX_VALIDITY)) errors.push(fieldError("validity_unit", "invalid_choice", { allowed: "hours, days, months" }));
  const max = MAX_VALIDITY[unit] ?? 120;
  const value = input.validity_value.trim();
  if (!(/^\+?[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= max)) {
    errors.push(fieldError("validity_value", "out_of_range", { min: "1", max: `${max}` }));
  }
  const bandwidth = input.bandwidth_profile_id.trim();
  if (bandwidth !== "" && look && !look.bandwidthExists(bandwidth)) errors.push(fieldError("bandwidth_profile_id", "not_found"));
  const quota = input.quota.trim();
  if (quota !== "" && quota !== "0") {
    const bytes = parseBytes(quota);
    if (bytes === null || bytes < 1_000_000) errors.push(fieldError("quota", "invalid_number"));
  }
  const shared = input.shared_users.trim();
  if (shared !== "" && !(/^\+?[0-9]+$/.test(shared) && Number(shared) >= 1 && Number(shared) <= 100)) {
    errors.push(fieldError("shared_users", "out_of_range", { min: "1", max: "100" }));
  }
  const profile = input.profile_name.trim();
  if (profile !== "") {
    const profileError = checkRouterName("profile_name", profile);
    if (profileError) errors.push(profileError);
  }
  const description = input.description.trim();
  if ([...description].length > 500) errors.push(fieldError("description", "too_long", { max: "500" }));
  return errors;
}

/** The form's text for a saved plan. */
export function planInput(plan: ServicePlan): PlanInput {
  return {
    name: plan.name,
    code: plan.code,
    service_type: plan.service_type,
    price: `${plan.price}`,
    reseller_price: plan.reseller_price === null ? "" : `${plan.reseller_price}`,
    validity_value: `${plan.validity.value}`,
    validity_unit: plan.validity.unit,
    bandwidth_profile_id: plan.bandwidth_profile_id ?? "",
    quota: plan.quota_bytes === null ? "" : quotaText(plan.quota_bytes),
    shared_users: `${plan.shared_users}`,
    profile_name: plan.profile_name,
    is_active: plan.is_active,
    description: plan.description,
  };
}

/** A quota the way it was most likely typed: `10GiB`, `10G`, or plain bytes. */
export function quotaText(bytes: number): string {
  for (const [suffix, factor] of [["TiB", 2 ** 40], ["GiB", 2 ** 30], ["MiB", 2 ** 20], ["T", 1e12], ["G", 1e9], ["M", 1e6]] as const) {
    if (bytes % factor === 0) return `${bytes / factor}${suffix}`;
  }
  return `${bytes}`;
}
