// Customers: the list (search as you type, status chips, plan filter, paging over 250
// customers), the add/edit dialog with errors next to their fields, suspend / reactivate /
// renew / show password / delete, CSV import with every bad row named, and export.

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

async function openCustomers(scenario = {}) {
  const page = await harness.open({ kind: "ready", signedInAs: "owner", delayMs: 15, ...scenario }, { waitFor: "[data-testid=dashboard-cards]" });
  await page.getByTestId("sidebar").getByRole("link", { name: "Pelanggan", exact: true }).click();
  await page.getByTestId("customer-table").waitFor();
  return page;
}

/** How many seeded customers match, asked of the fake host with the contract's query shape. */
async function expected(page, filters) {
  return page.evaluate(
    (f) => window.__fake.subscribers.matching({ text: "", status: null, plan_id: null, router_id: null, service_type: null, page: 1, page_size: 50, ...f }).length,
    filters,
  );
}

const lastCall = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c).at(-1), cmd);
const callCount = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c).length, cmd);
const pager = (page, text) => page.locator("main").getByText(text, { exact: true }).waitFor();
const row = (page, username) => page.locator(`tr[data-username="${username}"]`);

async function search(page, text) {
  await page.getByTestId("customer-search").fill(text);
}

test("customers: search as you type, status chips, plan filter and paging over 250 customers", async () => {
  const page = await openCustomers();
  const table = page.getByTestId("customer-table");
  assert.equal(await table.locator("tbody tr").count(), 50);
  await pager(page, "1–50 dari 250");
  // Expiry in the ISP's zone, and the soon-to-expire highlighted with what is left.
  assert.match(await row(page, "ahmad.fauzi").textContent(), /\d\d\/\d\d\/2\d{3} \d\d:\d\d.*(hari|jam) lagi/s);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "customers");

  // `/` focuses the search; results follow the typing after a short pause, one request.
  await page.keyboard.press("/");
  const before = await callCount(page, "search_customers");
  await page.keyboard.type("si", { delay: 30 });
  const si = await expected(page, { text: "si" });
  assert.ok(si > 0 && si < 50);
  await pager(page, `1–${si} dari ${si}`);
  assert.equal(await callCount(page, "search_customers"), before + 1, "typing waits for a pause before searching");
  for (const name of await table.locator("tbody tr td:first-child").allTextContents()) assert.match(name, /^\s*Si|\bsi/i);
  // Prefix of a phone number finds its owner.
  await search(page, "0878-2000");
  await pager(page, "1–1 dari 1");
  assert.match(await table.textContent(), /Rina Marlina/);
  await search(page, "");
  await pager(page, "1–50 dari 250");

  // Status chips.
  await page.getByRole("button", { name: "Ditangguhkan", exact: true }).click();
  const suspended = await expected(page, { status: "suspended" });
  await pager(page, `1–${suspended} dari ${suspended}`);
  for (const status of await table.locator("tbody tr td:nth-child(5)").allTextContents()) assert.equal(status.trim(), "Ditangguhkan");
  assert.equal((await lastCall(page, "search_customers")).args.query.status, "suspended");
  await screenshot(page, "customers-suspended");
  await page.getByRole("button", { name: "Semua", exact: true }).click();
  await pager(page, "1–50 dari 250");

  // Plan filter.
  await page.getByLabel("Paket", { exact: true }).selectOption({ label: "PPPoE 20 Mbps" });
  const planId = await page.evaluate(() => window.__fake.subscribers.plans.find((p) => p.code === "PPP-20M").id);
  const onPlan = await expected(page, { plan_id: planId });
  await pager(page, `1–${Math.min(50, onPlan)} dari ${onPlan}`);
  for (const plan of await table.locator("tbody tr td:nth-child(3)").allTextContents()) assert.match(plan, /PPPoE 20 Mbps/);
  assert.equal((await lastCall(page, "search_customers")).args.query.plan_id, planId);
  await page.getByLabel("Paket", { exact: true }).selectOption({ label: "Semua paket" });
  await pager(page, "1–50 dari 250");

  // Paging.
  await page.getByRole("button", { name: "Berikutnya" }).click();
  await pager(page, "51–100 dari 250");
  assert.deepEqual((await lastCall(page, "search_customers")).args.query, {
    text: "",
    status: null,
    plan_id: null,
    router_id: null,
    service_type: null,
    page: 2,
    page_size: 50,
  });
  assert.equal(await table.locator("tbody tr").count(), 50);
  assert.ok(await hasNoHorizontalScroll(page));
  assertNoProblems(assert, page);
  await page.context().close();
});

