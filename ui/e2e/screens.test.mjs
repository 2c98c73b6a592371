// The settings screens (activity log, business profile, backups) and the whole shell in
// English, with a screenshot of each at 1366×768.

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

async function signedIn(scenario = {}) {
  return harness.open({ kind: "ready", signedInAs: "owner", ...scenario }, { waitFor: "[data-testid=dashboard-cards]" });
}

async function go(page, entry) {
  await page.getByTestId("sidebar").getByRole("link", { name: entry }).click();
}

test("activity log: entries in the ISP's zone, filters, paging and old → new values", async () => {
  const page = await signedIn();
  await go(page, "Log aktivitas");
  const table = page.getByTestId("activity-table");
  await table.waitFor();
  assert.equal(await table.locator("tbody > tr").count(), 50);
  const first = table.locator("tbody > tr").first();
  assert.match(await first.textContent(), /23\/11\/2026 14:05.*Budi Santoso.*Masuk.*Sesi/s);
  assert.match(await page.locator("main").textContent(), /1–50 dari 73/);

  await page.getByRole("button", { name: "Berikutnya" }).click();
  await page.getByText("51–73 dari 73").waitFor();
  assert.equal(await table.locator("tbody > tr").count(), 23);
  await page.getByRole("button", { name: "Sebelumnya" }).click();
  await page.getByText("1–50 dari 73").waitFor();

  // Chips filter by kind of data; the staff select by who.
  await page.getByRole("button", { name: "Profil usaha", exact: true }).click();
  await page.getByText("1–11 dari 11").waitFor();
  const call = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "list_activity").at(-1));
  assert.deepEqual(call.args, { query: { staff_id: null, entity_type: "company", page: 1, page_size: 50 } });
  await page.getByRole("button", { name: "Semua", exact: true }).click();
  await page.getByLabel("Staf", { exact: true }).selectOption({ label: "Andi Wijaya" });
  await page.getByText("1–21 dari 21").waitFor();
  const row = table.locator("tbody > tr", { hasText: "Mengubah profil usaha" }).first();
  await row.getByRole("button", { name: "Lihat perubahan" }).click();
  const changes = page.getByTestId("activity-changes").first();
  await changes.waitFor();
  assert.match(await changes.textContent(), /Telepon.*0812-0000-1111.*0812-3456-7890/s);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "activity");
  assertNoProblems(assert, page);
  await page.context().close();
});

test("business profile: saving updates the top bar and the zone every date is shown in", async () => {
  const page = await signedIn();
  await go(page, "Profil usaha");
  const form = page.getByTestId("company-form");
  await form.waitFor();
  assert.equal(await page.getByLabel("Nama usaha").inputValue(), "Berkah Net");
  assert.ok(await page.getByRole("button", { name: "Simpan" }).isDisabled(), "nothing to save yet");

  await page.getByLabel("Nama usaha").fill("");
  await page.getByLabel("Nomor telepon / WhatsApp").click();
  assert.equal(await (await errorUnder(page, "Nama usaha")).textContent(), "Wajib diisi.");
  await page.getByLabel("Nomor telepon / WhatsApp").fill("08x");
  await page.getByLabel("Alamat").click();
  assert.match(await (await errorUnder(page, "Nomor telepon / WhatsApp", { exact: false })).textContent(), /tidak valid/);
  await screenshot(page, "company-errors");

  await page.getByLabel("Nama usaha").fill("Berkah Net Papua");
  await page.getByLabel("Nomor telepon / WhatsApp").fill("0967 533 100");
  await page.getByLabel("Zona waktu").selectOption("Asia/Jayapura");
  await page.getByRole("button", { name: "Simpan" }).click();
  await page.getByTestId("isp-name").filter({ hasText: "Berkah Net Papua" }).waitFor();
  const call = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "update_company").at(-1));
  assert.deepEqual(call.args, {
    input: {
      name: "Berkah Net Papua",
      address: "Jl. Kaliurang Km 9, Ngaglik, Sleman, Yogyakarta",
      phone: "0967 533 100",
      time_zone: "Asia/Jayapura",
      currency: "IDR",
    },
  });
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "company");

  // Dates now show in WIT: the owner's last sign-in 14:05 WIB is 16:05 WIT.
  await go(page, "Staf");
  await page.locator("tr[data-username=budi]").filter({ hasText: "23/11/2026 16:05" }).waitFor();
  assertNoProblems(assert, page);
  await page.context().close();
});

