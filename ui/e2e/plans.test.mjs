// Service plans, the RADIUS & isolir settings, and the dashboard cards that lead to the new
// screens.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { assertNoProblems, errorUnder, hasNoHorizontalScroll, screenshot, startHarness } from "./harness.mjs";

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

async function openScreen(entry, waitFor, scenario = {}) {
  const page = await harness.open({ kind: "ready", signedInAs: "owner", delayMs: 15, ...scenario }, { waitFor: "[data-testid=dashboard-cards]" });
  await page.getByTestId("sidebar").getByRole("link", { name: entry, exact: true }).click();
  await page.locator(waitFor).first().waitFor();
  return page;
}

const lastCall = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c).at(-1), cmd);

test("plans: price, validity, speed and quota as people read them; create, a field error, edit, delete and in_use", async () => {
  const page = await openScreen("Paket layanan", "[data-testid=plan-table]");
  const table = page.getByTestId("plan-table");
  assert.match(await table.locator("tr[data-code=PPP-10M]").textContent(), /PPPoE 10 Mbps.*PPPoE.*Rp 150\.000.*1 bulan.*10M.*2M.*Tanpa batas.*1.*Aktif/s);
  assert.match(await table.locator("tr[data-code=HS-30D]").textContent(), /Rp 50\.000.*reseller Rp 45\.000.*30 hari.*3M.*1M.*10 GiB.*2/s);
  assert.match(await table.locator("tr[data-code=HS-1D]").textContent(), /5 GB/);
  assert.match(await table.locator("tr[data-code=HS-3J]").textContent(), /3 jam/);
  assert.match(await table.locator("tr[data-code=PPP-5M]").textContent(), /Nonaktif/);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "plans");

  await page.getByRole("button", { name: "Tambah paket" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nama paket").fill("Hotspot 7 Hari");
  await dialog.getByLabel("Kode").fill("hs 7d");
  await dialog.getByLabel("Jenis layanan").selectOption("hotspot");
  await dialog.getByLabel("Harga (Rp)").fill("20.000");
  await dialog.getByText("Rp 20.000").waitFor();
  await dialog.getByLabel("Harga reseller", { exact: false }).fill("25000");
  await dialog.getByLabel("Masa berlaku").fill("7");
  await dialog.getByLabel("Satuan").selectOption("days");
  await dialog.getByLabel("Profil bandwidth").selectOption({ label: "Hotspot 3 Mbps (1M/3M)" });
  await dialog.getByLabel("Kuota", { exact: false }).fill("banyak");
  await dialog.getByLabel("Perangkat bersamaan").fill("2");
  await dialog.getByLabel("Nama paket").press("Enter");
  assert.match(await (await errorUnder(dialog, "Kode")).textContent(), /Yang boleh: A-Z 0-9 - _/);
  assert.equal(await (await errorUnder(dialog, "Harga reseller (opsional)")).textContent(), "Harus antara 0 dan 20000.");
  assert.match(await (await errorUnder(dialog, "Kuota (opsional)")).textContent(), /Tidak bisa dibaca sebagai angka/);
  assert.equal(await dialog.getByLabel("Nama paket").inputValue(), "Hotspot 7 Hari");
  assert.equal(await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "create_plan").length), 0);
  await screenshot(page, "plans-add-errors");

  // A code only the host knows is taken.
  await dialog.getByLabel("Kode").fill("hs-30d");
  await dialog.getByLabel("Harga reseller", { exact: false }).fill("18000");
  await dialog.getByLabel("Kuota", { exact: false }).fill("10GiB");
  await dialog.getByText("= 10 GiB").waitFor();
  await dialog.getByRole("button", { name: "Tambah paket" }).click();
  await (await errorUnder(dialog, "Kode")).filter({ hasText: "Sudah dipakai" }).waitFor();
  await dialog.getByLabel("Kode").fill("hs-7d");
  await dialog.getByRole("button", { name: "Tambah paket" }).click();
  await dialog.waitFor({ state: "hidden" });
  const created = (await lastCall(page, "create_plan")).args.input;
  assert.deepEqual(
    { code: created.code, price: created.price, quota: created.quota, validity: [created.validity_value, created.validity_unit], active: created.is_active },
    { code: "hs-7d", price: "20.000", quota: "10GiB", validity: ["7", "days"], active: true },
  );
  assert.match(await table.locator("tr[data-code=HS-7D]").textContent(), /Hotspot 7 Hari.*Rp 20\.000.*7 hari.*10 GiB/s);

  // Edit: inactive from now on.
  await table.locator("tr[data-code=HS-7D]").getByRole("button", { name: "Ubah" }).click();
  const edit = page.getByRole("dialog");
  assert.equal(await edit.getByLabel("Kuota", { exact: false }).inputValue(), "10GiB");
  await edit.getByLabel("Paket aktif").uncheck();
  await edit.getByRole("button", { name: "Simpan" }).click();
  await edit.waitFor({ state: "hidden" });
  await table.locator("tr[data-code=HS-7D]").getByText("Nonaktif").waitFor();

  // Customers still use PPP-10M: refused, naming them; the unused plan goes.
  await table.locator("tr[data-code=PPP-10M]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByText(/Masih dipakai oleh \d+ pelanggan/).waitFor();
  await screenshot(page, "plans-delete-in-use");
  await page.keyboard.press("Escape");
  await table.locator("tr[data-code=HS-7D]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("heading", { name: "Hapus paket Hotspot 7 Hari?" }).waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.equal(await table.locator("tr[data-code=HS-7D]").count(), 0);
  assertNoProblems(assert, page);
  await page.context().close();
});

test("plans: a new ISP sees what to do next", async () => {
  const page = await openScreen("Paket layanan", "main h1", { emptyDashboard: true });
  await page.getByText("Belum ada paket layanan").waitFor();
  await screenshot(page, "plans-empty");
  assertNoProblems(assert, page);
  await page.context().close();
});

test("radius & isolir: explained, validated next to the field, saved", async () => {
  const page = await openScreen("RADIUS & Isolir", "[data-testid=radius-form]");
  const form = page.getByTestId("radius-form");
  assert.match(await form.textContent(), /langsung ditolak/);
  await form.getByLabel("Isolir pelanggan yang ditangguhkan").check();
  await form.getByText("address list isolir dengan kecepatan sangat kecil").waitFor();
  await form.getByLabel("Kecepatan saat isolir").fill("128k/lambat");
  await form.getByLabel("Interval laporan (detik)").fill("30");
  await form.getByRole("button", { name: "Simpan" }).click();
  assert.match(await (await errorUnder(form, "Kecepatan saat isolir")).textContent(), /512k, 10M atau 1\.5M/);
  assert.equal(await (await errorUnder(form, "Interval laporan (detik)")).textContent(), "Harus antara 60 dan 3600.");
  await screenshot(page, "radius-errors");
  await form.getByLabel("Kecepatan saat isolir").fill("256k/256k");
  await form.getByLabel("Interval laporan (detik)").fill("600");
  await form.getByRole("button", { name: "Simpan" }).click();
  await page.locator("[data-sonner-toast]").filter({ hasText: "Pengaturan RADIUS disimpan" }).waitFor();
  assert.deepEqual((await lastCall(page, "update_radius_settings")).args, {
    input: { isolir_rate_limit: "256k/256k", isolir_address_list: "isolir", interim_interval_s: "600", isolir_enabled: true },
  });
  assert.ok(await form.getByRole("button", { name: "Simpan" }).isDisabled(), "saved: nothing left to save");
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "radius");
  assertNoProblems(assert, page);
  await page.context().close();
});

test("dashboard: the customers and routers cards open their screens", async () => {
  const page = await harness.open({ kind: "ready", signedInAs: "owner" }, { waitFor: "[data-testid=dashboard-cards]" });
  await page.getByTestId("card-customers").click();
  await page.getByTestId("customer-table").waitFor();
  assert.equal(await page.evaluate(() => location.hash), "#/customers");
  await page.getByTestId("sidebar").getByRole("link", { name: "Dasbor" }).click();
  await page.getByTestId("card-routers").click();
  await page.getByTestId("router-table").waitFor();
  await page.context().close();

  // A cashier has no router screen: that card is not a link.
  const cashier = await harness.open({ kind: "ready", signedInAs: "cashier" }, { waitFor: "[data-testid=dashboard-cards]" });
  assert.equal(await cashier.getByTestId("card-routers").evaluate((n) => n.tagName), "DIV");
  assert.equal(await cashier.getByTestId("card-customers").evaluate((n) => n.tagName), "A");
  assertNoProblems(assert, cashier);
  await cashier.context().close();
});
