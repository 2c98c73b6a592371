// The network screens: routers (list and Leaflet map, write-only secrets), IP pools, bandwidth
// profiles (the MikroTik rate-limit string, held to the Rust test vectors) and the per-router
// PPPoE & Hotspot profiles and servers.

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

/** Signed in as `role` on `screen`. Map tiles are refused, as on a PC without internet. */
async function openScreen(entry, waitFor, { role = "owner", ...scenario } = {}) {
  const page = await harness.open({ kind: "ready", signedInAs: role, delayMs: 15, ...scenario }, { waitFor: "[data-testid=dashboard-cards]" });
  await page.route("https://tile.openstreetmap.org/**", (route) => route.abort("internetdisconnected"));
  await page.getByTestId("sidebar").getByRole("link", { name: entry, exact: true }).click();
  await page.locator(waitFor).first().waitFor();
  return page;
}

/** The offline tiles are expected to fail; anything else the page logs is a problem. */
function assertNoProblemsButTiles(page) {
  page.problems = page.problems.filter((p) => !/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/.test(p));
  assertNoProblems(assert, page);
}

const lastCall = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c).at(-1), cmd);

// --- the rules, against crates/domain/src/{bandwidth,ip_pool,network,plan,router,customer}.rs --

test("rules: the UI's mirrors give the Rust test vectors", async () => {
  const bw = await harness.server.ssrLoadModule("/src/lib/network/bandwidth.ts");
  // bandwidth.rs parses_rates / formats_rates
  const rates = [
    ["128k", 128_000],
    ["10M", 10_000_000],
    ["1.5M", 1_500_000],
    ["1,5M", 1_500_000],
    [" 2G ", 2_000_000_000],
    ["2000000", 2_000_000],
    ["0.5k", 500],
    ["1.2345k", null],
    ["", null],
    ["M", null],
    ["ten", null],
    ["-5M", null],
    ["101G", null],
  ];
  for (const [text, bps] of rates) assert.equal(bw.parseRate(text), bps, `parseRate(${JSON.stringify(text)})`);
  for (const [bps, text] of [[128_000, "128k"], [10_000_000, "10M"], [1_500_000, "1500k"], [1_234, "1234"], [0, "0"]]) {
    assert.equal(bw.formatRate(bps), text);
    assert.equal(bw.parseRate(text), bps);
  }
  // bandwidth.rs rate_limit_strings: the worked examples of protocol-facts §2, from the form.
  const input = (rate_up, rate_down, rest = {}) => ({ ...bw.BLANK_BANDWIDTH, priority: "", name: "Paket 10M", rate_up, rate_down, ...rest });
  const limit = (i) => bw.rateLimit(bw.checkBandwidth(i).profile);
  assert.equal(limit(input("2M", "10M")), "2M/10M");
  const full = input("2M", "10M", {
    burst_up: "4M",
    burst_down: "15M",
    threshold_up: "1500k",
    threshold_down: "8M",
    burst_time_up: "8",
    burst_time_down: "8",
    priority: "5",
    limit_at_up: "1M",
    limit_at_down: "5M",
  });
  assert.equal(limit(full), "2M/10M 4M/15M 1500k/8M 8/8 5 1M/5M");
  assert.equal(limit(input("64k", "64k", { burst_up: "256k", burst_down: "256k" })), "64k/64k 256k/256k 64k/64k 1/1");
  assert.equal(limit(input("1M", "2M", { priority: "3" })), "1M/2M 0/0 0/0 0/0 3");
  // bandwidth.rs the_form_round_trips
  const profile = bw.checkBandwidth(input("2M", "10M", { burst_up: "4M", burst_down: "15M", priority: "5" })).profile;
  assert.deepEqual(bw.checkBandwidth(bw.bandwidthInput({ id: "x", ...profile })).profile, profile);
  // bandwidth.rs bad_profiles_say_what_is_wrong_where
  const codes = (i) => bw.checkBandwidth(i).errors.map((e) => [e.field, e.code]);
  assert.deepEqual(codes(input("", "lots")), [["rate_up", "required"], ["rate_down", "invalid_rate"]]);
  assert.deepEqual(codes(input("2M", "10M", { burst_up: "1M", burst_down: "20M", threshold_down: "12M", priority: "9", limit_at_up: "3M" })), [
    ["priority", "out_of_range"],
    ["burst_up", "burst_not_above_rate"],
    ["threshold_down", "threshold_above_rate"],
    ["limit_at_up", "limit_at_above_rate"],
  ]);
  assert.deepEqual(codes(input("2M", "10M", { burst_down: "20M" })), [["burst_up", "required"]]);

  const net = await harness.server.ssrLoadModule("/src/lib/network/rules.ts");
  // ip_pool.rs ranges
  for (const [text, size] of [
    ["10.0.0.2-10.0.0.254", 253],
    ["10.0.0.1", 1],
    ["10.0.2.0/24", 256],
    ["10.0.2.77/24", 256],
    [" 192.168.1.10 - 192.168.1.20 ", 11],
    ["10.0.0.9-10.0.0.2", null],
    ["10.0.0.300", null],
    ["10.0.0.0/33", null],
    ["pool1", null],
  ]) {
    const range = net.parseRange(text);
    assert.equal(range ? net.rangeSize(range) : null, size, `parseRange(${JSON.stringify(text)})`);
  }
  const pool = (name, ranges, others = []) => net.checkPool({ router_id: "r", name, ranges, pool_type: "pppoe" }, others);
  assert.equal(pool("pppoe-pool", "10.0.0.2-10.0.0.254, 10.0.1.10-10.0.1.20").size, 253 + 11);
  assert.deepEqual(pool("pppoe-pool", "10.0.0.2-10.0.0.254", [{ name: "hotspot-pool", ranges: "10.0.0.200-10.0.1.5" }]).errors, [
    { field: "ranges", code: "pool_overlap", params: { pool: "hotspot-pool" } },
  ]);
  assert.deepEqual(
    pool("my pool", "10.0.0.0/24,10.0.0.100").errors.map((e) => [e.field, e.code, e.params.range]),
    [["name", "invalid_choice", undefined], ["ranges", "invalid_ip_range", "10.0.0.100-10.0.0.100"]],
  );
  // router.rs addresses; network.rs durations
  for (const [address, ok] of [["192.168.88.1", true], ["10.8.0.0/24", true], ["router1.berkah.net", true], ["192.168.88.300", false], ["10.8.0.0/40", false], ["bad host", false], ["-x.net", false]]) {
    assert.equal(net.checkAddress("address", address) === null, ok, address);
  }
  for (const [text, seconds] of [["3600", 3600], ["1h", 3600], ["1d12h", 129_600], ["1w2d3h4m5s", 788_645], ["01:22:53", 4973], ["5x", null], ["1h30", null]]) {
    assert.equal(net.parseDuration(text), seconds, text);
    if (seconds !== null) assert.equal(net.parseDuration(net.formatDuration(seconds)), seconds);
  }
  assert.equal(net.normalizeAuthentication("MSCHAP2, pap"), "pap,mschap2");
  // plan.rs amounts and quotas
  const plans = await harness.server.ssrLoadModule("/src/lib/plans/rules.ts");
  for (const [text, amount] of [["150000", 150_000], ["150.000", 150_000], ["Rp 150.000", 150_000], ["0", 0], ["-5", null], ["150,50", null], ["", null]]) {
    assert.equal(plans.parseAmount(text), amount, text);
  }
  for (const [text, bytes] of [["10G", 10_000_000_000], ["10 GB", 10_000_000_000], ["10GiB", 10_737_418_240], ["1.5G", 1_500_000_000], ["500M", 500_000_000], ["4294967296", 4_294_967_296], ["lots", null]]) {
    assert.equal(plans.parseBytes(text), bytes, text);
  }
  // customer.rs usernames and passwords
  const customers = await harness.server.ssrLoadModule("/src/lib/customers/rules.ts");
  for (const [u, ok] of [["budi.santoso", true], ["0812345678@rw05", true], ["budi santoso", false], ["", false], ['bu"di', false]]) {
    assert.equal(customers.checkCustomerUsername("username", u) === null, ok, u);
  }
  for (const [p, ok] of [["1234", true], ["Rahasia#2026", true], ["abc", false], ["dua kata", false]]) {
    assert.equal(customers.checkCustomerPassword("password", p) === null, ok, p);
  }
});

