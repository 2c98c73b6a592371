// A form's values and the errors shown under its fields. Client-side rules run as the user
// types (once a field has been left, or after the first save); errors the host reported stay
// under their field until its value changes. Values are never cleared by a failed save.

import { tick } from "svelte";
import type { FieldError } from "$lib/api/types";
import { fieldText } from "$lib/i18n/index.svelte";

let nextId = 0;

type ServerError = { error: FieldError; value: unknown };
/** A host error that is not a validation code but belongs under one field (e.g. a refused pairing code). */
type ServerMessage = { text: () => string; value: unknown };

export class Form<T extends Record<string, string>> {
  readonly id = `form${++nextId}`;
  values: T = $state() as T;
  touched: Record<string, boolean> = $state({});
  #edited: Record<string, boolean> = {};
  submitted = $state(false);
  busy = $state(false);
  #server: Record<string, ServerError> = $state({});
  #messages: Record<string, ServerMessage> = $state({});
  readonly #check: (values: T) => FieldError[];

  constructor(initial: T, check: (values: T) => FieldError[]) {
    this.values = initial;
    this.#check = check;
  }

  /** Every client-side error for the current values. */
  get clientErrors(): FieldError[] {
    return this.#check(this.values);
  }

  inputId(field: keyof T & string): string {
    return `${this.id}-${field}`;
  }

  /** The user typed in `field`. */
  edited(field: string): void {
    this.#edited[field] = true;
  }

  /**
   * The user left `field`: from now on its rules show as they type. A field merely tabbed
   * through (or left when clicking elsewhere) is not judged until the first save.
   */
  touch(field: string): void {
    if (this.#edited[field]) this.touched[field] = true;
  }

  /** The translated message under `field`, if any. */
  error(field: keyof T & string): string | undefined {
    const server = this.#server[field];
    if (server && server.value === this.values[field]) return fieldText(server.error);
    const message = this.#messages[field];
    if (message && message.value === this.values[field]) return message.text();
    if (!this.touched[field] && !this.submitted) return undefined;
    const client = this.clientErrors.find((e) => e.field === field);
    return client ? fieldText(client) : undefined;
  }

  /** Marks the form as submitted and says whether the client-side rules pass. */
  validate(): boolean {
    this.submitted = true;
    return this.clientErrors.length === 0;
  }

  /** Shows the host's field errors under their fields; returns those that matched no field. */
  setServerErrors(errors: FieldError[]): FieldError[] {
    const unmatched: FieldError[] = [];
    const next: Record<string, ServerError> = {};
    for (const error of errors) {
      if (error.field in this.values) {
        next[error.field] ??= { error, value: this.values[error.field] };
      } else {
        unmatched.push(error);
      }
    }
    this.#server = next;
    this.#messages = {};
    return unmatched;
  }

  /**
   * Shows `text` under `field` until its value changes: for host errors that are about one
   * field without being a validation code. `text` is called on every render, so it follows
   * the language.
   */
  setFieldMessage(field: keyof T & string, text: () => string): void {
    this.#messages = { ...this.#messages, [field]: { text, value: this.values[field] } };
  }

  hasServerError(field: keyof T & string): boolean {
    const server = this.#server[field];
    return server !== undefined && server.value === this.values[field];
  }

  reset(values: T): void {
    this.values = values;
    this.touched = {};
    this.#edited = {};
    this.submitted = false;
    this.#server = {};
    this.#messages = {};
  }
}

/** Puts the cursor in the first field showing an error, so it can be fixed straight away. */
export async function focusFirstInvalid(root: ParentNode = document): Promise<void> {
  await tick();
  root.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}
