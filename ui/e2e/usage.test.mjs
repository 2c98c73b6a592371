// What RADIUS accounting brings back from the platform (issue #4): usage per plan over a period
// of the ISP's own calendar, and one customer's session history with durations and bytes.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { assertNoProblems, hasNoHorizontalScroll, screenshot, startHarness } from "./harness.mjs";

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

async function signedIn(role = "owner") {
  return harness.open({ kind: "ready", signedInAs: role, delayMs: 15, sync: "synced" }, { waitFor: "[data-testid=dashboard-cards]" });
}

const lastCall = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c).at(-1), cmd);

/** Today on the ISP's calendar (WIB, UTC+7, no daylight saving), as `2026-11-23`. */
function todayInWib() {
  return new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
}

/** Midnight WIB at the start of `isoDate`, in UTC. */
function wibMidnight(isoDate) {
  return new Date(Date.parse(`${isoDate}T00:00:00.000Z`) - 7 * 3_600_000).toISOString();
}

function shiftMonth(isoDate, months) {
  const [y, m] = isoDate.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1 + months, 1)).toISOString().slice(0, 10);
}

const dmy = (isoDate) => isoDate.split("-").reverse().join("/");

test("usage per plan: this month in the ISP's zone, presets, a typed period, an empty one, a wrong date", async () => {
  const page = await signedIn();
  await page.getByTestId("sidebar").getByRole("link", { name: "Pemakaian paket" }).click();
  await page.getByRole("heading", { name: "Pemakaian per paket" }).waitFor();
  const table = page.getByTestId("usage-table");
  await table.waitFor();

  // This month, from the 1st to today, as whole days in WIB.
  const today = todayInWib();
  const first = shiftMonth(today, 0);
  const addDay = (d) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  assert.deepEqual((await lastCall(page, "usage_by_plan")).args, { query: { from: wibMidnight(first), to: wibMidnight(addDay(today)) } });
  assert.equal(await page.getByTestId("usage-from").inputValue(), dmy(first));
  assert.equal(await page.getByTestId("usage-to").inputValue(), dmy(today));

  // The rows are the host's, biggest first, in readable units, with "no plan" named.
  const { rows, expected } = await page.evaluate(async (q) => {
    const format = await import("/src/lib/format.ts");
    const rows = window.__fake.live.usage(q);
    return {
      rows,
      expected: rows.map((r) => [r.plan_name, format.formatBytes(r.bytes_out), format.formatBytes(r.bytes_in), format.formatBytes(r.bytes_in + r.bytes_out)]),
    };
  }, (await lastCall(page, "usage_by_plan")).args.query);
  assert.ok(rows.length >= 3);
  const shown = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim())));
  assert.deepEqual(
    shown.map((cells) => [cells[0], cells[3], cells[4], cells[5]]),
    expected.map(([name, down, up, total]) => [name ?? "Tanpa paket / bukan pelanggan", down, up, total]),
  );
  assert.match(await table.locator("tfoot").textContent(), /Semua paket/);
  assert.match(await page.getByTestId("usage-totals").textContent(), new RegExp(`Total pemakaian.*${dmy(first)} – ${dmy(today)}`, "s"));
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "usage-per-plan");

  // Last month: from its 1st to its last day.
  await page.getByRole("button", { name: "Bulan lalu" }).click();
  const lastMonth = shiftMonth(today, -1);
  await page.waitForFunction((from) => window.__fake.calls.filter((c) => c.cmd === "usage_by_plan").at(-1).args.query.from === from, wibMidnight(lastMonth));
  assert.deepEqual((await lastCall(page, "usage_by_plan")).args.query, { from: wibMidnight(lastMonth), to: wibMidnight(first) });
  assert.equal(await page.getByTestId("usage-from").inputValue(), dmy(lastMonth));

  // A period typed by hand, long before any session: what to expect instead of a blank.
  await page.getByTestId("usage-from").fill("1/1/2025");
  await page.getByTestId("usage-to").fill("31.01.2025");
  await page.getByTestId("usage-to").press("Enter");
  await page.getByText("Belum ada pemakaian tercatat pada 01/01/2025 – 31/01/2025").waitFor();
  assert.deepEqual((await lastCall(page, "usage_by_plan")).args.query, { from: "2024-12-31T17:00:00.000Z", to: "2025-01-31T17:00:00.000Z" });
  assert.equal(await page.getByTestId("usage-from").inputValue(), "01/01/2025");
  assert.equal(await page.getByRole("button", { name: "Bulan ini" }).getAttribute("aria-pressed"), "false");

  // A date that does not exist is refused on the spot, and nothing is asked.
  const asked = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "usage_by_plan").length);
  await page.getByTestId("usage-to").fill("31/02/2025");
  await page.getByTestId("usage-to").press("Enter");
  await page.getByRole("alert").filter({ hasText: "Tulis tanggal sebagai hari/bulan/tahun" }).waitFor();
  assert.equal(await page.getByTestId("usage-to").getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "usage_by_plan").length), asked);
  assertNoProblems(assert, page);
  await page.context().close();

  // The cashier has reports too.
  const cashier = await signedIn("cashier");
  await cashier.getByTestId("sidebar").getByRole("link", { name: "Pemakaian paket" }).click();
  await cashier.getByTestId("usage-table").waitFor();
  assertNoProblems(assert, cashier);
  await cashier.context().close();
});

