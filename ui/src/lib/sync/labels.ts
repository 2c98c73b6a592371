// The sync state in words: the dot's colour and word in the top bar (ui.md: Tersinkron /
// N perubahan menunggu / Offline sejak 10:42 / Gagal: reason), and the platform's reasons,
// short for the bar and in full for the popover.

import type { SyncProblem, SyncState, SyncStatus } from "$lib/api/types";
import { formatNumber, formatSince } from "$lib/format";
import { t, tOr } from "$lib/i18n/index.svelte";

export type SyncTone = "green" | "blue" | "amber" | "red" | "grey";

export const SYNC_TONES: Record<SyncState, SyncTone> = {
  unpaired: "grey",
  synced: "green",
  pending: "blue",
  offline: "amber",
  refused: "red",
  error: "red",
};

export const DOT_CLASSES: Record<SyncTone, string> = {
  green: "bg-emerald-500",
  blue: "bg-brand-500",
  amber: "bg-amber-500",
  red: "bg-red-600",
  grey: "bg-slate-400",
};

function problemParams(problem: SyncProblem): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of Object.entries(problem.params)) if (value !== undefined) params[key] = value;
  if (params.resource !== undefined) params.resource = tOr(`sync.resources.${params.resource}`, params.resource);
  if (params.limit !== undefined && /^\d+$/.test(params.limit)) params.limit = formatNumber(Number(params.limit));
  return params;
}

/** A few words for the top bar: "batas 500 pelanggan tercapai". */
export function problemReason(problem: SyncProblem): string {
  return tOr(`sync.reasons.${problem.code}`, problem.message || problem.code, problemParams(problem));
}

/** What happened and what to do, for the popover. */
export function problemText(problem: SyncProblem): string {
  return tOr(`sync.problems.${problem.code}`, problem.message || problem.code, problemParams(problem));
}

/** The word next to the dot. */
export function syncWord(status: SyncStatus, zone: string): string {
  switch (status.state) {
    case "unpaired":
      return t("sync.unpaired");
    case "synced":
      return status.last_sync_at ? t("sync.synced_at", { time: formatSince(status.last_sync_at, zone) }) : t("sync.synced");
    case "pending":
      return status.pending > 0
        ? t(status.pending === 1 ? "sync.pending_one" : "sync.pending_other", { count: formatNumber(status.pending) })
        : t("sync.syncing");
    case "offline":
      return status.offline_since ? t("sync.offline_since", { time: formatSince(status.offline_since, zone) }) : t("sync.offline");
    case "refused":
      return t("sync.refused", { reason: status.problem ? problemReason(status.problem) : "—" });
    case "error":
      return t("sync.failed", { reason: status.problem ? problemReason(status.problem) : "—" });
  }
}
