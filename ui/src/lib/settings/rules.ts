// The company profile rules of crates/domain/src/company.rs, mirrored for typing-time feedback.

import type { CompanyInput, FieldError } from "$lib/api/types";
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
