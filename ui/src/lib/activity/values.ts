// Old → new values of an activity entry, as rows a person can read.

import type { JsonValue } from "$lib/api/types";

export type Change = { key: string; old: string | null; new: string | null };

function text(value: JsonValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  // Lists (a provisioning run's refused items): nothing when empty, else each item by its
  // name and message, which is what a person looks for.
  if (Array.isArray(value)) {
    if (value.length === 0) return null;
    return value
      .map((item) => {
        const object = asObject(item);
        return object ? describe(object) : text(item);
      })
      .join("; ");
  }
  return JSON.stringify(value);
}

function describe(item: Record<string, JsonValue | undefined>): string {
  const parts = [item.name, item.message].filter((part): part is string => typeof part === "string");
  return parts.length > 0 ? parts.join(": ") : JSON.stringify(item);
}

function asObject(value: JsonValue | null): Record<string, JsonValue | undefined> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;
}

/** One row per field that appears on either side; unchanged fields are left out. */
export function changes(oldValues: JsonValue | null, newValues: JsonValue | null): Change[] {
  const before = asObject(oldValues);
  const after = asObject(newValues);
  if (!before && !after) {
    if (oldValues === null && newValues === null) return [];
    return [{ key: "", old: text(oldValues), new: text(newValues) }];
  }
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])];
  return keys
    .map((key) => ({ key, old: text(before?.[key]), new: text(after?.[key]) }))
    .filter((c) => c.old !== c.new);
}
