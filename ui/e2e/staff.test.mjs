// Staff management: add a cashier (after validation errors), disable it with confirmation.

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

async function openStaff(page) {
  await page.getByTestId("sidebar").getByRole("link", { name: "Staf" }).click();
  await page.getByTestId("staff-table").waitFor();
}

test("staff: add a cashier after fixing validation errors, then disable it with confirmation", async () => {
  const page = await harness.open({ kind: "ready", signedInAs: "owner" }, { waitFor: "[data-testid=dashboard-cards]" });
  await openStaff(page);
  const table = page.getByTestId("staff-table");
  assert.equal(await table.locator("tbody tr").count(), 6);
  // Last sign-in in the ISP's zone (WIB), not the PC's (London).
  assert.match(await table.locator("tr[data-username=budi]").textContent(), /23\/11\/2026 14:05/);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "staff");

  // `/` focuses the search box; typing filters the table.
  await page.keyboard.press("/");
  await page.keyboard.type("siti");
  assert.equal(await table.locator("tbody tr").count(), 1);
  await page.getByPlaceholder("Cari nama atau nama pengguna").fill("");

  await page.getByRole("button", { name: "Tambah staf" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nama lengkap").fill("Wati Suryani");
  await dialog.getByLabel("Nama pengguna").fill("siti");
  await dialog.getByLabel("Peran").selectOption("cashier");
  await dialog.getByLabel("Kata sandi awal").fill("kasir1");
  await dialog.getByLabel("Kata sandi awal").press("Enter");
  // The client refuses the short password, under its field, without calling the host.
  assert.equal(await (await errorUnder(dialog, "Kata sandi awal")).textContent(), "Kata sandi minimal 8 karakter.");
  assert.equal(await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "create_staff").length), 0);

  // The host refuses a username already in use: the message sits under the username.
  await dialog.getByLabel("Kata sandi awal").fill("Kasir2026");
  await dialog.getByRole("button", { name: "Tambah staf" }).click();
  const taken = await errorUnder(dialog, "Nama pengguna");
  await taken.waitFor();
  assert.match(await taken.textContent(), /sudah dipakai/);
  assert.equal(await dialog.getByLabel("Nama lengkap").inputValue(), "Wati Suryani", "a failed save keeps every value");
  assert.equal(await dialog.getByLabel("Kata sandi awal").inputValue(), "Kasir2026");
  await screenshot(page, "staff-add-errors");

  await dialog.getByLabel("Nama pengguna").fill("wati");
  await dialog.getByRole("button", { name: "Tambah staf" }).click();
  await dialog.waitFor({ state: "hidden" });
  const row = table.locator("tr[data-username=wati]");
  await row.waitFor();
  assert.match(await row.textContent(), /Wati Suryani.*wati.*Kasir.*Aktif.*Belum pernah/s);
  const call = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "create_staff").at(-1));
  assert.deepEqual(call.args, { input: { full_name: "Wati Suryani", username: "wati", role: "cashier", password: "Kasir2026" } });

  // Disabling asks first and names what happens.
  await row.getByRole("button", { name: "Nonaktifkan" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Nonaktifkan Wati Suryani?" }).waitFor();
  assert.match(await confirm.textContent(), /tidak bisa masuk lagi/);
  await screenshot(page, "staff-disable-confirm");
  // Esc closes without doing anything.
  await page.keyboard.press("Escape");
  await confirm.waitFor({ state: "hidden" });
  assert.match(await row.textContent(), /Aktif/);

  await row.getByRole("button", { name: "Nonaktifkan" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Nonaktifkan" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  await row.getByText("Nonaktif", { exact: true }).waitFor();
  assert.equal(await row.getByRole("button", { name: "Aktifkan" }).count(), 1);
  const toggle = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "set_staff_active").at(-1));
  assert.equal(toggle.args.input.active, false);
  assertNoProblems(assert, page);
  await page.context().close();
});

test("staff: an admin cannot make owners or touch the owner, and sees the host's refusals", async () => {
  const page = await harness.open({ kind: "ready", signedInAs: "admin" }, { waitFor: "[data-testid=dashboard-cards]" });
  await openStaff(page);
  const ownerRow = page.locator("tr[data-username=budi]");
  assert.equal(await ownerRow.getByRole("button").count(), 0);
  assert.match(await ownerRow.textContent(), /Hanya pemilik/);

  await page.getByRole("button", { name: "Tambah staf" }).click();
  const options = await page.getByRole("dialog").getByLabel("Peran").locator("option").allTextContents();
  assert.deepEqual(options, ["Admin", "Teknisi", "Kasir", "Reseller"]);
  await page.keyboard.press("Escape");

  // A refusal only the host can know (e.g. a role it will not grant) is shown in the dialog.
  await page.locator("tr[data-username=siti]").getByRole("button", { name: "Ubah peran" }).click();
  await page.getByRole("dialog").getByLabel("Peran").selectOption("technician");
  await page.evaluate(() =>
    window.__fake.failNext("change_staff_role", { code: "forbidden", params: { permission: "manage_staff" } }),
  );
  await page.getByRole("dialog").getByRole("button", { name: "Simpan" }).click();
  await page.getByRole("dialog").getByRole("alert").filter({ hasText: 'tidak punya hak "Kelola staf"' }).waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Simpan" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.match(await page.locator("tr[data-username=siti]").textContent(), /Teknisi/);
  assertNoProblems(assert, page);
  await page.context().close();
});

test("staff: one's own row cannot be disabled or re-roled, and the host's refusals are shown", async () => {
  const page = await harness.open({ kind: "ready", signedInAs: "owner" }, { waitFor: "[data-testid=dashboard-cards]" });
  await openStaff(page);
  const own = page.locator("tr[data-username=budi]");
  assert.equal(await own.getByRole("button").count(), 0);
  assert.match(await own.textContent(), /lewat menu akun/);

  // Refusals only the host can make (here: another window changed things) keep the dialog open.
  await page.locator("tr[data-username=andi]").getByRole("button", { name: "Ubah peran" }).click();
  await page.getByRole("dialog").getByLabel("Peran").selectOption("owner");
  await page.evaluate(() => window.__fake.failNext("change_staff_role", { code: "owner_only" }));
  await page.getByRole("dialog").getByRole("button", { name: "Simpan" }).click();
  await page.getByRole("dialog").getByRole("alert").filter({ hasText: "Hanya pemilik" }).waitFor();
  await screenshot(page, "staff-refused");
  await page.getByRole("dialog").getByRole("button", { name: "Simpan" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.match(await page.locator("tr[data-username=andi]").textContent(), /Pemilik/);
  assertNoProblems(assert, page);
  await page.context().close();
});
