import type { AppError, ErrorCode, FieldError } from "./types";

// A record, so a code added to the contract fails the type check here until it is listed.
const CODES: Record<ErrorCode, true> = {
  validation: true,
  invalid_credentials: true,
  login_throttled: true,
  account_disabled: true,
  not_signed_in: true,
  forbidden: true,
  owner_only: true,
  own_account: true,
  not_found: true,
  in_use: true,
  renew_required: true,
  unpaid_invoices: true,
  has_invoice_history: true,
  secrets_unavailable: true,
  import_invalid: true,
  platform_unreachable: true,
  invalid_pairing_code: true,
  platform_refused: true,
  setup_already_done: true,
  database_locked: true,
  database_corrupt: true,
  database_too_new: true,
  database_unavailable: true,
  backup_folder_not_set: true,
  backup_invalid: true,
  backup_failed: true,
  internal: true,
  router_unreachable: true,
  router_timeout: true,
  router_login_failed: true,
  router_certificate_unconfirmed: true,
  router_certificate_changed: true,
  router_tls_failed: true,
  router_refused: true,
  router_connection_lost: true,
  router_not_configured: true,
  router_not_api_mode: true,
};

/**
 * Whatever a command rejected with, as an `AppError`. The host always rejects with one; anything
 * else (a missing command, a plugin refusing, a thrown `Error`) becomes `internal`, keeping its
 * text for the log.
 */
export function toAppError(reason: unknown): AppError {
  if (typeof reason === "object" && reason !== null && "code" in reason) {
    const r = reason as Partial<AppError>;
    if (typeof r.code === "string" && Object.hasOwn(CODES, r.code)) {
      return {
        code: r.code,
        message: typeof r.message === "string" ? r.message : "",
        fields: Array.isArray(r.fields) ? r.fields : [],
        params: r.params && typeof r.params === "object" ? r.params : {},
      };
    }
  }
  const message = reason instanceof Error ? reason.message : String(reason);
  return { code: "internal", message, fields: [], params: {} };
}

export function isAppError(value: unknown): value is AppError {
  return (
    typeof value === "object" &&
    value !== null &&
    "code" in value &&
    "fields" in value &&
    Array.isArray((value as AppError).fields)
  );
}

/** A validation error's field errors, or none for any other error. */
export function fieldErrors(error: AppError): FieldError[] {
  return error.code === "validation" ? error.fields : [];
}
