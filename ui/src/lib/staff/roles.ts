import type { Role } from "$lib/api/types";

export const ROLES: readonly Role[] = ["owner", "admin", "technician", "cashier", "reseller"];

/** Only an owner may make someone owner or touch an owner's account (as the host enforces). */
export function assignableRoles(me: Role): Role[] {
  return ROLES.filter((role) => role !== "owner" || me === "owner");
}

export function canManage(me: Role, target: Role): boolean {
  return target !== "owner" || me === "owner";
}