test("backups: folder, back up now with progress, list, and restore behind a confirmation", async () => {
  const page = await signedIn({ noBackupFolder: true, dialogFolder: "D:\\Cadangan ispdesk" });
  await go(page, "Cadangan");
  await page.getByTestId("backup-folder").filter({ hasText: "Belum ada folder" }).waitFor();
  assert.match(await page.locator("main").textContent(), /menyimpan 14 cadangan terakhir/);
  assert.ok(await page.getByRole("button", { name: "Cadangkan sekarang" }).isDisabled());
  await screenshot(page, "backups-no-folder");

  await page.getByRole("button", { name: "Pilih folder" }).click();
  await page.getByTestId("backup-folder").filter({ hasText: "D:\\Cadangan ispdesk" }).waitFor();
  const setCall = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "set_backup_folder").at(-1));
  assert.deepEqual(setCall.args, { input: { folder: "D:\\Cadangan ispdesk" } });

  await page.getByRole("button", { name: "Cadangkan sekarang" }).click();
  await page.getByRole("progressbar").waitFor();
  await page.getByRole("button", { name: "Sedang mencadangkan…" }).waitFor();
  await screenshot(page, "backups-running");
  await page.getByTestId("backup-table").waitFor();
  assert.equal(await page.getByTestId("backup-table").locator("tbody tr").count(), 1);
  await page.context().close();

  const seeded = await signedIn({ dialogFile: "E:\\flashdisk\\ispdesk-lama.sqlite" });
  await go(seeded, "Cadangan");
  const table = seeded.getByTestId("backup-table");
  await table.waitFor();
  assert.equal(await table.locator("tbody tr").count(), 4);
  assert.match(await table.locator("tbody tr").first().textContent(), /23\/11\/2026 02:00.*ispdesk-2026-11-23-0200\.sqlite.*3,3 MB/s);
  assert.ok(await hasNoHorizontalScroll(seeded));
  await screenshot(seeded, "backups");

  await table.locator("tbody tr").nth(1).getByRole("button", { name: "Pulihkan" }).click();
  const confirm = seeded.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Pulihkan data dari cadangan?" }).waitFor();
  assert.match(await confirm.textContent(), /Semua perubahan sejak 22\/11\/2026 02:00 akan hilang/);
  await screenshot(seeded, "backups-restore-confirm");
  await confirm.getByRole("button", { name: "Batal" }).click();
  await confirm.waitFor({ state: "hidden" });
  assert.equal(await seeded.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "restore_backup").length), 0);

  // Restoring from a file chosen elsewhere names that file, then signs everyone out.
  await seeded.getByRole("button", { name: "Pulihkan dari berkas lain…" }).click();
  await seeded.getByRole("dialog").getByText("ispdesk-lama.sqlite").waitFor();
  await seeded.getByRole("dialog").getByRole("button", { name: "Ya, pulihkan" }).click();
  await seeded.getByRole("button", { name: "Masuk" }).waitFor();
  assert.match(await seeded.locator("form").textContent(), /Data sudah dipulihkan dari cadangan/);
  const restore = await seeded.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "restore_backup").at(-1));
  assert.deepEqual(restore.args, { input: { path: "E:\\flashdisk\\ispdesk-lama.sqlite" } });
  await screenshot(seeded, "login-after-restore");
  assertNoProblems(assert, seeded);
  await seeded.context().close();
});

test("english: the shell, every settings screen and the network screens are translated", async () => {
  const page = await signedIn();
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: /^Good (morning|day|afternoon|evening), Budi$/ }).waitFor();
  await screenshot(page, "dashboard-en");
  const screens = [
    ["Staff", "staff-en"],
    ["Activity log", "activity-en"],
    ["Business profile", "company-en"],
    ["Backups", "backups-en"],
    ["RADIUS & Isolation", "radius-en"],
    ["Service plans", "plans-en"],
    ["IP pools", "pools-en"],
    ["Bandwidth profiles", "bandwidth-en"],
    ["PPPoE & Hotspot", "pppoe-hotspot-en"],
    ["Online users", "online-users-en"],
    ["Usage per plan", "usage-en"],
    ["Platform", "platform-en"],
  ];
  for (const [entry, shot] of screens) {
    await go(page, entry);
    await page.getByRole("heading", { name: entry, exact: true }).first().waitFor();
    await page.waitForTimeout(150);
    // The interface, not the data (activity summaries are written by the host).
    const text = await page.evaluate(() => {
      const copy = document.body.cloneNode(true);
      copy.querySelectorAll("tbody").forEach((n) => n.remove());
      return copy.textContent ?? "";
    });
    for (const word of ["Pengaturan", "Simpan", "Nonaktifkan", "Cadangkan", "Pulihkan", "Kata sandi", "Tambah", "Semua staf", "Belum ada", "Paket", "Kolam", "Unggah", "Kecepatan"]) {
      assert.ok(!text.includes(word), `"${word}" left untranslated on ${entry}`);
    }
    await screenshot(page, shot);
  }
  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  assertNoProblems(assert, page);
  await page.context().close();
});
