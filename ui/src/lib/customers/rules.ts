// The customer rules of crates/domain/src/customer.rs, mirrored so the cashier sees a
// problem while typing. The host checks again (and alone knows which usernames are taken).

import type { CustomerInput, FieldError, ServicePlan } from "$lib/api/types";
import { checkPhone } from "$lib/settings/rules";
import { fieldError } from "$lib/staff/rules";

/** RADIUS user names: 1–64 letters, digits and `. _ - @`, no spaces. */
export function checkCustomerUsername(field: string, username: string): FieldError | null {
  if (username === "") return fieldError(field, "required");
  const ok = [...username].length <= 64 && /^[A-Za-z0-9._@-]+$/.test(username);
  return ok ? null : fieldError(field, "invalid_username", { min: "1", max: "64" });
}

/** 4–64 printable ASCII characters without spaces or quotes (they travel to routers over CHAP/PAP). */
export function checkCustomerPassword(field: string, password: string): FieldError | null {
  const length = [...password].length;
  if (length < 4) return fieldError(field, "password_too_short", { min: "4" });
  if (length > 64) return fieldError(field, "too_long", { max: "64" });
  if (![...password].every((c) => c >= "!" && c <= "~" && c !== '"' && c !== "'" && c !== "\\")) {
    return fieldError(field, "invalid_choice", { allowed: "A-Z a-z 0-9 ! # $ % & * + - . / : = ? @ _" });
  }
  return null;
}

export function checkEmail(field: string, email: string): FieldError | null {
  const at = email.indexOf("@");
  const local = at < 0 ? "" : email.slice(0, at);
  const domain = at < 0 ? "" : email.slice(at + 1);
  const valid =
    new TextEncoder().encode(email).length <= 254 &&
    at >= 0 &&
    local !== "" &&
    domain.includes(".") &&
    !domain.startsWith(".") &&
    !domain.endsWith(".") &&
    !/\s/u.test(email);
  return valid ? null : fieldError(field, "invalid_email");
}

export type CustomerLookup = {
  plan: (id: string) => Pick<ServicePlan, "service_type" | "is_active"> | null;
  routerExists: (id: string) => boolean;
  usernameTaken: boolean;
  /** The plan the customer already has (which may have been made inactive since). */
  previousPlan: string | null;
};

function text(errors: FieldError[], field: string, value: string, max: number, required: boolean): void {
  const trimmed = value.trim();
  if (required && trimmed === "") errors.push(fieldError(field, "required"));
  else if ([...trimmed].length > max) errors.push(fieldError(field, "too_long", { max: `${max}` }));
}

/** `validate_customer`, in the host's order. */
export function checkCustomer(input: CustomerInput, look: CustomerLookup): FieldError[] {
  const errors: FieldError[] = [];
  const username = input.username.trim();
  const usernameError = checkCustomerUsername("username", username);
  if (usernameError) errors.push(usernameError);
  else if (look.usernameTaken) errors.push(fieldError("username", "username_taken"));
  if (input.password !== "") {
    const passwordError = checkCustomerPassword("password", input.password);
    if (passwordError) errors.push(passwordError);
  }
  text(errors, "name", input.name, 100, true);
  errors.push(...checkPhone("phone", input.phone));
  const email = input.email.trim();
  if (email !== "") {
    const emailError = checkEmail("email", email);
    if (emailError) errors.push(emailError);
  }
  text(errors, "address", input.address, 300, false);
  const type = input.service_type.trim().toLowerCase();
  const serviceType = type === "hotspot" ? "hotspot" : type === "pppoe" || type === "ppp" ? "pppoe" : null;
  if (serviceType === null) {
    errors.push(type === "" ? fieldError("service_type", "required") : fieldError("service_type", "invalid_choice", { allowed: "hotspot, pppoe" }));
  }
  const planId = input.plan_id.trim();
  if (planId !== "") {
    const plan = look.plan(planId);
    if (!plan) errors.push(fieldError("plan_id", "not_found"));
    else {
      if (serviceType !== null && plan.service_type !== serviceType) {
        errors.push(fieldError("plan_id", "plan_type_mismatch", { plan_type: plan.service_type }));
      }
      if (!plan.is_active && look.previousPlan !== planId) errors.push(fieldError("plan_id", "plan_inactive"));
    }
  }
  const routerId = input.router_id.trim();
  if (routerId !== "" && !look.routerExists(routerId)) errors.push(fieldError("router_id", "not_found"));
  text(errors, "notes", input.notes, 1000, false);
  return errors;
}

// Letters and digits that cannot be mistaken for each other when read out at the counter.
const PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";

/** A password the subscriber can type on a phone: 8 characters, letters and digits. */
export function generatePassword(length = 8): string {
  for (;;) {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    // 256 is not a multiple of the alphabet's size: drop the bytes that would bias it.
    const limit = 256 - (256 % PASSWORD_ALPHABET.length);
    if ([...bytes].some((b) => b >= limit)) continue;
    const password = [...bytes].map((b) => PASSWORD_ALPHABET[b % PASSWORD_ALPHABET.length]).join("");
    if (/[a-z]/.test(password) && /[0-9]/.test(password)) return password;
  }
}
