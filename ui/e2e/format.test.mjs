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
