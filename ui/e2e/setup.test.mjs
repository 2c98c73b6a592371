// First run: the wizard creates the ISP profile and the owner, and lands on the dashboard.

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

async function fillCompany(page) {
  await page.getByLabel("Nama usaha").fill("Berkah Net");
  await page.getByLabel("Alamat").fill("Jl. Kaliurang Km 9, Ngaglik, Sleman");
  await page.getByLabel("Nomor telepon / WhatsApp").fill("0812-3456-7890");
}

async function fillOwner(page, password) {
  await page.getByLabel("Nama lengkap").fill("Budi Santoso");
  await page.getByLabel("Nama pengguna").fill("budi");
  await page.getByLabel("Kata sandi", { exact: true }).fill(password);
  await page.getByLabel("Ulangi kata sandi").fill(password);
}

test("wizard: fresh start, both steps, lands on the dashboard", async () => {
  const page = await harness.open({ kind: "fresh" }, { waitFor: "[data-testid=setup-step-1]" });
  await screenshot(page, "wizard-step1");
  assert.equal(await page.getByLabel("Zona waktu").inputValue(), "Asia/Jakarta");
  assert.equal(await page.getByLabel("Mata uang").inputValue(), "IDR");
  const firstZones = await page.locator("#" + (await page.getByLabel("Zona waktu").getAttribute("id")) + " option").evaluateAll((o) =>
    o.slice(0, 3).map((x) => x.value),
  );
  assert.deepEqual(firstZones, ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]);

  // Step 1 refuses to go on without a name, and says so under the field.
  await page.getByRole("button", { name: "Lanjut" }).click();
  assert.equal(await (await errorUnder(page, "Nama usaha")).textContent(), "Wajib diisi.");
  await fillCompany(page);
  await page.getByLabel("Nomor telepon / WhatsApp").press("Enter"); // Enter submits
  await page.locator("[data-testid=setup-step-2]").waitFor();

  // A weak password is refused with the reason under the field.
  await fillOwner(page, "rahasiasekali");
  await page.getByRole("button", { name: "Selesai dan masuk" }).click();
  assert.equal(await (await errorUnder(page, "Kata sandi")).textContent(), "Kata sandi harus berisi huruf dan angka.");
  await fillOwner(page, "budi2026x");
  assert.equal(await (await errorUnder(page, "Kata sandi")).textContent(), "Kata sandi tidak boleh memuat nama pengguna.");
  await page.getByLabel("Ulangi kata sandi").fill("something else 1");
  assert.match(await (await errorUnder(page, "Ulangi kata sandi")).textContent(), /Kata sandi tidak sama/);

  // One only the host knows (a well-known password) lands under the same field.
  await fillOwner(page, "password123");
  await page.getByRole("button", { name: "Selesai dan masuk" }).click();
  const tooCommon = await errorUnder(page, "Kata sandi");
  await tooCommon.waitFor();
  assert.match(await tooCommon.textContent(), /terlalu umum/);
  await screenshot(page, "wizard-step2-errors");

  await fillOwner(page, "Warung2026");
  await page.getByLabel("Ulangi kata sandi").press("Enter");
  await page.locator("[data-testid=dashboard-cards]").waitFor();
  assert.equal(await page.getByTestId("isp-name").textContent(), "Berkah Net");
  assert.equal(await page.getByTestId("staff-name").textContent(), "Budi Santoso");
  await page.getByTestId("first-steps").waitFor();
  assert.equal(await page.getByTestId("revenue").textContent(), "Rp 0");
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "dashboard-first-run");

  // The contract's argument object, exactly.
  const call = await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "complete_setup").at(-1));
  assert.deepEqual(call.args, {
    input: {
      company: {
        name: "Berkah Net",
        address: "Jl. Kaliurang Km 9, Ngaglik, Sleman",
        phone: "0812-3456-7890",
        time_zone: "Asia/Jakarta",
        currency: "IDR",
      },
      owner: { username: "budi", full_name: "Budi Santoso", password: "Warung2026" },
    },
  });
  assertNoProblems(assert, page);
  await page.context().close();
});

test("wizard: a server field error on step 1 goes back to step 1 with everything kept", async () => {
  const page = await harness.open({ kind: "fresh" }, { waitFor: "[data-testid=setup-step-1]" });
  await fillCompany(page);
  await page.getByLabel("Zona waktu").selectOption("Asia/Makassar");
  await page.getByRole("button", { name: "Lanjut" }).click();
  await fillOwner(page, "Warung2026");
  await page.evaluate(() =>
    window.__fake.failNext("complete_setup", {
      code: "validation",
      fields: [{ field: "phone", code: "invalid_phone", params: {} }],
    }),
  );
  await page.getByRole("button", { name: "Selesai dan masuk" }).click();

  await page.locator("[data-testid=setup-step-1]").waitFor();
  const phoneError = await errorUnder(page, "Nomor telepon / WhatsApp", { exact: false });
  assert.match(await phoneError.textContent(), /Nomor telepon tidak valid/);
  assert.equal(await page.getByLabel("Nama usaha").inputValue(), "Berkah Net");
  assert.equal(await page.getByLabel("Nomor telepon / WhatsApp").inputValue(), "0812-3456-7890");
  assert.equal(await page.getByLabel("Zona waktu").inputValue(), "Asia/Makassar");
  await screenshot(page, "wizard-step1-server-error");

  // Changing the value clears the host's message; step 2 still has what was typed.
  await page.getByLabel("Nomor telepon / WhatsApp").fill("0274-889-123");
  assert.equal(await phoneError.count(), 0);
  await page.getByRole("button", { name: "Lanjut" }).click();
  assert.equal(await page.getByLabel("Nama pengguna").inputValue(), "budi");
  assert.equal(await page.getByLabel("Kata sandi", { exact: true }).inputValue(), "Warung2026");
  await page.getByRole("button", { name: "Selesai dan masuk" }).click();
  await page.locator("[data-testid=dashboard-cards]").waitFor();
  assertNoProblems(assert, page);
  await page.context().close();
});
