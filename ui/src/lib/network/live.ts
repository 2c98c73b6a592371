// Words for what live routers report: the menus provisioning writes, what was done to an
// item, session kinds, the poller's link, and the Diff's warnings.

import type { ItemAction, ItemKind, Link, SessionKind, Warning } from "$lib/api/types";
import { formatNumber } from "$lib/format";
import { t } from "$lib/i18n/index.svelte";

export function kindLabel(kind: ItemKind): string {
  return t(`live.kinds.${kind}`);
}

export function actionLabel(action: ItemAction): string {
  return t(`live.actions.${action}`);
}

export function sessionKindLabel(kind: SessionKind): string {
  return t(`live.session_kinds.${kind}`);
}

export function linkLabel(link: Link): string {
  return t(`live.links.${link}`);
}

export function warningText(warning: Warning): string {
  switch (warning.warning) {
    case "plan_speeds_differ":
      return t("provisioning.warn_speeds", { kind: kindLabel(warning.profile_kind), profile: warning.profile, rates: warning.rate_limits.join(", ") });
    case "missing_profile":
      return t("provisioning.warn_missing", { kind: kindLabel(warning.profile_kind), profile: warning.profile, users: formatNumber(warning.users) });
  }
}
