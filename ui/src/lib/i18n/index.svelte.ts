// Translations: Bahasa Indonesia by default, English on request. The chosen language is
// remembered per PC (localStorage `ispdesk.lang`). Keys are type-checked against id.json, and
// en.json must have exactly the same keys (the two assignments below fail svelte-check
// otherwise), so a missing translation is a build error rather than a blank label.

import id from "./id.json";
import en from "./en.json";
import { formatDuration } from "$lib/format";
import type { AppError, CustomerStatus, ErrorCode, FieldError, Permission, Role, ServiceType, ValidationCode } from "$lib/api/types";

type Messages = typeof id;
const enHasEveryKeyOfId: Messages = en;
const idHasEveryKeyOfEn: typeof en = id;

/** The `params.entity` values of `in_use` errors (docs/commands.md), named in the user's words. */
export type InUseEntity =
  | "customers"
  | "pppoe_profiles"
  | "hotspot_profiles"
  | "hotspot_servers"
  | "pppoe_servers"
  | "service_plans"
  | "vouchers"
  | "subscriptions"
  | "voucher_batches";

// Every code of the contract has its message (Rust tests read these two sections too).
export const contractLabels: {
  errors: Record<ErrorCode, string>;
  validation: Record<ValidationCode, string>;
  roles: Record<Role, string>;
  permissions: Record<Permission, string>;
  entities: Record<InUseEntity, string>;
  service_types: Record<ServiceType, string>;
  customer_status: Record<CustomerStatus, string>;
} = id;

export type Locale = "id" | "en";
export const LOCALES: readonly Locale[] = ["id", "en"];

const catalogs: Record<Locale, Messages> = { id: idHasEveryKeyOfEn, en: enHasEveryKeyOfId };

/** Every dotted path to a string in the catalogue, e.g. `"login.title"`. */
type Leaves<T, Prefix extends string = ""> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type MessageKey = Leaves<Messages>;
export type Params = Record<string, string | number | undefined>;

const STORAGE_KEY = "ispdesk.lang";

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "id" || saved === "en") return saved;
  } catch {
    // Storage can be unavailable; the default is fine.
  }
  return "id";
}

const initial = initialLocale();
let current = $state<Locale>(initial);

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(locale: Locale) {
    current = locale;
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Not remembered across restarts, but switched for now.
    }
    document.documentElement.lang = locale;
  },
};

function lookup(catalog: Messages, key: string): string | undefined {
  let node: unknown = catalog;
  for (const part of key.split(".")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}

function interpolate(key: string, text: string, params?: Params): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params?.[name];
    if (value === undefined) {
      // A sentence with a hole in it on screen is a bug in the caller; say so where the UI
      // tests look (they fail on any console error).
      console.error(`i18n: "${key}" was given no {${name}}`);
      return whole;
    }
    return String(value);
  });
}

/** The text for `key` in the current language, with `{param}` filled in. */
export function t(key: MessageKey, params?: Params): string {
  return interpolate(key, lookup(catalogs[current], key) ?? key, params);
}

/**
 * For keys built from data the host sends (activity actions, entity types) that may be newer
 * than this build: the translation if there is one, otherwise `fallback`.
 */
export function tOr(key: string, fallback: string, params?: Params): string {
  const text = lookup(catalogs[current], key);
  return text === undefined ? fallback : interpolate(key, text, params);
}

/** What went wrong and what to do next, for any error a command rejected with. */
export function errorText(error: AppError): string {
  const permission = error.params.permission;
  if (error.code === "forbidden" && permission) {
    // Name the missing right in the user's words, not the host's identifier.
    return t("error_details.forbidden_permission", { permission: tOr(`permissions.${permission}`, permission) });
  }
  const params: Params = { ...error.params };
  // `in_use` names what still uses the record by its table; say it in the user's words.
  if (error.code === "in_use" && params.entity !== undefined) {
    params.entity = tOr(`entities.${params.entity}`, `${params.entity}`);
  }
  return t(`errors.${error.code}`, params);
}

/**
 * For places with no field to put a message under (a toast, a dialog about a file): the field
 * messages themselves for a validation error, otherwise `errorText`.
 */
export function problemText(error: AppError): string {
  return error.code === "validation" && error.fields.length > 0 ? error.fields.map(fieldText).join(" ") : errorText(error);
}

/** The message under a field. */
export function fieldText(error: FieldError): string {
  const params: Params = { ...error.params };
  if (params.plan_type !== undefined) params.plan_type = tOr(`service_types.${params.plan_type}`, `${params.plan_type}`);
  return t(`validation.${error.code}`, params);
}

/** A duration in the user's language: `3 hari 4 jam` / `3 d 4 h`. */
export function durationText(seconds: number): string {
  return formatDuration(seconds, { d: t("units.duration_d"), h: t("units.duration_h"), m: t("units.duration_m"), s: t("units.duration_s") });
}

document.documentElement.lang = initial;
