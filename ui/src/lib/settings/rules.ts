// The company profile rules of crates/domain/src/company.rs, mirrored for typing-time feedback.

import type { CompanyInput, FieldError } from "$lib/api/types";
import { parseRate } from "$lib/network/bandwidth";
import { checkRouterName } from "$lib/network/rules";
import { checkOptionalText, checkRequiredText, fieldError } from "$lib/staff/rules";

export const NAME_MAX = 100;
export const ADDRESS_MAX = 300;

/** 6 to 15 digits, written as people write them: `0812-3456-7890`, `+62 812 3456 7890`. */
export function checkPhone(field: string, raw: string): FieldError[] {
  const phone = raw.trim();
  if (phone === "") return [];
  const allowed = /^[0-9+ ()\-.]*$/.test(phone);
  const plusOk = !phone.includes("+") || (phone.indexOf("+") === 0 && phone.split("+").length === 2);
  const digits = phone.replace(/[^0-9]/g, "").length;
  return allowed && plusOk && digits >= 6 && digits <= 15 ? [] : [fieldError(field, "invalid_phone")];
}

export function checkCompany(input: CompanyInput): FieldError[] {
  return [
    ...checkRequiredText("name", input.name, NAME_MAX),
    ...checkOptionalText("address", input.address, ADDRESS_MAX),
    ...checkPhone("phone", input.phone),
    ...(input.time_zone === "" ? [fieldError("time_zone", "required")] : []),
    ...(input.currency === "" ? [fieldError("currency", "required")] : []),
  ];
}

/** The RADIUS settings rules of crates/core/src/radius_settings.rs. */
export function checkRadiusSettings(input: { isolir_rate_limit: string; isolir_address_list: string; interim_interval_s: string }): FieldError[] {
  const errors: FieldError[] = [];
  // A rate pair `up/down`, or one rate for both.
  const parts = input.isolir_rate_limit.trim().split("/");
  const rateOk = parts.length <= 2 && parts.every((p) => (parseRate(p) ?? 0) > 0);
  if (!rateOk) errors.push(fieldError("isolir_rate_limit", "invalid_rate"));
  const listError = checkRouterName("isolir_address_list", input.isolir_address_list.trim());
  if (listError) errors.push(listError);
  const interim = input.interim_interval_s.trim();
  if (!(/^\+?[0-9]+$/.test(interim) && Number(interim) >= 60 && Number(interim) <= 3600)) {
    errors.push(fieldError("interim_interval_s", "out_of_range", { min: "60", max: "3600" }));
  }
  return errors;
}

/** The pairing form (crates/sync/src/client.rs takes an http(s) address; the code is case-insensitive). */
export function checkPairing(input: { platform_url: string; code: string; device_name: string }): FieldError[] {
  return [
    ...checkRequiredText("platform_url", input.platform_url, 300),
    ...checkRequiredText("code", input.code, 64),
    ...checkOptionalText("device_name", input.device_name, NAME_MAX),
  ];
}

/** `cloud.ispdesk.id` → `https://cloud.ispdesk.id`: an address typed without its scheme is HTTPS. */
export function normalizePlatformUrl(raw: string): string {
  const url = raw.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(url) ? url : `https://${url}`;
}
