// The formatters against the same vectors as the Rust `Display for Money` tests, in Node (via
// vite's module loader, so the real TypeScript is tested) and in the browser the app runs in.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startHarness } from "./harness.mjs";

const MONEY = [
  [[150000], "Rp 150.000"],
  [[0], "Rp 0"],
  [[999], "Rp 999"],
  [[1000], "Rp 1.000"],
  [[1234567890], "Rp 1.234.567.890"],
  [[-5000], "-Rp 5.000"],
  [[123450, "USD"], "US$ 1.234,50"],
  [[5, "MYR"], "RM 0,05"],
  [[100, "SGD"], "S$ 1,00"],
  [[-199, "PHP"], "-₱ 1,99"],
];

const DATES = [
  ["2026-11-23T07:05:00.000Z", "Asia/Jakarta", "23/11/2026 14:05", "23/11/2026"],
  ["2026-11-23T07:05:00.000Z", "Asia/Jayapura", "23/11/2026 16:05", "23/11/2026"],
  ["2026-11-23T07:05:00.000Z", "Asia/Makassar", "23/11/2026 15:05", "23/11/2026"],
  ["2026-11-23T18:30:00.000Z", "Asia/Jakarta", "24/11/2026 01:30", "24/11/2026"],
  ["2026-11-23T17:00:00.000Z", "Asia/Jakarta", "24/11/2026 00:00", "24/11/2026"],
  ["2026-01-01T00:00:00Z", "Asia/Jakarta", "01/01/2026 07:00", "01/01/2026"],
];

function check(format) {
  for (const [args, expected] of MONEY) {
    assert.equal(format.formatMoney(...args), expected, `formatMoney(${args.join(", ")})`);
  }
  assert.equal(format.formatMoney(2500), "Rp 2.500", "IDR is the default currency");
  for (const [iso, zone, dateTime, date] of DATES) {
    assert.equal(format.formatDateTime(iso, zone), dateTime, `formatDateTime(${iso}, ${zone})`);
    assert.equal(format.formatDate(iso, zone), date, `formatDate(${iso}, ${zone})`);
  }
  assert.equal(format.formatNumber(1234567), "1.234.567");
  assert.equal(format.formatBytes(3_481_600), "3,3 MB");
  assert.equal(format.formatBytes(512), "512 B");
  // Bytes (accounting, online users): binary steps, one decimal below 100, a comma.
  for (const [bytes, text] of [[0, "0 B"], [1023, "1023 B"], [1536, "1,5 KB"], [121_634_816, "116 MB"], [1_610_612_736, "1,5 GB"], [9_878_704_128, "9,2 GB"], [3 * 2 ** 40, "3,0 TB"]]) {
    assert.equal(format.formatBytes(bytes), text, `formatBytes(${bytes})`);
  }
  // Speeds: decimal, as networks count.
  for (const [bps, text] of [[0, "0 bps"], [999, "999 bps"], [850_000, "850 kbps"], [12_400_000, "12,4 Mbps"], [38_000_000, "38 Mbps"], [1_250_000_000, "1,3 Gbps"]]) {
    assert.equal(format.formatBitRate(bps), text, `formatBitRate(${bps})`);
  }
  const id = { d: "hari", h: "jam", m: "mnt", s: "dtk" };
  for (const [seconds, text] of [[0, "0 dtk"], [59, "59 dtk"], [725, "12 mnt 5 dtk"], [7_200, "2 jam"], [50_700, "14 jam 5 mnt"], [2_005_020, "23 hari 4 jam"], [86_460, "1 hari"]]) {
    assert.equal(format.formatDuration(seconds, id), text, `formatDuration(${seconds})`);
  }
  assert.equal(format.formatPercent(42.4), "42%");
  assert.equal(format.formatPercent(7.5), "7,5%");
  // Times of day and "since" in the ISP's zone, never the PC's.
  assert.equal(format.formatClock("2026-11-23T03:42:09Z", "Asia/Jakarta"), "10:42");
  assert.equal(format.formatClock("2026-11-23T03:42:09Z", "Asia/Jayapura", true), "12:42:09");
  const now = new Date("2026-11-23T07:05:00Z");
  assert.equal(format.formatSince("2026-11-23T03:42:00Z", "Asia/Jakarta", now), "10:42");
  assert.equal(format.formatSince("2026-11-22T16:59:00Z", "Asia/Jakarta", now), "22/11/2026 23:59");
  // Calendar days of the ISP: midnight WIB is 17:00 UTC the day before; WIT 15:00.
  assert.equal(format.isoDateIn("2026-11-23T17:30:00Z", "Asia/Jakarta"), "2026-11-24");
  assert.equal(format.startOfDayUtc("2026-11-01", "Asia/Jakarta"), "2026-10-31T17:00:00.000Z");
  assert.equal(format.startOfDayUtc("2026-11-01", "Asia/Jayapura"), "2026-10-31T15:00:00.000Z");
  assert.equal(format.startOfDayUtc("2026-03-29", "Europe/London"), "2026-03-29T00:00:00.000Z");
  assert.equal(format.startOfDayUtc("2026-03-30", "Europe/London"), "2026-03-29T23:00:00.000Z");
  assert.equal(format.addDays("2026-02-28", 1), "2026-03-01");
  assert.equal(format.addDays("2026-01-01", -1), "2025-12-31");
  assert.equal(format.monthStart("2026-01-15", -1), "2025-12-01");
  assert.equal(format.formatCalendarDate("2026-11-01"), "01/11/2026");
  for (const [text, iso] of [["01/11/2026", "2026-11-01"], ["1/2/2026", "2026-02-01"], ["31.01.2025", "2025-01-31"], ["29-02-2028", "2028-02-29"], ["31/02/2025", null], ["2026-11-01", null], ["", null]]) {
    assert.equal(format.parseCalendarDate(text), iso, `parseCalendarDate(${JSON.stringify(text)})`);
  }
}

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