// --- bandwidth ------------------------------------------------------------------------------

test("bandwidth: the table shows each rate-limit; create from the Rust vector, a field error, edit, delete and in_use", async () => {
  const page = await openScreen("Profil bandwidth", "[data-testid=bandwidth-table]");
  const table = page.getByTestId("bandwidth-table");
  assert.deepEqual(await table.getByTestId("rate-limit").allTextContents(), ["2M/10M", "5M/20M 0/0 0/0 0/0 5", "1M/3M 2M/6M 768k/2M 8/8"]);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "bandwidth");

  await page.getByRole("button", { name: "Tambah profil" }).click();
  const dialog = page.getByRole("dialog");
  assert.match(await dialog.textContent(), /Up = unggah pelanggan/);
  await dialog.getByLabel("Nama profil").fill("Paket 10M");
  await dialog.getByLabel("Unggah (up)").fill("2M");
  await dialog.getByLabel("Unduh (down)").fill("10M");
  await dialog.getByTestId("rate-limit-preview").filter({ hasText: /^2M\/10M$/ }).waitFor();
  await dialog.getByRole("button", { name: /Burst, prioritas/ }).click();
  const fields = {
    "Burst unggah": "1M",
    "Burst unduh": "15M",
    "Ambang unggah": "1500k",
    "Ambang unduh": "8M",
    "Waktu unggah (detik)": "8",
    "Waktu unduh (detik)": "8",
    "Dijamin unggah": "1M",
    "Dijamin unduh": "5M",
  };
  const field = (label) => dialog.getByLabel(label, { exact: true });
  for (const [label, value] of Object.entries(fields)) await field(label).fill(value);
  await dialog.getByLabel("Prioritas").fill("5");
  await dialog.getByRole("button", { name: "Tambah profil" }).click();
  // A burst below the normal rate, under its field, the rest kept.
  assert.equal(await (await errorUnder(dialog, "Burst unggah")).textContent(), "Burst harus lebih tinggi dari kecepatan normal (2M).");
  assert.equal(await field("Ambang unggah").inputValue(), "1500k");
  assert.equal(await page.evaluate(() => window.__fake.calls.filter((c) => c.cmd === "create_bandwidth_profile").length), 0);
  await screenshot(page, "bandwidth-errors");
  await field("Burst unggah").fill("4M");
  await dialog.getByTestId("rate-limit-preview").filter({ hasText: "2M/10M 4M/15M 1500k/8M 8/8 5 1M/5M" }).waitFor();
  await dialog.getByRole("button", { name: "Tambah profil" }).click();
  await dialog.waitFor({ state: "hidden" });
  const created = table.locator("tr[data-name='Paket 10M']");
  assert.equal(await created.getByTestId("rate-limit").textContent(), "2M/10M 4M/15M 1500k/8M 8/8 5 1M/5M");
  assert.deepEqual((await lastCall(page, "create_bandwidth_profile")).args.input.burst_up, "4M");

  // Edit: the form comes back as it was typed (burst section open), renamed.
  await created.getByRole("button", { name: "Ubah" }).click();
  const edit = page.getByRole("dialog");
  assert.equal(await edit.getByLabel("Burst unduh", { exact: true }).inputValue(), "15M");
  await edit.getByLabel("Nama profil").fill("Paket 10M Burst");
  await edit.getByLabel("Nama profil").press("Enter");
  await edit.waitFor({ state: "hidden" });
  await table.locator("tr[data-name='Paket 10M Burst']").waitFor();

  // Delete asks first; a profile plans still use is refused, naming them.
  await table.locator("tr[data-name='10 Mbps']").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByText("Masih dipakai oleh 1 paket layanan").waitFor();
  await page.keyboard.press("Escape");
  await table.locator("tr[data-name='Paket 10M Burst']").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("heading", { name: "Hapus profil Paket 10M Burst?" }).waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.equal(await table.locator("tr[data-name='Paket 10M Burst']").count(), 0);
  assertNoProblems(assert, page);
  await page.context().close();
});

