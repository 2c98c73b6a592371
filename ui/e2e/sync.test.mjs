// The platform connection (issue #4) as the desktop shows it: the sync state always in the top
// bar (and kept current by the host's `sync-status` events), its panel with "sync now", and
// Pengaturan → Platform where the owner pairs with a one-time code and disconnects.

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

async function signedIn(scenario = {}, role = "owner") {
  return harness.open({ kind: "ready", signedInAs: role, delayMs: 15, ...scenario }, { waitFor: "[data-testid=dashboard-cards]" });
}

const word = (page) => page.getByTestId("sync-word");
const lastCall = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c).at(-1), cmd);

test("sync indicator: synced with its time, a change waiting then sent, all from the host's events", async () => {
  const page = await signedIn({ sync: "synced" });
  await word(page).filter({ hasText: /^Tersinkron \d\d:\d\d$/ }).waitFor();
  assert.equal(await page.getByTestId("sync-state").getAttribute("data-state"), "synced");
  assert.equal(await page.getByTestId("sync-dot").getAttribute("data-tone"), "green");

  // A change on the desktop: the host says it waits, then that it was pushed. No polling: the
  // window learns both from events.
  const asked = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "sync_status").length);
  await page.evaluate(() => window.__fake.live.changed());
  await word(page).filter({ hasText: "1 perubahan menunggu" }).waitFor();
  await word(page).filter({ hasText: /^Tersinkron/ }).waitFor();
  assert.equal(await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "sync_status").length), asked, "no extra asking");

  await page.getByTestId("sync-state").click();
  const panel = page.getByTestId("sync-popover");
  await panel.waitFor();
  assert.match(await panel.textContent(), /Sinkron terakhir\s*\d\d\/\d\d\/\d{4} \d\d:\d\d/);
  assert.equal(await page.getByTestId("sync-pending").textContent(), "0");
  await screenshot(page, "sync-synced");
  await panel.getByRole("button", { name: "Sinkronkan sekarang" }).click();
  await page.getByText("Sinkronisasi dimulai.").waitFor();
  assert.ok((await lastCall(page, "sync_now")) !== undefined);
  await page.keyboard.press("Escape");
  await panel.waitFor({ state: "hidden" });
  assertNoProblems(assert, page);
  await page.context().close();
});

test("sync indicator: pending, offline since, failed and refused by the plan limit, each in words", async () => {
  const cases = [
    { sync: "pending", word: /^3 perubahan menunggu$/, tone: "blue" },
    { sync: "offline", word: /^Offline sejak (\d\d\/\d\d\/\d{4} )?\d\d:\d\d$/, tone: "amber", problem: /Platform tidak bisa dihubungi\. Periksa koneksi internet/ },
    { sync: "error", word: /^Gagal: platform sedang bermasalah$/, tone: "red", problem: /Platform sedang bermasalah\. ispdesk mencoba lagi sendiri/ },
    {
      sync: "refused",
      word: /^Ditolak: batas 500 pelanggan tercapai$/,
      tone: "red",
      problem: /paket langganan Anda hanya mengizinkan 500 pelanggan \(akan menjadi 501\)\. Hapus atau nonaktifkan sebagian, atau tingkatkan paket langganan/,
    },
  ];
  for (const c of cases) {
    const page = await signedIn({ sync: c.sync });
    await word(page).filter({ hasText: c.word }).waitFor();
    assert.equal(await page.getByTestId("sync-dot").getAttribute("data-tone"), c.tone, c.sync);
    await page.getByTestId("sync-state").click();
    if (c.problem) assert.match(await page.getByTestId("sync-problem").textContent(), c.problem, c.sync);
    if (c.sync === "offline") {
      assert.match(await page.getByTestId("sync-popover").textContent(), /Perubahan disimpan di komputer ini dan terkirim sendiri/);
      assert.equal(await page.getByTestId("sync-pending").textContent(), "12");
      await screenshot(page, "sync-offline");
      // The internet is back: "sync now" sends everything, and the bar says so.
      await page.evaluate(() => (window.__fake.live.platformUp = true));
      await page.getByTestId("sync-popover").getByRole("button", { name: "Sinkronkan sekarang" }).click();
      await word(page).filter({ hasText: /^Tersinkron/ }).waitFor();
      assert.equal(await page.getByTestId("sync-pending").textContent(), "0");
    }
    if (c.sync === "refused") await screenshot(page, "sync-refused");
    assertNoProblems(assert, page);
    await page.context().close();
  }

  // English, for the record: the reason is translated too.
  const page = await signedIn({ sync: "refused" });
  await page.getByRole("button", { name: "English" }).click();
  await word(page).filter({ hasText: "Refused: limit of 500 customers reached" }).waitFor();
  await page.context().close();
});