test("customer sessions: the history from the list and from the edit view, in the ISP's zone, bytes readable", async () => {
  const page = await signedIn();
  await page.getByTestId("sidebar").getByRole("link", { name: "Pelanggan", exact: true }).click();
  await page.getByTestId("customer-search").fill("ahmad");
  const row = page.locator("tr[data-username='ahmad.fauzi']");
  await row.waitFor();
  await row.getByRole("button", { name: "Riwayat sesi" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Riwayat sesi Ahmad Fauzi" }).waitFor();
  const table = dialog.getByTestId("session-table");
  await table.waitFor();
  const ahmad = await page.evaluate(() => window.__fake.subscribers.customers.find((c) => c.username === "ahmad.fauzi").id);
  assert.deepEqual((await lastCall(page, "accounting_sessions")).args, { query: { router_id: null, customer_id: ahmad, online_only: false, page: 1, page_size: 10 } });

  const sessions = await page.evaluate(async (id) => {
    const format = await import("/src/lib/format.ts");
    return window.__fake.live.accounting.filter((s) => s.customer_id === id).map((s) => format.formatDateTime(s.started_at, "Asia/Jakarta"));
  }, ahmad);
  const rows = table.locator("tbody tr");
  assert.equal(await rows.count(), 3);
  // Newest first: the open session, then yesterday's (lost carrier), then the long one.
  assert.match(await rows.nth(0).textContent(), new RegExp(`${sessions[0]}\\s*2 jam 14 mnt\\s*Router Pusat.*50,0 MB\\s*700 MB\\s*Online`, "s"));
  assert.match(await rows.nth(1).textContent(), new RegExp(`${sessions[1]}\\s*14 jam 5 mnt\\s*Router Pusat.*116 MB\\s*1,5 GB\\s*Sinyal hilang`, "s"));
  assert.match(await rows.nth(2).textContent(), /2 hari 1 jam.*584 MB\s*9,2 GB\s*Diputus pengguna/s);
  assert.match(await table.locator("tfoot").textContent(), /Jumlah di halaman ini\s*750 MB\s*11,4 GB/);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "customer-sessions");
  await page.keyboard.press("Escape");
  await dialog.waitFor({ state: "hidden" });

  // From the edit view too.
  await row.getByRole("button", { name: "Ubah" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Riwayat sesi" }).click();
  await page.getByRole("heading", { name: "Riwayat sesi Ahmad Fauzi" }).waitFor();
  await page.getByTestId("customer-sessions").getByTestId("session-table").waitFor();
  await page.keyboard.press("Escape");

  // Someone without sessions gets a sentence, not an empty table.
  await page.getByTestId("customer-search").fill("yanti");
  await page.locator("tr[data-username='yanti']").getByRole("button", { name: "Riwayat sesi" }).click();
  await page.getByRole("dialog").getByText("Belum ada sesi tercatat").waitFor();
  assertNoProblems(assert, page);
  await page.context().close();
});
