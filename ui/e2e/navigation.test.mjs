// The sidebar shows exactly what each role's permissions open, and nothing for features that
// do not exist yet.

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

const NETWORK = ["Router", "Kolam IP", "Profil bandwidth", "PPPoE & Hotspot"];
const EXPECTED = {
  owner: {
    groups: ["Ringkasan", "Pelanggan", "Jaringan", "Laporan", "Pengaturan"],
    entries: ["Dasbor", "Pelanggan", "Pengguna online", "Paket layanan", ...NETWORK, "Pemakaian paket", "Staf", "Log aktivitas", "Profil usaha", "Cadangan", "RADIUS & Isolir", "Platform"],
  },
  admin: {
    groups: ["Ringkasan", "Pelanggan", "Jaringan", "Laporan", "Pengaturan"],
    entries: ["Dasbor", "Pelanggan", "Pengguna online", "Paket layanan", ...NETWORK, "Pemakaian paket", "Staf", "Log aktivitas"],
  },
  technician: {
    groups: ["Ringkasan", "Pelanggan", "Jaringan", "Laporan"],
    entries: ["Dasbor", "Pelanggan", "Pengguna online", ...NETWORK, "Pemakaian paket"],
  },
  cashier: { groups: ["Ringkasan", "Pelanggan", "Laporan"], entries: ["Dasbor", "Pelanggan", "Pengguna online", "Pemakaian paket"] },
  reseller: { groups: ["Ringkasan"], entries: ["Dasbor"] },
};

const ROLE_LABELS = { owner: "Pemilik", admin: "Admin", technician: "Teknisi", cashier: "Kasir", reseller: "Reseller" };

for (const [role, expected] of Object.entries(EXPECTED)) {
  test(`navigation: ${role} sees exactly ${expected.entries.join(", ")}`, async () => {
    const page = await harness.open({ kind: "ready", signedInAs: role }, { waitFor: "[data-testid=dashboard-cards]" });
    const sidebar = page.getByTestId("sidebar");
    assert.deepEqual(await sidebar.locator("a").allTextContents().then((t) => t.map((s) => s.trim())), expected.entries);
    assert.deepEqual(await sidebar.locator("p").allTextContents().then((t) => t.map((s) => s.trim())), expected.groups);
    assert.match(await page.locator("header").textContent(), new RegExp(ROLE_LABELS[role]));

    // A screen this role may not open, asked for by URL, falls back to the dashboard.
    for (const [entry, hash] of [["Cadangan", "backups"], ["Router", "routers"], ["Paket layanan", "plans"], ["RADIUS & Isolir", "radius"], ["Platform", "platform"], ["Pengguna online", "online"]]) {
      if (expected.entries.includes(entry)) continue;
      await page.evaluate((h) => (location.hash = `#/${h}`), hash);
      await page.waitForTimeout(100);
      assert.equal(await page.getByRole("heading", { name: entry, exact: true }).count(), 0);
      await page.locator("[data-testid=dashboard-cards]").waitFor();
    }
    // Every screen this role has opens without an error.
    if (role === "technician" || role === "cashier") {
      await sidebar.getByRole("link", { name: "Pelanggan", exact: true }).click();
      await page.getByTestId("customer-table").waitFor();
      await page.getByRole("button", { name: "Tambah pelanggan" }).first().click();
      assert.ok((await page.getByRole("dialog").getByLabel("Paket", { exact: true }).locator("option").count()) > 1, "plans are offered");
      await page.keyboard.press("Escape");
      await sidebar.getByRole("link", { name: "Dasbor" }).click();
    }
    if (role === "cashier") await screenshot(page, "dashboard-cashier");
    assert.ok(await hasNoHorizontalScroll(page));
    assertNoProblems(assert, page);
    await page.context().close();
  });
}

test("navigation: the user menu changes the password and signs out", async () => {
  const page = await harness.open({ kind: "ready", signedInAs: "cashier" }, { waitFor: "[data-testid=dashboard-cards]" });
  await page.getByRole("button", { name: "Menu akun" }).click();
  await page.getByRole("menuitem", { name: "Ganti kata sandi" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Kata sandi sekarang").fill("salah123");
  await dialog.getByLabel("Kata sandi baru", { exact: true }).fill("KopiSusu77");
  await dialog.getByLabel("Ulangi kata sandi baru").fill("KopiSusu77");
  await dialog.getByLabel("Ulangi kata sandi baru").press("Enter");
  const wrong = await errorUnder(dialog, "Kata sandi sekarang");
  await wrong.waitFor();
  assert.match(await wrong.textContent(), /Kata sandi sekarang salah/);
  assert.equal(await dialog.getByLabel("Kata sandi baru", { exact: true }).inputValue(), "KopiSusu77", "values are kept");
  await screenshot(page, "change-password");
  await dialog.getByLabel("Kata sandi sekarang").fill("Warung2026");
  await dialog.getByRole("button", { name: "Simpan kata sandi" }).click();
  await dialog.waitFor({ state: "hidden" });
  const call = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "change_own_password").at(-1));
  assert.deepEqual(call.args, { input: { current_password: "Warung2026", new_password: "KopiSusu77" } });

  await page.getByRole("button", { name: "Menu akun" }).click();
  await page.getByRole("menuitem", { name: "Keluar" }).click();
  await page.getByRole("button", { name: "Masuk" }).waitFor();
  assert.match(await page.locator("form").textContent(), /Anda sudah keluar/);
  assertNoProblems(assert, page);
  await page.context().close();
});
