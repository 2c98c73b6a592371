// Signing in, the login throttle, the language switch, and the database error screen.

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { assertNoProblems, screenshot, startHarness } from "./harness.mjs";

let harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const LOGIN = "form:has(#form1-username), form:has([autocomplete=username])";

async function signIn(page, username, password) {
  await page.getByLabel("Nama pengguna").fill(username);
  await page.getByLabel("Kata sandi", { exact: true }).fill(password);
  await page.getByLabel("Kata sandi", { exact: true }).press("Enter");
}

test("login: wrong password, disabled account, then success lands on the dashboard", async () => {
  const page = await harness.open({ kind: "ready" }, { waitFor: LOGIN });
  assert.equal(await page.getByTestId("isp-name").textContent(), "Berkah Net");
  await screenshot(page, "login");

  await signIn(page, "budi", "salah12345");
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.match(await alert.textContent(), /Nama pengguna atau kata sandi salah/);
  assert.equal(await page.getByLabel("Nama pengguna").inputValue(), "budi", "the username is kept");

  await signIn(page, "dewi", "Warung2026");
  await page.getByRole("alert").filter({ hasText: "dinonaktifkan" }).waitFor();

  await signIn(page, "budi", "Warung2026");
  await page.locator("[data-testid=dashboard-cards]").waitFor();
  assert.equal(await page.getByTestId("revenue").textContent(), "Rp 12.450.000");
  assert.equal(await page.getByTestId("staff-name").textContent(), "Budi Santoso");
  const call = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "login").at(-1));
  assert.deepEqual(call.args, { input: { username: "budi", password: "Warung2026" } });
  await screenshot(page, "dashboard");
  // The host is told once that the first screen is drawn (its start-up measurement).
  assert.equal(await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "ui_ready").length), 1);
  assertNoProblems(assert, page);
  await page.context().close();
});

test("login: throttled after repeated failures shows the seconds and counts down", async () => {
  const page = await harness.open({ kind: "ready", throttleAfter: 3, throttleSeconds: 30, delayMs: 10 }, { waitFor: LOGIN });
  for (let i = 0; i < 3; i += 1) {
    await signIn(page, "siti", `keliru${i}abc`);
    await page.getByRole("alert").filter({ hasText: "salah" }).waitFor();
  }
  await signIn(page, "siti", "keliru9abc");
  const alert = page.getByRole("alert").filter({ hasText: "Terlalu banyak percobaan" });
  await alert.waitFor();
  assert.match(await alert.textContent(), /Tunggu (30|29) detik, lalu coba lagi/);
  const button = page.getByRole("button", { name: /Tunggu \d+ detik/ });
  assert.ok(await button.isDisabled(), "the button waits out the throttle");
  await screenshot(page, "login-throttled");
  const seconds = async () => Number((await alert.textContent()).match(/Tunggu (\d+) detik/)[1]);
  const first = await seconds();
  await page.waitForTimeout(1600);
  assert.ok((await seconds()) < first, "the seconds count down");
  assertNoProblems(assert, page);
  await page.context().close();
});

test("language: switch to English on the login screen, reload keeps it, switch back", async () => {
  const page = await harness.open({ kind: "ready" }, { waitFor: LOGIN });
  assert.equal(await page.getByRole("button", { name: "Masuk" }).count(), 1);
  await page.getByRole("button", { name: "English" }).click();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.equal(await page.getByLabel("Username").count(), 1);
  assert.equal(await page.getByLabel("Password", { exact: true }).count(), 1);
  assert.equal(await page.evaluate(() => localStorage.getItem("ispdesk.lang")), "en");
  assert.equal(await page.evaluate(() => document.documentElement.lang), "en");
  await screenshot(page, "login-en");

  await page.reload();
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "English" }).getAttribute("aria-pressed"), "true");

  // Errors come in the chosen language too.
  await page.getByLabel("Username").fill("budi");
  await page.getByLabel("Password", { exact: true }).fill("wrong12345");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong username or password" }).waitFor();

  await page.getByRole("button", { name: "Bahasa Indonesia" }).click();
  await page.getByRole("button", { name: "Masuk" }).waitFor();
  assert.equal(await page.getByLabel("Nama pengguna").count(), 1);
  assert.match(await page.getByRole("alert").textContent(), /Nama pengguna atau kata sandi salah/);
  assert.equal(await page.evaluate(() => localStorage.getItem("ispdesk.lang")), "id");
  assertNoProblems(assert, page);
  await page.context().close();
});

test("database error: a clear full-page screen with the file and what to do, and retry", async () => {
  const path = "C:\\Users\\Budi\\AppData\\Roaming\\ispdesk\\ispdesk.sqlite";
  const page = await harness.open({ kind: "db_error", dbError: "database_locked", dbPath: path }, { waitFor: "[data-testid=database-error]" });
  const screen = page.getByTestId("database-error");
  assert.match(await screen.textContent(), /Database sedang dipakai/);
  assert.match(await screen.textContent(), /Tutup jendela ispdesk lain/);
  assert.equal((await page.getByTestId("database-path").textContent()).trim(), path);
  assert.doesNotMatch(await screen.textContent(), /buat (database )?baru|kosong/i, "never offers an empty database");
  await screenshot(page, "database-error-locked");

  const before = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "app_status").length);
  await page.getByRole("button", { name: "Coba lagi" }).click();
  await page.waitForFunction((n) => window.__fake.calls.filter((c) => c.cmd === "app_status").length > n, before);
  await screen.waitFor();
  await page.context().close();

  const corrupt = await harness.open({ kind: "db_error", dbError: "database_corrupt" }, { waitFor: "[data-testid=database-error]" });
  assert.match(await corrupt.getByTestId("database-error").textContent(), /Database rusak.*cadangan/s);
  await screenshot(corrupt, "database-error-corrupt");
  await corrupt.context().close();

  const tooNew = await harness.open({ kind: "db_error", dbError: "database_too_new" }, { waitFor: "[data-testid=database-error]" });
  assert.match(await tooNew.getByTestId("database-error").textContent(), /Pasang versi ispdesk terbaru/);
  assertNoProblems(assert, tooNew);
  await tooNew.context().close();
});
