// The bandwidth rules of crates/domain/src/bandwidth.rs, mirrored line for line: rates as
// people and RouterOS write them, the form's validation (so the technician sees a problem
// while typing), and MikroTik's rate-limit string shown next to each profile. The host
// validates again and stores what it computed; e2e/bandwidth.test.mjs holds this module to
// the Rust test vectors.
//
// Rates are bits per second. Pairs are `rx/tx` from the router's view: rx is the
// customer's upload ("up"), tx their download ("down").

import type { BandwidthInput, BandwidthProfile, Burst, FieldError, RatePair } from "$lib/api/types";
import { fieldError } from "$lib/staff/rules";

/** The largest rate accepted: 100 Gbit/s. */
export const MAX_RATE_BPS = 100_000_000_000;

const DIGITS = /^[0-9]*$/;

/** `512k`, `10M`, `1.5M`, `1G`, `2000000` → bit/s; null when it is not a rate. */
export function parseRate(raw: string): number | null {
  const text = raw.trim();
  if (text === "") return null;
  let number = text;
  let factor = 1;
  const last = text[text.length - 1];
  if (last === "k" || last === "K") factor = 1_000;
  else if (last === "M" || last === "m") factor = 1_000_000;
  else if (last === "G" || last === "g") factor = 1_000_000_000;
  if (factor !== 1) number = text.slice(0, -1);
  number = number.trim();
  const cut = number.search(/[.,]/);
  const whole = cut < 0 ? number : number.slice(0, cut);
  const fraction = cut < 0 ? "" : number.slice(cut + 1);
  if (whole === "" && fraction === "") return null;
  if (!DIGITS.test(whole) || !DIGITS.test(fraction)) return null;
  let value = (whole === "" ? 0 : Number(whole)) * factor;
  // Decimals only make sense with a suffix: 1.5M is 1500000 bit/s.
  let scale = factor;
  for (const digit of fraction) {
    scale = Math.floor(scale / 10);
    if (scale === 0) return null;
    value += Number(digit) * scale;
  }
  return Number.isSafeInteger(value) && value <= MAX_RATE_BPS ? value : null;
}

/** The shortest way RouterOS reads a rate: `10M`, `512k`, `1500k`, `1234`. */
export function formatRate(bps: number): string {
  if (bps !== 0 && bps % 1_000_000 === 0) return `${bps / 1_000_000}M`;
  if (bps !== 0 && bps % 1_000 === 0) return `${bps / 1_000}k`;
  return `${bps}`;
}

const NO_BURST: Burst = {
  limit: { up_bps: 0, down_bps: 0 },
  threshold: { up_bps: 0, down_bps: 0 },
  time_up_s: 0,
  time_down_s: 0,
};

/**
 * MikroTik's rate-limit: `rx/tx [burst-rx/burst-tx [threshold-rx/threshold-tx
 * [time-rx/time-tx [priority [min-rx/min-tx]]]]]`. Positions before a given one are filled
 * (no burst is `0/0 0/0 0/0`), later ones left out.
 */
export function rateLimit(profile: Pick<BandwidthProfile, "rate_up_bps" | "rate_down_bps" | "burst" | "priority" | "limit_at">): string {
  const pair = (up: number, down: number) => `${formatRate(up)}/${formatRate(down)}`;
  const parts = [pair(profile.rate_up_bps, profile.rate_down_bps)];
  const needsPriority = profile.priority !== 8 || profile.limit_at !== null;
  if (profile.burst !== null || needsPriority) {
    const burst = profile.burst ?? NO_BURST;
    parts.push(pair(burst.limit.up_bps, burst.limit.down_bps));
    parts.push(pair(burst.threshold.up_bps, burst.threshold.down_bps));
    parts.push(`${burst.time_up_s}/${burst.time_down_s}`);
  }
  if (needsPriority) parts.push(`${profile.priority}`);
  if (profile.limit_at) parts.push(pair(profile.limit_at.up_bps, profile.limit_at.down_bps));
  return parts.join(" ");
}

export type BandwidthCheck = {
  errors: FieldError[];
  /** The profile the input describes, when it is valid (without id). */
  profile: Omit<BandwidthProfile, "id"> | null;
};

function requiredText(errors: FieldError[], field: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === "") errors.push(fieldError(field, "required"));
  else if ([...trimmed].length > max) errors.push(fieldError(field, "too_long", { max: `${max}` }));
  return trimmed;
}

