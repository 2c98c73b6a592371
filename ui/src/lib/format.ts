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

type DateParts = { day: string; month: string; year: string; hour: string; minute: string };

function partsOf(isoUtc: string, timeZone: string): DateParts | null {
  const date = new Date(isoUtc);
  if (Number.isNaN(date.getTime())) return null;
  const parts: Partial<DateParts> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(date)) {
    if (part.type in { day: 1, month: 1, year: 1, hour: 1, minute: 1 }) {
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
