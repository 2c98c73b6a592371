// The only place the UI turns amounts, dates and sizes into text. Money matches the Rust
// `Display for Money` exactly (crates/domain/src/money.rs); dates are always shown in the
// ISP's own zone (the company profile's `time_zone`), never the PC's.

import type { Currency } from "$lib/api/types";

const CURRENCIES: Record<Currency, { symbol: string; exponent: number }> = {
  IDR: { symbol: "Rp", exponent: 0 },
  USD: { symbol: "US$", exponent: 2 },
  MYR: { symbol: "RM", exponent: 2 },
  SGD: { symbol: "S$", exponent: 2 },
  PHP: { symbol: "₱", exponent: 2 },
};

export function currencySymbol(currency: Currency): string {
  return CURRENCIES[currency].symbol;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/** `Rp 150.000`, `-Rp 5.000`, `US$ 1.234,50`: `minor` is in the currency's minor units. */
export function formatMoney(minor: number, currency: Currency = "IDR"): string {
  const { symbol, exponent } = CURRENCIES[currency] ?? CURRENCIES.IDR;
  // BigInt keeps every digit of amounts beyond 2^53 that JSON may still carry.
  const value = BigInt(Math.trunc(minor));
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(exponent);
  let text = `${negative ? "-" : ""}${symbol} ${groupThousands((abs / scale).toString())}`;
  if (exponent > 0) text += `,${(abs % scale).toString().padStart(exponent, "0")}`;
  return text;
}

/** A count with Indonesian grouping: `1.234`. */
export function formatNumber(value: number): string {
  const negative = value < 0;
  return `${negative ? "-" : ""}${groupThousands(Math.trunc(Math.abs(value)).toString())}`;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsCache.get(timeZone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      // An unknown zone in old data must not blank the screen: fall back to WIB.
      formatter = zoneFormatter("Asia/Jakarta");
    }
    partsCache.set(timeZone, formatter);
  }
  return formatter;
}

type DateParts = { day: string; month: string; year: string; hour: string; minute: string; second: string };

function partsOf(isoUtc: string, timeZone: string): DateParts | null {
  const date = new Date(isoUtc);
  if (Number.isNaN(date.getTime())) return null;
  const parts: Partial<DateParts> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(date)) {
    if (part.type in { day: 1, month: 1, year: 1, hour: 1, minute: 1, second: 1 }) {
      parts[part.type as keyof DateParts] = part.value;
    }
  }
  return parts as DateParts;
}

/** `23/11/2026 14:05` in `timeZone` (an IANA name such as `Asia/Jakarta`). */
export function formatDateTime(isoUtc: string, timeZone: string): string {
  const p = partsOf(isoUtc, timeZone);
  return p ? `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}` : "";
}

/** `23/11/2026` in `timeZone`. */
export function formatDate(isoUtc: string, timeZone: string): string {
  const p = partsOf(isoUtc, timeZone);
  return p ? `${p.day}/${p.month}/${p.year}` : "";
}

/** The time of day in `timeZone`: `14:05`, or `14:05:09` with seconds. */
export function formatClock(isoUtc: string, timeZone: string, seconds = false): string {
  const p = partsOf(isoUtc, timeZone);
  return p ? `${p.hour}:${p.minute}${seconds ? `:${p.second}` : ""}` : "";
}

/**
 * A moment in the recent past, as short as it can be without ambiguity: `10:42` when it was
 * today in `timeZone`, otherwise `22/11/2026 10:42`.
 */