test("sync indicator: not paired is quiet; the owner is led to the platform settings, a cashier is told who can", async () => {
  const page = await signedIn();
  await word(page).filter({ hasText: "Belum terhubung ke platform" }).waitFor();
  assert.equal(await page.getByTestId("sync-dot").count(), 0, "no coloured dot while not paired");
  await page.getByTestId("sync-state").click();
  await page.getByTestId("sync-popover").getByRole("button", { name: "Hubungkan ke platform" }).click();
  await page.getByRole("heading", { name: "Platform", exact: true }).waitFor();
  assert.match(page.url(), /#\/platform$/);
  await page.context().close();

  const cashier = await signedIn({}, "cashier");
  await word(cashier).filter({ hasText: "Belum terhubung ke platform" }).waitFor();
  await cashier.getByTestId("sync-state").click();
  assert.match(await cashier.getByTestId("sync-popover").textContent(), /Pemilik dapat menghubungkannya lewat Pengaturan → Platform/);
  assert.equal(await cashier.getByTestId("sidebar").getByRole("link", { name: "Platform" }).count(), 0);
  assertNoProblems(assert, cashier);
  await cashier.context().close();
});

test("platform: an unreachable address and a wrong code under their fields, then pairing, then unpairing", async () => {
  const page = await signedIn();
  await page.getByTestId("sidebar").getByRole("link", { name: "Platform" }).click();
  await page.getByTestId("pairing-form").waitFor();
  assert.equal(await page.getByLabel("Nama komputer ini").inputValue(), "Komputer kantor");

  // Nothing entered: both required fields say so.
  await page.getByRole("button", { name: "Hubungkan", exact: true }).click();
  assert.equal(await (await errorUnder(page, "Alamat platform")).textContent(), "Wajib diisi.");
  assert.equal(await (await errorUnder(page, "Kode penghubung")).textContent(), "Wajib diisi.");

  // An address typed without https:// is taken as HTTPS; this one answers nothing.
  await page.getByLabel("Alamat platform").fill("cloud.ispdesk.salah");
  await page.getByLabel("Kode penghubung").fill("K7Q4-9MZP");
  await page.getByRole("button", { name: "Hubungkan", exact: true }).click();
  const unreachable = await errorUnder(page, "Alamat platform");
  await unreachable.filter({ hasText: "Platform tidak bisa dihubungi di alamat ini" }).waitFor();
  assert.equal(await page.getByLabel("Alamat platform").inputValue(), "https://cloud.ispdesk.salah");
  assert.equal(await (await errorUnder(page, "Kode penghubung")).count(), 0);

  // The right address, a wrong code: the code field says what to do; the address is kept.
  await page.getByLabel("Alamat platform").fill("https://cloud.ispdesk.id/");
  await page.getByLabel("Kode penghubung").fill("ZZZZ-0000");
  await page.getByRole("button", { name: "Hubungkan", exact: true }).click();
  const wrong = await errorUnder(page, "Kode penghubung");
  await wrong.filter({ hasText: "Kode penghubung salah, sudah dipakai, atau kedaluwarsa" }).waitFor();
  assert.equal(await (await errorUnder(page, "Alamat platform")).count(), 0);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "platform-pairing-error");

  // Typing a new code clears the message; the right one (any case) pairs.
  await page.getByLabel("Kode penghubung").fill("k7q4-9mzp");
  assert.equal(await (await errorUnder(page, "Kode penghubung")).count(), 0);
  await page.getByLabel("Nama komputer ini").fill("PC kasir depan");
  await page.getByRole("button", { name: "Hubungkan", exact: true }).click();
  await page.getByTestId("tenant-name").filter({ hasText: "Berkah Net (berkah)" }).waitFor();
  assert.deepEqual((await lastCall(page, "pair_platform")).args, {
    input: { platform_url: "https://cloud.ispdesk.id", code: "k7q4-9mzp", device_name: "PC kasir depan" },
  });
  await page.getByText("Terhubung ke platform sebagai Berkah Net (berkah).").waitFor();
  // The first sync sends everything, then the bar settles.
  await word(page).filter({ hasText: /perubahan menunggu|^Tersinkron/ }).waitFor();
  await word(page).filter({ hasText: /^Tersinkron/ }).waitFor();
  await page.getByTestId("platform-state").filter({ hasText: /^Tersinkron/ }).waitFor();
  assert.match(await page.getByTestId("pairing-info").textContent(), /https:\/\/cloud\.ispdesk\.id/);
  await screenshot(page, "platform-paired");

  // The code was single-use: after unpairing it no longer works.
  await page.getByRole("button", { name: "Putuskan dari platform" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Putuskan dari Berkah Net (berkah)?" }).waitFor();
  assert.match(await confirm.textContent(), /Semua data tetap tersimpan di komputer ini/);
  await screenshot(page, "platform-unpair-confirm");
  await confirm.getByRole("button", { name: "Ya, putuskan" }).click();
  await page.getByTestId("pairing-form").waitFor();
  await word(page).filter({ hasText: "Belum terhubung ke platform" }).waitFor();
  await page.getByLabel("Alamat platform").fill("https://cloud.ispdesk.id");
  await page.getByLabel("Kode penghubung").fill("K7Q4-9MZP");
  await page.getByRole("button", { name: "Hubungkan", exact: true }).click();
  await (await errorUnder(page, "Kode penghubung")).filter({ hasText: "Kode penghubung salah" }).waitFor();
  assertNoProblems(assert, page);
  await page.context().close();
});