// --- routers --------------------------------------------------------------------------------

test("routers: list and map offline, create with errors and a point picked on the map, secrets write-only on edit, delete", async () => {
  const page = await openScreen("Router", "[data-testid=router-table]");
  const table = page.getByTestId("router-table");
  assert.equal(await table.locator("tbody tr").count(), 3);
  // The markers of the two routers with a location; offline, a calm note instead of tiles.
  const map = page.getByTestId("router-map");
  await map.locator(".router-pin").nth(1).waitFor();
  assert.deepEqual((await map.locator(".router-pin-label").allTextContents()).sort(), ["pusat", "sardono"]);
  await page.getByTestId("map-offline").waitFor();
  assert.match(await page.getByTestId("map-summary").textContent(), /2 router di peta · 1 belum punya lokasi/);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "routers");

  await page.getByRole("button", { name: "Tambah router" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Nama router").fill("Tower Ngaglik");
  await dialog.getByLabel("Nama singkat").fill("pusat");
  await dialog.getByLabel("Alamat IP atau host").fill("bad host");
  await dialog.getByLabel("Rahasia RADIUS").fill("abc");
  assert.equal(await dialog.getByLabel("Port API").inputValue(), "8728");
  await dialog.getByLabel("API lewat TLS").check();
  assert.equal(await dialog.getByLabel("Port API").inputValue(), "8729", "TLS moves the port to 8729");
  await dialog.getByRole("button", { name: "Tambah router" }).click();
  assert.match(await (await errorUnder(dialog, "Nama singkat")).textContent(), /Sudah dipakai/);
  assert.match(await (await errorUnder(dialog, "Alamat IP atau host")).textContent(), /Alamat tidak valid/);
  assert.match(await (await errorUnder(dialog, "Rahasia RADIUS")).textContent(), /minimal 6/);
  assert.equal(await dialog.getByLabel("Nama router").inputValue(), "Tower Ngaglik");
  await screenshot(page, "routers-add-errors");

  await dialog.getByLabel("Nama singkat").fill("ngaglik");
  await dialog.getByLabel("Alamat IP atau host").fill("10.40.0.1");
  await dialog.getByLabel("Rahasia RADIUS").fill("Rahasia-Ngaglik-9");
  // Each provisioning mode says in one line what it does.
  await dialog.getByText("ispdesk menulis PPP secret").waitFor();
  // A click on the map picks the location.
  const pickMap = dialog.getByTestId("router-map");
  await pickMap.locator(".leaflet-container").waitFor();
  await pickMap.click({ position: { x: 120, y: 90 } });
  assert.match(await dialog.getByLabel("Lintang").inputValue(), /^-?\d+\.\d{6}$/);
  assert.match(await dialog.getByLabel("Bujur").inputValue(), /^-?\d+\.\d{6}$/);
  await dialog.getByRole("button", { name: "Tambah router" }).click();
  await dialog.waitFor({ state: "hidden" });
  const created = (await lastCall(page, "create_router")).args.input;
  assert.equal(created.api_port, "8729");
  assert.equal(created.api_tls, true);
  assert.equal(created.radius_secret, "Rahasia-Ngaglik-9");
  await table.locator("tr[data-short-name=ngaglik]").waitFor();
  await map.locator(".router-pin").nth(2).waitFor();

  // Edit: secrets are never shown; empty keeps them, and a badge says one is saved.
  await table.locator("tr[data-short-name=pusat]").getByRole("button", { name: "Ubah" }).click();
  const edit = page.getByRole("dialog");
  await edit.getByRole("heading", { name: "Ubah router Router Pusat" }).waitFor();
  assert.equal(await edit.getByLabel("Rahasia RADIUS").inputValue(), "");
  assert.equal(await edit.getByLabel("Sandi API").inputValue(), "");
  assert.equal(await edit.getByText("Tersimpan", { exact: true }).count(), 2);
  assert.equal(await edit.getByText("Kosongkan untuk tetap memakai yang tersimpan.").count(), 2);
  await edit.locator(".leaflet-container").waitFor();
  await screenshot(page, "routers-edit");
  await edit.getByLabel("Nama router").fill("Router Pusat Ngaglik");
  await edit.getByRole("button", { name: "Simpan" }).click();
  await edit.waitFor({ state: "hidden" });
  const updated = (await lastCall(page, "update_router")).args.input;
  assert.equal(updated.input.radius_secret, "");
  assert.equal(updated.input.api_password, "");
  await table.getByText("Router Pusat Ngaglik").waitFor();

  // Delete names what goes along; a router with customers is refused.
  await table.locator("tr[data-short-name=pusat]").getByRole("button", { name: "Hapus" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByTestId("delete-along").waitFor();
  assert.match(await confirm.getByTestId("delete-along").textContent(), /2 kolam IP.*2 profil PPPoE.*1 server PPPoE.*1 profil hotspot.*1 server hotspot/s);
  await screenshot(page, "routers-delete-confirm");
  await confirm.getByRole("button", { name: "Hapus" }).click();
  await confirm.getByText(/Masih dipakai oleh \d+ pelanggan/).waitFor();
  await page.keyboard.press("Escape");
  await table.locator("tr[data-short-name=ngaglik]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.equal(await table.locator("tr[data-short-name=ngaglik]").count(), 0);
  assertNoProblemsButTiles(page);
  await page.context().close();
});

test("routers: a new ISP sees what to do next", async () => {
  const page = await openScreen("Router", "main h1", { emptyDashboard: true });
  await page.getByText("Belum ada router").waitFor();
  assert.match(await page.locator("main").textContent(), /Tambahkan router pertama Anda/);
  await screenshot(page, "routers-empty");
  assertNoProblems(assert, page);
  await page.context().close();
});

// --- IP pools -------------------------------------------------------------------------------

test("ip pools: sizes, a router filter, an overlap naming the other pool, edit and delete", async () => {
  const page = await openScreen("Kolam IP", "[data-testid=pool-table]");
  const table = page.getByTestId("pool-table");
  assert.equal(await table.locator("tbody tr").count(), 3);
  assert.match(await table.locator("tr[data-name=pool-pppoe]").textContent(), /Router Pusat.*10\.10\.0\.2-10\.10\.3\.254.*1\.021/s);
  await page.getByLabel("Router", { exact: true }).selectOption({ label: "Tower Sardonoharjo" });
  assert.equal(await table.locator("tbody tr").count(), 1);
  await page.getByLabel("Router", { exact: true }).selectOption({ label: "Router Pusat" });
  assert.equal(await table.locator("tbody tr").count(), 2);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "pools");

  await page.getByRole("button", { name: "Tambah kolam IP" }).click();
  const dialog = page.getByRole("dialog");
  assert.equal(await dialog.getByLabel("Router").inputValue(), await page.evaluate(() => window.__fake.subscribers.routers[0].id));
  await dialog.getByLabel("Nama kolam").fill("pool-baru");
  await dialog.getByLabel("Rentang IP").fill("10.10.3.200-10.10.4.10");
  await dialog.getByRole("button", { name: "Tambah kolam IP" }).click();
  assert.equal(await (await errorUnder(dialog, "Rentang IP")).textContent(), "Rentang ini bertabrakan dengan pool pool-pppoe di router yang sama.");
  assert.equal(await dialog.getByLabel("Nama kolam").inputValue(), "pool-baru");
  await screenshot(page, "pools-overlap");
  // The host says the same when it is the one to notice.
  await dialog.getByLabel("Rentang IP").fill("10.12.0.0/24\n10.12.1.1");
  await dialog.getByTestId("pool-size").filter({ hasText: "257" }).waitFor();
  await page.evaluate(() =>
    window.__fake.failNext("create_pool", { code: "validation", fields: [{ field: "ranges", code: "pool_overlap", params: { pool: "pool-lain" } }] }),
  );
  await dialog.getByRole("button", { name: "Tambah kolam IP" }).click();
  await (await errorUnder(dialog, "Rentang IP")).filter({ hasText: "pool pool-lain" }).waitFor();
  await dialog.getByRole("button", { name: "Tambah kolam IP" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.match(await table.locator("tr[data-name=pool-baru]").textContent(), /10\.12\.0\.0-10\.12\.0\.255.*10\.12\.1\.1-10\.12\.1\.1.*257/s);

  await table.locator("tr[data-name=pool-baru]").getByRole("button", { name: "Ubah" }).click();
  const edit = page.getByRole("dialog");
  assert.ok(await edit.getByLabel("Router").isDisabled(), "a pool stays on its router");
  await edit.getByLabel("Nama kolam").fill("pool-rw07");
  await edit.getByRole("button", { name: "Simpan" }).click();
  await edit.waitFor({ state: "hidden" });
  await table.locator("tr[data-name=pool-rw07]").waitFor();

  await table.locator("tr[data-name=pool-pppoe]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByText("Masih dipakai oleh 2 profil PPPoE").waitFor();
  await page.keyboard.press("Escape");
  await table.locator("tr[data-name=pool-rw07]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("heading", { name: "Hapus kolam pool-rw07?" }).waitFor();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.equal(await table.locator("tr[data-name=pool-rw07]").count(), 0);
  assertNoProblems(assert, page);
  await page.context().close();
});

// --- PPPoE & Hotspot ------------------------------------------------------------------------

test("pppoe & hotspot: four sections per router; create, edit, a field error, delete and in_use", async () => {
  const page = await openScreen("PPPoE & Hotspot", "[data-testid=pppoe-profiles]", { role: "technician" });
  for (const id of ["pppoe-profiles", "pppoe-servers", "hotspot-profiles", "hotspot-servers"]) await page.getByTestId(id).waitFor();
  assert.match(await page.getByTestId("pppoe-profile-table").textContent(), /pppoe-10m.*pool-pppoe.*2M\/10M.*10\.10\.0\.1/s);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "pppoe-hotspot");

  // A PPPoE profile: a name RouterOS refuses, then a good one.
  await page.getByTestId("pppoe-profiles").getByRole("button", { name: "Tambah" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("heading", { name: "Tambah profil PPPoE" }).waitFor();
  await dialog.getByLabel("Nama profil").fill("pppoe 50m");
  await dialog.getByLabel("Kolam IP").selectOption({ label: "pool-pppoe (1021)" });
  await dialog.getByLabel("Profil bandwidth").selectOption({ label: "20 Mbps (5M/20M)" });
  await dialog.getByLabel("Server DNS", { exact: false }).fill("8.8.8.8, 1.1.1.1, 9.9.9.9");
  await dialog.getByLabel("Batas sesi", { exact: false }).fill("1d");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  assert.match(await (await errorUnder(dialog, "Nama profil")).textContent(), /Yang boleh: a-z 0-9 \. _ -/);
  assert.match(await (await errorUnder(dialog, "Server DNS", { exact: false })).textContent(), /Alamat tidak valid/);
  assert.equal(await dialog.getByLabel("Batas sesi", { exact: false }).inputValue(), "1d");
  await screenshot(page, "pppoe-hotspot-errors");
  await dialog.getByLabel("Nama profil").fill("pppoe-50m");
  await dialog.getByLabel("Server DNS", { exact: false }).fill("8.8.8.8,1.1.1.1");
  await dialog.getByRole("button", { name: "Simpan" }).click();
  await dialog.waitFor({ state: "hidden" });
  const saved = (await lastCall(page, "save_pppoe_profile")).args.input;
  assert.equal(saved.id, null);
  assert.equal(saved.input.session_timeout, "1d");
  await page.getByTestId("pppoe-profile-table").locator("tr[data-name=pppoe-50m]").waitFor();

  // Edit it; the id goes with the save.
  await page.getByTestId("pppoe-profile-table").locator("tr[data-name=pppoe-50m]").getByRole("button", { name: "Ubah" }).click();
  const edit = page.getByRole("dialog");
  assert.equal(await edit.getByLabel("Batas sesi", { exact: false }).inputValue(), "1d");
  await edit.getByLabel("Alamat lokal", { exact: false }).fill("10.10.0.1");
  await edit.getByRole("button", { name: "Simpan" }).click();
  await edit.waitFor({ state: "hidden" });
  assert.notEqual((await lastCall(page, "save_pppoe_profile")).args.input.id, null);

  // A hotspot server on the router's pool and profile.
  await page.getByTestId("hotspot-servers").getByRole("button", { name: "Tambah" }).click();
  const server = page.getByRole("dialog");
  await server.getByLabel("Nama server").fill("hotspot2");
  await server.getByLabel("Interface").fill("wlan1");
  await server.getByLabel("Profil", { exact: true }).selectOption({ label: "hs-harian" });
  await server.getByRole("button", { name: "Simpan" }).click();
  await server.waitFor({ state: "hidden" });
  await page.getByTestId("hotspot-server-table").locator("tr[data-name=hotspot2]").waitFor();

  // A profile a server uses cannot go; the server can.
  await page.getByTestId("hotspot-profile-table").locator("tr[data-name=hs-harian]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByText("Masih dipakai oleh 2 server hotspot").waitFor();
  await page.keyboard.press("Escape");
  await page.getByTestId("hotspot-server-table").locator("tr[data-name=hotspot2]").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Hapus" }).click();
  await page.getByRole("dialog").waitFor({ state: "hidden" });
  assert.deepEqual((await lastCall(page, "delete_network_item")).args.input.kind, "hotspot_server");
  assert.equal(await page.getByTestId("hotspot-server-table").locator("tr[data-name=hotspot2]").count(), 0);

  // Another router has its own (here: none yet, with what to do).
  await page.getByLabel("Router", { exact: true }).selectOption({ label: "Tower Sardonoharjo (sardono)" });
  await page.getByTestId("pppoe-profiles").getByText("Belum ada profil PPPoE di router ini").waitFor();
  assert.deepEqual((await lastCall(page, "list_pppoe_profiles")).args.query, {
    router_id: await page.evaluate(() => window.__fake.subscribers.routers.find((r) => r.short_name === "sardono").id),
  });
  assertNoProblems(assert, page);
  await page.context().close();
});
