// Time zones for the ISP profile: Indonesia's three first, then every zone the runtime knows.

export const INDONESIAN_ZONES = [
  { zone: "Asia/Jakarta", key: "wib" },
  { zone: "Asia/Makassar", key: "wita" },
  { zone: "Asia/Jayapura", key: "wit" },
] as const;

export type IndonesianZoneKey = (typeof INDONESIAN_ZONES)[number]["key"];

let others: string[] | null = null;

/** Every other IANA zone, alphabetically (computed once). */
export function otherZones(): string[] {
  if (others === null) {
    const indonesian = new Set<string>(INDONESIAN_ZONES.map((z) => z.zone));
    let all: string[] = [];
    try {
      all = Intl.supportedValuesOf("timeZone");
    } catch {
      all = [];
    }
    others = all.filter((zone) => !indonesian.has(zone));
  }
  return others;
}

export const CURRENCIES = ["IDR", "USD", "MYR", "SGD", "PHP"] as const;