test("customers: add (errors next to their fields, values kept), edit, delete with confirmation and the host's refusals", async () => {
  const page = await openCustomers();
  await page.getByRole("button", { name: "Tambah pelanggan" }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nama pelanggan").fill("Sri Wahyuni");
  await dialog.getByLabel("Nama pengguna").fill("sri wahyuni");
  await dialog.getByLabel("Kata sandi", { exact: false }).fill("ab");
  await dialog.getByLabel("No. HP / WhatsApp", { exact: false }).fill("0812-7788-9900");
  // Plans follow the service type: hotspot plans only once hotspot is chosen.
  const planOptions = () => dialog.getByLabel("Paket", { exact: true }).locator("option").allTextContents();
  assert.ok((await planOptions()).every((o) => !o.includes("Hotspot")));
  assert.ok(!(await planOptions()).some((o) => o.includes("(lama)")), "inactive plans are not offered to new customers");
  await dialog.getByLabel("Jenis layanan").selectOption("hotspot");
  assert.ok((await planOptions()).slice(1).every((o) => o.startsWith("Hotspot")));
  await dialog.getByLabel("Paket", { exact: true }).selectOption({ label: "Hotspot 30 Hari · Rp 50.000 / 30 hari" });
  await dialog.getByLabel("Nama pengguna").press("Enter");
  // The client refuses what it can judge, under each field, without calling the host.
  assert.match(await (await errorUnder(dialog, "Nama pengguna")).textContent(), /tanpa spasi/);
  assert.match(await (await errorUnder(dialog, "Kata sandi", { exact: false })).textContent(), /minimal 4/);
  assert.equal(await callCount(page, "create_customer"), 0);

  // A username only the host knows is taken: its message under the field, every value kept.
  await dialog.getByLabel("Nama pengguna").fill("ahmad.fauzi");
  await dialog.getByRole("button", { name: "Buat" }).click();
  const generated = await dialog.getByLabel("Kata sandi", { exact: false }).inputValue();
  assert.match(generated, /^[a-z0-9]{8}$/);
  await dialog.getByRole("button", { name: "Tambah pelanggan" }).click();
  const taken = await errorUnder(dialog, "Nama pengguna");
  await taken.waitFor();
  assert.match(await taken.textContent(), /sudah dipakai/);
  assert.equal(await dialog.getByLabel("Nama pelanggan").inputValue(), "Sri Wahyuni");
  assert.equal(await dialog.getByLabel("Kata sandi", { exact: false }).inputValue(), generated);
  assert.equal(await dialog.getByLabel("Jenis layanan").inputValue(), "hotspot");
  await screenshot(page, "customers-add-errors");

  await dialog.getByLabel("Nama pengguna").fill("sri.wahyuni");
  await dialog.getByRole("button", { name: "Tambah pelanggan" }).click();
  await dialog.waitFor({ state: "hidden" });
  const created = await lastCall(page, "create_customer");
  assert.equal(created.args.input.username, "sri.wahyuni");
  assert.equal(created.args.input.service_type, "hotspot");
  assert.equal(created.args.input.password, generated);
  await page.locator("[data-sonner-toast]").filter({ hasText: "Sri Wahyuni sudah ditambahkan" }).waitFor();

  // Edit: the password starts empty (empty keeps it); a change shows in the row.
  await search(page, "sri.wah");
  await row(page, "sri.wahyuni").waitFor();
  await row(page, "sri.wahyuni").getByRole("button", { name: "Ubah" }).click();
  const edit = page.getByRole("dialog");
  await edit.getByRole("heading", { name: "Ubah Sri Wahyuni" }).waitFor();
  assert.equal(await edit.getByLabel("Kata sandi", { exact: false }).inputValue(), "");
  assert.match(await edit.textContent(), /Kosongkan untuk tetap memakai kata sandi sekarang/);
  await edit.getByLabel("No. HP / WhatsApp", { exact: false }).fill("0812-1111-2222");
  await edit.getByLabel("No. HP / WhatsApp", { exact: false }).press("Enter");
  await edit.waitFor({ state: "hidden" });
  const updated = await lastCall(page, "update_customer");
  assert.equal(updated.args.input.input.password, "", "an empty password keeps the saved one");
  assert.equal(updated.args.input.input.phone, "0812-1111-2222");
  await row(page, "sri.wahyuni").filter({ hasText: "0812-1111-2222" }).waitFor();

  // Delete asks first, naming what is lost; Esc closes without deleting.
  await row(page, "sri.wahyuni").getByRole("button", { name: "Hapus" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Hapus Sri Wahyuni?" }).waitFor();
  assert.match(await confirm.textContent(), /tidak bisa tersambung lagi.*tidak bisa dikembalikan/s);
  await page.keyboard.press("Escape");
  await confirm.waitFor({ state: "hidden" });
  assert.equal(await callCount(page, "delete_customer"), 0);
  await row(page, "sri.wahyuni").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Ya, hapus" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  await page.locator("main").getByText("Tidak ada pelanggan yang cocok").waitFor();

  // Unpaid invoices: refused with the count and the next step.
  await search(page, "wahyu");
  await row(page, "wahyu").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Ya, hapus" }).click();
  await page.getByRole("dialog").getByText("masih punya 2 tagihan belum lunas").waitFor();
  await page.keyboard.press("Escape");

  // A billing history: kept, and the dialog offers to take them out of service instead.
  await search(page, "yanti");
  await row(page, "yanti").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Ya, hapus" }).click();
  await page.getByRole("dialog").getByText("punya riwayat tagihan").waitFor();
  await screenshot(page, "customers-delete-refused");
  await page.getByRole("dialog").getByRole("button", { name: "Nonaktifkan saja" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  await row(page, "yanti").getByText("Nonaktif", { exact: true }).waitFor();
  assertNoProblems(assert, page);
  await page.context().close();
});

test("customers: suspend then reactivate, renew, show the password, and a reactivation that needs a renewal", async () => {
  const page = await openCustomers();
  await search(page, "ahmad.f");
  const ahmad = row(page, "ahmad.fauzi");
  await ahmad.waitFor();

  await ahmad.getByRole("button", { name: "Tangguhkan" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Tangguhkan Ahmad Fauzi?" }).waitFor();
  assert.match(await confirm.textContent(), /tidak bisa tersambung ke internet sampai diaktifkan kembali/);
  await confirm.getByRole("button", { name: "Tangguhkan" }).click();
  await confirm.waitFor({ state: "hidden" });
  await ahmad.getByText("Ditangguhkan", { exact: true }).waitFor();
  await ahmad.getByRole("button", { name: "Aktifkan kembali" }).click();
  await ahmad.getByText("Aktif", { exact: true }).waitFor();
  assert.deepEqual((await lastCall(page, "reactivate_customer")).args, { input: { id: (await lastCall(page, "suspend_customer")).args.input.id } });

  // Renew: one validity of the plan, counted from the current end.
  const before = await page.evaluate(() => window.__fake.subscribers.customers.find((c) => c.username === "ahmad.fauzi").expires_at);
  await ahmad.getByRole("button", { name: "Perpanjang" }).click();
  const renew = page.getByRole("dialog");
  await renew.getByRole("heading", { name: "Perpanjang Ahmad Fauzi?" }).waitFor();
  assert.match(await renew.textContent(), /diperpanjang 1 bulan sesuai paket PPPoE 10 Mbps \(Rp 150\.000\).*Dihitung dari masa berlaku sekarang/s);
  await screenshot(page, "customers-renew");
  await renew.getByRole("button", { name: "Perpanjang" }).click();
  await renew.waitFor({ state: "hidden" });
  const after = await page.evaluate(() => window.__fake.subscribers.customers.find((c) => c.username === "ahmad.fauzi").expires_at);
  assert.ok(Date.parse(after) > Date.parse(before) + 27 * 86_400_000);
  await page.locator("[data-sonner-toast]").filter({ hasText: "Ahmad Fauzi diperpanjang sampai" }).waitFor();
  assert.doesNotMatch(await ahmad.textContent(), /hari lagi/, "no longer about to expire");

  // The password, for the cashier to read out.
  await ahmad.getByRole("button", { name: "Lihat kata sandi" }).click();
  const reveal = page.getByRole("dialog");
  const password = await page.evaluate(() => window.__fake.subscribers.customers.find((c) => c.username === "ahmad.fauzi").password);
  await reveal.getByTestId("revealed-password").filter({ hasText: password }).waitFor();
  assert.match(await reveal.textContent(), /dicatat di log aktivitas/);
  await screenshot(page, "customers-password");
  await page.keyboard.press("Escape");
  await reveal.waitFor({ state: "hidden" });

  // Suspended past the end of the paid period: the host asks for a renewal, one click away.
  await search(page, "dedi");
  const dedi = row(page, "dedi.k");
  await dedi.getByRole("button", { name: "Aktifkan kembali" }).click();
  const toast = page.locator("[data-sonner-toast]").filter({ hasText: "Masa berlaku pelanggan ini sudah habis" });
  await toast.waitFor();
  await page.waitForTimeout(500); // let the toast settle for the picture
  await screenshot(page, "customers-renew-required");
  await toast.getByRole("button", { name: "Perpanjang" }).click();
  await page.getByRole("dialog").getByText("dihitung mulai sekarang").waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Perpanjang" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  await dedi.getByText("Aktif", { exact: true }).waitFor();
  assertNoProblems(assert, page);
  await page.context().close();
});

const CSV_PATH = "C:\\Users\\Budi\\Documents\\pelanggan-baru.csv";
const BAD_CSV = [
  "username,nama,no_hp,paket,router,status,expires_at",
  "andi.p,Andi Prasetyo,0812-5555-0001,PPP-10M,pusat,,",
  "bayu,Bayu Saputra,0812-5555-0002,PPP-99M,pusat,,",
  "citra,Citra Lestari,08x,HS-30D,pusat,,",
  "andi.p,Andi Lain,0812-5555-0004,PPP-10M,pusat,,",
  "ahmad.fauzi,Ahmad Dobel,0812-5555-0005,PPP-10M,pusat,,",
  "eka,Eka Putri,0812-5555-0006,PPP-20M,gudang,,",
  "fajar,Fajar Nugroho,0812-5555-0007,HS-1D,pusat,aktif,31-31-2026",
].join("\n");
const GOOD_CSV = [
  "username,nama,no_hp,paket,router,status,expires_at",
  "andi.p,Andi Prasetyo,0812-5555-0001,PPP-10M,pusat,,",
  "bayu,Bayu Saputra,0812-5555-0002,PPP-20M,pusat,,",
  "citra,Citra Lestari,0812-5555-0003,HS-30D,pusat,,",
  "dimas,Dimas Anggara,0812-5555-0004,PPP-10M,sardono,suspended,2026-12-31",
  "eka,Eka Putri,0812-5555-0006,PPP-20M,rw05,,",
  "fajar,Fajar Nugroho,0812-5555-0007,HS-1D,pusat,,",
].join("\n");

test("customers: an import lists every bad row by line and column, then a clean import runs with progress", async () => {
  const page = await openCustomers({ dialogFile: CSV_PATH, files: { [CSV_PATH]: BAD_CSV } });
  await page.getByRole("button", { name: "Impor CSV" }).click();
  const dialog = page.getByRole("dialog");
  const errors = dialog.getByTestId("import-errors");
  await errors.waitFor();
  assert.deepEqual(
    (await errors.locator("li").allTextContents()).map((s) => s.replace(/\s+/g, " ").trim()),
    [
      'Baris 3 · paket · "PPP-99M" tidak ditemukan. Pakai kode paket atau nama singkat router yang ada.',
      "Baris 3 · layanan · Wajib diisi.",
      "Baris 4 · telepon · Nomor telepon tidak valid. Tulis 6–15 angka, misalnya 0812-3456-7890 atau +62 812 3456 7890.",
      "Baris 5 · username · Sama dengan baris 2 di berkas ini.",
      "Baris 6 · username · Sudah ada pelanggan dengan nama pengguna ini.",
      'Baris 7 · router · "gudang" tidak ditemukan. Pakai kode paket atau nama singkat router yang ada.',
      "Baris 8 · status · Ada isian atau karakter yang tidak boleh. Yang boleh: active, suspended, expired, inactive.",
      "Baris 8 · berlaku sampai · Tanggal tidak valid. Contoh: 2026-12-31 atau 31/12/2026 23:59.",
    ],
  );
  assert.match(await dialog.getByTestId("import-counts").textContent(), /Baris di berkas\s*7.*Siap diimpor\s*1.*Perlu diperbaiki\s*8/s);
  assert.ok(await dialog.getByRole("button", { name: /^Impor \d+ pelanggan$/ }).isDisabled(), "all or nothing: no import while rows are bad");
  await screenshot(page, "customers-import-errors");

  // The file is fixed outside the app; "Check again" reads it anew.
  await page.evaluate(({ path, text }) => (window.__fake.subscribers.files[path] = text), { path: CSV_PATH, text: GOOD_CSV });
  await dialog.getByRole("button", { name: "Periksa ulang" }).click();
  await dialog.getByText("Semua 6 baris bisa diimpor.").waitFor();
  const sample = dialog.getByTestId("import-sample");
  assert.equal(await sample.locator("tbody tr").count(), 6);
  assert.match(await sample.locator("tbody tr").nth(3).textContent(), /5.*dimas.*Dimas Anggara.*PPP-10M.*PPPoE.*sardono.*Ditangguhkan.*31\/12\/2026 23:59/s);
  await screenshot(page, "customers-import-preview");

  await dialog.getByRole("button", { name: "Impor 6 pelanggan" }).click();
  await dialog.getByTestId("import-progress").waitFor();
  await screenshot(page, "customers-import-running");
  await dialog.waitFor({ state: "hidden" });
  await page.locator("[data-sonner-toast]").filter({ hasText: "6 pelanggan berhasil diimpor" }).waitFor();
  await pager(page, "1–50 dari 256");
  assert.deepEqual((await lastCall(page, "import_customers")).args, { input: { path: CSV_PATH } });
  assertNoProblems(assert, page);
  await page.context().close();
});

test("customers: export writes the customers of the current filters", async () => {
  const target = "D:\\Laporan\\pelanggan-aktif.csv";
  const page = await openCustomers({ dialogSaveFile: target });
  await page.getByRole("button", { name: "Aktif", exact: true }).click();
  await page.getByLabel("Router", { exact: true }).selectOption({ label: "Router Pusat" });
  await search(page, "a");
  const routerId = await page.evaluate(() => window.__fake.subscribers.routers.find((r) => r.short_name === "pusat").id);
  const count = await expected(page, { text: "a", status: "active", router_id: routerId });
  await pager(page, `1–${Math.min(50, count)} dari ${count}`);

  await page.getByRole("button", { name: "Ekspor CSV" }).click();
  await page.locator("[data-sonner-toast]").filter({ hasText: `${count} pelanggan diekspor ke pelanggan-aktif.csv` }).waitFor();
  assert.deepEqual((await lastCall(page, "export_customers")).args, {
    input: {
      query: { text: "a", status: "active", plan_id: null, router_id: routerId, service_type: null, page: 1, page_size: 50 },
      path: target,
    },
  });
  const save = await lastCall(page, "plugin:dialog|save");
  assert.match(save.args.options.defaultPath, /^pelanggan-\d{4}-\d\d-\d\d\.csv$/);
  assertNoProblems(assert, page);
  await page.context().close();
});

test("customers: the list in English", async () => {
  const page = await openCustomers();
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("heading", { name: "Customers", exact: true }).waitFor();
  await page.locator("main").getByText("1–50 of 250").waitFor();
  const text = await page.evaluate(() => {
    const copy = document.querySelector("main").cloneNode(true);
    copy.querySelectorAll("tbody td:first-child, tbody td:nth-child(3) > div:first-child").forEach((n) => n.remove());
    return copy.textContent ?? "";
  });
  for (const word of ["Pelanggan", "Perpanjang", "Semua", "Ditangguhkan", "Kedaluwarsa", "Berlaku", "hari lagi", "Cari"]) {
    assert.ok(!text.includes(word), `"${word}" left untranslated`);
  }
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "customers-en");
  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  assertNoProblems(assert, page);
  await page.context().close();
});

test("customers: a very broad search shows a capped count and still pages", async () => {
  const page = await openCustomers();
  await page.evaluate(() => {
    window.__fake.subscribers.countCap = 100;
  });
  await search(page, "a");
  await page.getByTestId("customer-search").fill("");
  await pager(page, "1–50 dari 100+");
  await page.locator("main").getByText("Halaman 1", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Berikutnya" }).click();
  await pager(page, "51–100 dari 100+");
  assertNoProblems(assert, page);
});