/** `validate_bandwidth`: every error at once, in the host's order. */
export function checkBandwidth(input: BandwidthInput): BandwidthCheck {
  const errors: FieldError[] = [];
  const name = requiredText(errors, "name", input.name, 64);
  const rate = (field: string, text: string, required: boolean): number | null => {
    if (text.trim() === "") {
      if (required) errors.push(fieldError(field, "required"));
      return null;
    }
    const parsed = parseRate(text);
    if (parsed === null) errors.push(fieldError(field, "invalid_rate"));
    return parsed;
  };
  const up = rate("rate_up", input.rate_up, true);
  const down = rate("rate_down", input.rate_down, true);
  const burstUp = rate("burst_up", input.burst_up, false);
  const burstDown = rate("burst_down", input.burst_down, false);
  const thresholdUp = rate("threshold_up", input.threshold_up, false);
  const thresholdDown = rate("threshold_down", input.threshold_down, false);
  const limitUp = rate("limit_at_up", input.limit_at_up, false);
  const limitDown = rate("limit_at_down", input.limit_at_down, false);
  const seconds = (field: string, raw: string): number | null => {
    const text = raw.trim().replace(/s+$/, "");
    if (text === "") return null;
    const n = /^\+?[0-9]+$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(n) && n <= 3600) return n;
    errors.push(fieldError(field, "out_of_range", { min: "1", max: "3600" }));
    return null;
  };
  const timeUp = seconds("burst_time_up", input.burst_time_up);
  const timeDown = seconds("burst_time_down", input.burst_time_down);
  let priority = 8;
  if (input.priority.trim() !== "") {
    const text = input.priority.trim();
    const p = /^\+?[0-9]+$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(p) && p >= 1 && p <= 8) priority = p;
    else errors.push(fieldError("priority", "out_of_range", { min: "1", max: "8" }));
  }
  for (const [field, value] of [["rate_up", up], ["rate_down", down]] as const) {
    if (value === 0) errors.push(fieldError(field, "out_of_range", { min: "1", max: formatRate(MAX_RATE_BPS) }));
  }

  // A burst is all or nothing: both directions' limits; thresholds and times default the
  // way RouterOS defaults them (threshold = rate, time = 1 s).
  const anyBurst = [input.burst_up, input.burst_down, input.threshold_up, input.threshold_down, input.burst_time_up, input.burst_time_down].some(
    (t) => t.trim() !== "",
  );
  let burst: Burst | null = null;
  if (anyBurst) {
    if (input.burst_up.trim() === "") errors.push(fieldError("burst_up", "required"));
    if (input.burst_down.trim() === "") errors.push(fieldError("burst_down", "required"));
    if (up !== null && down !== null && burstUp !== null && burstDown !== null) {
      for (const [field, b, r] of [["burst_up", burstUp, up], ["burst_down", burstDown, down]] as const) {
        if (b <= r) errors.push(fieldError(field, "burst_not_above_rate", { rate: formatRate(r) }));
      }
      const tu = thresholdUp ?? up;
      const td = thresholdDown ?? down;
      for (const [field, th, r] of [["threshold_up", tu, up], ["threshold_down", td, down]] as const) {
        if (th > r) errors.push(fieldError(field, "threshold_above_rate", { rate: formatRate(r) }));
      }
      burst = {
        limit: { up_bps: burstUp, down_bps: burstDown },
        threshold: { up_bps: tu, down_bps: td },
        time_up_s: timeUp !== null && timeUp > 0 ? timeUp : 1,
        time_down_s: timeDown !== null && timeDown > 0 ? timeDown : 1,
      };
    }
  }
  let limitAt: RatePair | null = null;
  if ((limitUp !== null || limitDown !== null) && up !== null && down !== null) {
    const lu = limitUp ?? up;
    const ld = limitDown ?? down;
    for (const [field, l, r] of [["limit_at_up", lu, up], ["limit_at_down", ld, down]] as const) {
      if (l > r) errors.push(fieldError(field, "limit_at_above_rate", { rate: formatRate(r) }));
    }
    limitAt = { up_bps: lu, down_bps: ld };
  }
  if (errors.length > 0) return { errors, profile: null };
  return {
    errors,
    profile: { name, rate_up_bps: up ?? 0, rate_down_bps: down ?? 0, burst, priority, limit_at: limitAt },
  };
}

/** The input that reproduces a profile (for the edit form), as `BandwidthProfile::to_input`. */
export function bandwidthInput(profile: BandwidthProfile): BandwidthInput {
  const opt = (v: number | undefined) => (v === undefined ? "" : formatRate(v));
  return {
    name: profile.name,
    rate_up: formatRate(profile.rate_up_bps),
    rate_down: formatRate(profile.rate_down_bps),
    burst_up: opt(profile.burst?.limit.up_bps),
    burst_down: opt(profile.burst?.limit.down_bps),
    threshold_up: opt(profile.burst?.threshold.up_bps),
    threshold_down: opt(profile.burst?.threshold.down_bps),
    burst_time_up: profile.burst ? `${profile.burst.time_up_s}` : "",
    burst_time_down: profile.burst ? `${profile.burst.time_down_s}` : "",
    priority: `${profile.priority}`,
    limit_at_up: opt(profile.limit_at?.up_bps),
    limit_at_down: opt(profile.limit_at?.down_bps),
  };
}

export const BLANK_BANDWIDTH: BandwidthInput = {
  name: "",
  rate_up: "",
  rate_down: "",
  burst_up: "",
  burst_down: "",
  threshold_up: "",
  threshold_down: "",
  burst_time_up: "",
  burst_time_down: "",
  priority: "8",
  limit_at_up: "",
  limit_at_down: "",
};