export function formatSince(isoUtc: string, timeZone: string, now: Date = new Date()): string {
  const p = partsOf(isoUtc, timeZone);
  const today = partsOf(now.toISOString(), timeZone);
  if (!p || !today) return "";
  const sameDay = p.day === today.day && p.month === today.month && p.year === today.year;
  return sameDay ? `${p.hour}:${p.minute}` : `${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** The calendar date at `isoUtc` in `timeZone`, as `2026-11-23` (the value of a date input). */
export function isoDateIn(isoUtc: string, timeZone: string): string {
  const p = partsOf(isoUtc, timeZone);
  return p ? `${p.year}-${p.month}-${p.day}` : "";
}

/** A calendar date (`2026-11-23`, no zone) as dates are written here: `23/11/2026`. */
export function formatCalendarDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : "";
}

/** `23/11/2026` (also `23-11-2026`, `23.11.2026`, `1/2/2026`) back to `2026-11-23`; `null` if it is no real date. */
export function parseCalendarDate(text: string): string | null {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$/.exec(text);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date.toISOString().slice(0, 10);
}

/** `2026-11-23` plus `days` (negative goes back): still a calendar date. */
export function addDays(isoDate: string, days: number): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** The first day of the month of `isoDate`, `months` later (negative goes back). */
export function monthStart(isoDate: string, months = 0): string {
  const [y, m] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y!, m! - 1 + months, 1)).toISOString().slice(0, 10);
}

/** Midnight at the start of `isoDate` (`2026-11-23`) in `timeZone`, as RFC 3339 UTC. */
export function startOfDayUtc(isoDate: string, timeZone: string): string {
  const [y, m, d] = isoDate.split("-").map(Number);
  const wall = Date.UTC(y!, m! - 1, d!);
  // The zone's offset at a moment: its wall-clock time read as UTC, minus the moment.
  const offsetAt = (at: number) => {
    const p = partsOf(new Date(at).toISOString(), timeZone);
    if (!p) return 0;
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second)) - at;
  };
  let at = wall - offsetAt(wall);
  at = wall - offsetAt(at);
  return new Date(at).toISOString();
}

/** The hour of day (0–23) at `isoUtc` in `timeZone`, for greetings. */
export function hourIn(isoUtc: string, timeZone: string): number {
  const p = partsOf(isoUtc, timeZone);
  return p ? Number(p.hour) : 0;
}

/** File sizes the way people read them: `850 KB`, `12,4 MB`. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const text = unit === 0 || value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(".", ",");
  return `${text} ${units[unit]}`;
}

/**
 * A data quota as plans advertise it: `10 GB` (×1000), or `10 GiB` when it was given in
 * binary units; decimals with a comma (`1,5 GB`).
 */
export function formatQuota(bytes: number): string {
  for (const [unit, size] of [["TiB", 2 ** 40], ["GiB", 2 ** 30], ["MiB", 2 ** 20]] as const) {
    if (bytes >= size && bytes % size === 0) return `${formatNumber(bytes / size)} ${unit}`;
  }
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const rounded = Math.round(value * 100) / 100;
  const [whole, fraction] = rounded.toFixed(2).replace(/0+$/, "").replace(/\.$/, "").split(".");
  return `${formatNumber(Number(whole))}${fraction ? `,${fraction}` : ""} ${units[unit]}`;
}

/** A speed in bits per second, decimal as networks count: `850 kbps`, `12,4 Mbps`. */
export function formatBitRate(bps: number): string {
  const units = ["bps", "kbps", "Mbps", "Gbps", "Tbps"];
  let value = Math.max(0, bps);
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const text = unit === 0 || value >= 100 ? Math.round(value).toString() : value.toFixed(1).replace(".", ",").replace(/,0$/, "");
  return `${text} ${units[unit]}`;
}

/** The words for days, hours, minutes and seconds (from the translations: `units.duration_*`). */
export type DurationUnits = { d: string; h: string; m: string; s: string };

/** How long something has run, in its two largest units: `3 hari 4 jam`, `12 mnt 5 dtk`, `2 jam`. */
export function formatDuration(seconds: number, units: DurationUnits): string {
  let rest = Math.max(0, Math.floor(seconds));
  const parts: [number, string][] = [];
  for (const [size, unit] of [[86_400, units.d], [3_600, units.h], [60, units.m], [1, units.s]] as const) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push([n, unit]);
  }
  const shown = parts.slice(0, 2).filter(([n], i) => i === 0 || n > 0);
  return shown.length === 0 ? `0 ${units.s}` : shown.map(([n, unit]) => `${n} ${unit}`).join(" ");
}

/** A share of a whole: `42%`; `7,5%` below ten. */
export function formatPercent(value: number): string {
  const v = Math.max(0, value);
  return v < 10 && v > 0 && !Number.isInteger(v) ? `${v.toFixed(1).replace(".", ",").replace(/,0$/, "")}%` : `${Math.round(v)}%`;
}