test("formatters give the Rust output, in Node", async () => {
  const format = await harness.server.ssrLoadModule("/src/lib/format.ts");
  check(format);
});

test("the dashboard greets by the hour of the ISP's clock, the night through until 4", async () => {
  const format = await harness.server.ssrLoadModule("/src/lib/format.ts");
  const { greetingKey } = await harness.server.ssrLoadModule("/src/lib/dashboard/greeting.ts");
  const at = (iso, zone) => greetingKey(format.hourIn(iso, zone)).replace("dashboard.greeting_", "");
  // 00:50 in Jakarta, 02:50 in Jayapura: still night.
  assert.equal(at("2026-11-23T17:50:00Z", "Asia/Jakarta"), "evening");
  assert.equal(at("2026-11-23T17:50:00Z", "Asia/Jayapura"), "evening");
  assert.equal(at("2026-11-23T21:10:00Z", "Asia/Jakarta"), "morning");
  const byHour = Array.from({ length: 24 }, (_, hour) => greetingKey(hour).replace("dashboard.greeting_", ""));
  assert.deepEqual(byHour, [
    ...Array(4).fill("evening"),
    ...Array(7).fill("morning"),
    ...Array(4).fill("day"),
    ...Array(4).fill("afternoon"),
    ...Array(5).fill("evening"),
  ]);
});

test("activity details: lists read as their items' names and messages, an empty one not at all", async () => {
  const { changes } = await harness.server.ssrLoadModule("/src/lib/activity/values.ts");
  assert.deepEqual(changes(null, { added: 0, changed: 1, failures: [] }), [
    { key: "added", old: null, new: "0" },
    { key: "changed", old: null, new: "1" },
  ]);
  const refused = [{ kind: "ppp_secret", name: "sri.lestari", action: "add", message: "failure: item limit reached" }];
  assert.deepEqual(changes(null, { failures: refused }), [{ key: "failures", old: null, new: "sri.lestari: failure: item limit reached" }]);
  assert.deepEqual(changes({ ranges: ["10.0.0.2-10.0.0.9"] }, { ranges: ["10.0.0.2-10.0.0.9", "10.0.1.2-10.0.1.9"] }), [
    { key: "ranges", old: "10.0.0.2-10.0.0.9", new: "10.0.0.2-10.0.0.9; 10.0.1.2-10.0.1.9" },
  ]);
});

test("formatters give the Rust output, in the browser", async () => {
  const page = await harness.open({ kind: "fresh" }, { waitFor: "[data-testid=setup-step-1]" });
  const results = await page.evaluate(
    async ({ money, dates }) => {
      const format = await import("/src/lib/format.ts");
      return {
        money: money.map(([args]) => format.formatMoney(...args)),
        dates: dates.map(([iso, zone]) => [format.formatDateTime(iso, zone), format.formatDate(iso, zone)]),
      };
    },
    { money: MONEY, dates: DATES },
  );
  assert.deepEqual(results.money, MONEY.map(([, expected]) => expected));
  assert.deepEqual(results.dates, DATES.map(([, , dateTime, date]) => [dateTime, date]));
  await page.context().close();
});
