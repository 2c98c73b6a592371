// What the fake host's parts share: rejecting with an `AppError`, and ids shaped like UUIDv7.

import type { AppError, ErrorCode, FieldError } from "../src/lib/api/types";

export class Rejection {
  constructor(readonly error: AppError) {}
}

export function appError(code: ErrorCode, message: string, params: Record<string, string> = {}, fields: FieldError[] = []): AppError {
  return { code, message, params, fields };
}

export function fail(code: ErrorCode, message: string, params: Record<string, string> = {}): never {
  throw new Rejection(appError(code, message, params));
}

export function invalid(fields: FieldError[]): void {
  if (fields.length > 0) throw new Rejection(appError("validation", "invalid input", {}, fields));
}

let idCounter = 0;
export const newId = () => `0193a5c0-0000-7000-8000-${(++idCounter).toString(16).padStart(12, "0")}`;
