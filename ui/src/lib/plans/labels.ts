// How plans read in a sentence: "1 bulan", "30 hari", "3 jam"; "PPPoE 10M · Rp 150.000 / 1 bulan".

import type { Currency, ServicePlan, Validity } from "$lib/api/types";
import { formatMoney } from "$lib/format";
import { t } from "$lib/i18n/index.svelte";

export function validityText(validity: Validity): string {
  const n = validity.value;
  switch (validity.unit) {
    case "hours":
      return t(n === 1 ? "units.hours_one" : "units.hours_other", { n });
    case "days":
      return t(n === 1 ? "units.days_one" : "units.days_other", { n });
    case "months":
      return t(n === 1 ? "units.months_one" : "units.months_other", { n });
  }
}

/** A plan in a select: its name, price and validity. */
export function planOptionLabel(plan: ServicePlan, currency: Currency | undefined): string {
  const inactive = plan.is_active ? "" : ` (${t("common.inactive").toLowerCase()})`;
  return `${plan.name} · ${formatMoney(plan.price, currency)} / ${validityText(plan.validity)}${inactive}`;
}
