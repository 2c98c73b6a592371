// The staff rules of crates/domain/src/staff.rs, mirrored so the user sees a problem while
// typing. The host checks again (and also refuses well-known passwords, which only it knows).

import type { FieldError, ValidationCode } from "$lib/api/types";

export const USERNAME_MIN = 3;
export const USERNAME_MAX = 32;
export const FULL_NAME_MAX = 100;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

export function fieldError(field: string, code: ValidationCode, params: Record<string, string> = {}): FieldError {
  return { field, code, params };
}

/** Usernames are case-insensitive: the host stores them trimmed and in lower case. */
export function normalizeUsername(username: string): string {
  return username.trim().toLowerCase();
}

export function checkUsername(field: string, raw: string): FieldError[] {
  const username = normalizeUsername(raw);
  const length = [...username].length;
  if (length === 0) return [fieldError(field, "required")];
  if (length < USERNAME_MIN || length > USERNAME_MAX || !/^[a-z0-9][a-z0-9._-]*$/.test(username)) {
    return [fieldError(field, "invalid_username", { min: `${USERNAME_MIN}`, max: `${USERNAME_MAX}` })];
  }
  return [];
}

export function checkRequiredText(field: string, value: string, max: number): FieldError[] {
  const trimmed = value.trim();
  if (trimmed === "") return [fieldError(field, "required")];
  if ([...trimmed].length > max) return [fieldError(field, "too_long", { max: `${max}` })];
  return [];
}

export function checkOptionalText(field: string, value: string, max: number): FieldError[] {
  return [...value.trim()].length > max ? [fieldError(field, "too_long", { max: `${max}` })] : [];
}

/** The password rules, one by one, for the live checklist under a password field. */
export function passwordRules(password: string, username: string) {
  const normalized = normalizeUsername(username);
  return {
    length: [...password].length >= PASSWORD_MIN,
    letterAndDigit: /\p{L}/u.test(password) && /[0-9]/.test(password),
    notUsername:
      password.length > 0 &&
      ([...normalized].length < USERNAME_MIN || !password.toLowerCase().includes(normalized)),
  };
}

export function checkPassword(field: string, password: string, username: string): FieldError[] {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return [fieldError(field, "password_too_short", { min: `${PASSWORD_MIN}` })];
  if (length > PASSWORD_MAX) return [fieldError(field, "too_long", { max: `${PASSWORD_MAX}` })];
  const rules = passwordRules(password, username);
  const errors: FieldError[] = [];
  if (!rules.letterAndDigit) errors.push(fieldError(field, "password_needs_letter_and_digit"));
  if (!rules.notUsername) errors.push(fieldError(field, "password_contains_username"));
  return errors;
}

export function checkRepeat(field: string, password: string, repeat: string): FieldError[] {
  if (repeat === "") return [fieldError(field, "required")];
  return password === repeat ? [] : [fieldError(field, "password_mismatch")];
}
