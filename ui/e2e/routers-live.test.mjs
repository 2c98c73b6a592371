// Routers live (issue #5) in the desktop: a router's own page with the connection test and the
// TLS certificate question, health and traffic polled in the background, online users with
// disconnect, importing the router's accounts as customers, and api-mode provisioning.

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

/** Signed in as `role` on the router list, map tiles refused as on a PC without internet. */
async function routerList(scenario = {}, role = "owner") {
  const page = await harness.open({ kind: "ready", signedInAs: role, delayMs: 15, sync: "synced", ...scenario }, { waitFor: "[data-testid=dashboard-cards]" });
  await page.route("https://tile.openstreetmap.org/**", (route) => route.abort("internetdisconnected"));
  await page.getByTestId("sidebar").getByRole("link", { name: "Router", exact: true }).click();
  await page.getByTestId("router-table").waitFor();
  return page;
}

async function openRouter(page, name) {
  await page.getByTestId("router-table").getByRole("link", { name }).click();
  try {
    await page.getByTestId("router-name").filter({ hasText: name }).waitFor();
  } catch (error) {
    const seen = await page.evaluate(() => `${location.hash}: ${document.querySelector("main")?.innerText.slice(0, 300)}`);
    throw new Error(`the page of ${name} did not open (${seen})`, { cause: error });
  }
}

function assertNoProblemsButTiles(page) {
  page.problems = page.problems.filter((p) => !/Failed to load resource: net::ERR_INTERNET_DISCONNECTED/.test(p));
  assertNoProblems(assert, page);
}

const calls = (page, cmd) => page.evaluate((c) => window.__fake.calls.filter((x) => x.cmd === c), cmd);
const lastCall = async (page, cmd) => (await calls(page, cmd)).at(-1);
const routerId = (page, shortName) => page.evaluate((s) => window.__fake.subscribers.routers.find((r) => r.short_name === s).id, shortName);

test("router page: from the list, health and traffic polled in the background into a live chart", async () => {
  const page = await routerList();
  // The list shows the poller's link to each router.
  await page.getByTestId("router-link-pusat").filter({ hasText: "Online" }).waitFor();
  await page.getByTestId("router-link-sardono").filter({ hasText: "Offline" }).waitFor();

  await openRouter(page, "Router Pusat");
  const id = await routerId(page, "pusat");
  assert.equal(new URL(page.url()).hash, `#/routers/${id}`);
  await page.getByTestId("router-link").filter({ hasText: /^Online · sejak/ }).waitFor();
  const cards = page.getByTestId("health-cards");
  await cards.waitFor();
  assert.match(await page.getByTestId("health-cpu").textContent(), /CPU\s*\d+%/);
  assert.match(await page.getByTestId("health-memory").textContent(), /\d+%.*MB dari 1,0 GB/s);
  assert.match(await page.getByTestId("health-disk").textContent(), /93,8 MB dari 128 MB/);
  assert.match(await page.getByTestId("health-uptime").textContent(), /23 hari 4 jam.*7\.16\.2 \(stable\) · CCR2004-16G-2S\+/s);

  // Running interfaces, not the disabled one; the first running one is charted until another is picked.
  const rows = page.getByTestId("interface-table").locator("tbody tr");
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.interface)), ["ether1-wan", "ether2-pppoe", "bridge-hotspot", "ether4"]);
  // A connection's first reading has no rates yet; the chart fills as readings arrive.
  const chart = page.getByTestId("traffic-chart");
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=traffic-chart]")?.dataset.points) >= 6, null, { timeout: 30_000 });
  assert.match(await page.getByTestId("traffic-now").textContent(), /Masuk: \d+(,\d)? Mbps\s*Keluar: \d+(,\d)? Mbps/);
  assert.match(await chart.getAttribute("aria-label"), /^Lalu lintas ether1-wan: masuk .+bps, keluar .+bps$/);
  const polled = (await calls(page, "router_status")).length;
  assert.ok(polled >= 3, `router_status asked ${polled} times`);
  assert.deepEqual((await lastCall(page, "router_status")).args, { input: { id } });

  await rows.filter({ hasText: "ether2-pppoe" }).getByRole("button").click();
  await page.getByRole("heading", { name: /Lalu lintas\s*ether2-pppoe/ }).waitFor();
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "router-health");

  // Leaving the page stops the polling.
  await page.getByRole("link", { name: "Semua router" }).click();
  await page.getByTestId("router-table").waitFor();
  const stopped = (await calls(page, "router_status")).length;
  await page.waitForTimeout(4_000);
  assert.equal((await calls(page, "router_status")).length, stopped);
  assertNoProblemsButTiles(page);
  await page.context().close();
});

test("router page: test connection, a TLS certificate confirmed after comparing it, a changed one, an unreachable router", async () => {
  const page = await routerList();
  await openRouter(page, "Router Pusat");
  await page.getByRole("button", { name: "Tes koneksi" }).click();
  const result = page.getByTestId("test-result");
  await result.waitFor();
  assert.match(await result.textContent(), /Tersambung ke BERKAH-PUSAT\..*Identitas\s*BERKAH-PUSAT.*RouterOS\s*7\.16\.2 \(stable\).*Board\s*CCR2004-16G-2S\+ \(arm64\).*Uptime\s*23 hari 4 jam/s);
  await screenshot(page, "router-test");

  // api-ssl, first contact: the fingerprint to compare, nothing trusted on "not the same".
  await page.getByRole("link", { name: "Semua router" }).click();
  await openRouter(page, "Tower Sardonoharjo");
  const sardono = await routerId(page, "sardono");
  await page.getByTestId("router-link").filter({ hasText: /^Offline/ }).waitFor();
  assert.match(await page.getByTestId("router-offline").textContent(), /Sertifikat TLS router belum dikonfirmasi/);
  await page.getByRole("button", { name: "Tes koneksi" }).click();
  const dialog = page.getByTestId("certificate-dialog");
  await dialog.waitFor();
  await page.getByRole("heading", { name: "Konfirmasi sertifikat Tower Sardonoharjo" }).waitFor();
  assert.equal(
    (await page.getByTestId("certificate-fingerprint").innerText()).replace(/\s+/g, ""),
    "3F:A9:1C:07:D2:5B:88:E460:1A:BC:93:7E:0F:42:D619:C8:A3:55:EE:70:2B:94D1:6F:08:B7:C2:39:4A:E5",
  );
  await screenshot(page, "router-certificate");
  await dialog.getByRole("button", { name: "Tidak sama, batalkan" }).click();
  await dialog.waitFor({ state: "hidden" });
  assert.equal((await calls(page, "confirm_router_certificate")).length, 0);

  await page.getByRole("button", { name: "Tes koneksi" }).click();
  await dialog.getByRole("button", { name: "Sama, percayai sertifikat ini" }).click();
  await page.getByTestId("test-identity").filter({ hasText: "TWR-SARDONO" }).waitFor();
  assert.deepEqual((await lastCall(page, "confirm_router_certificate")).args, {
    input: { router_id: sardono, fingerprint: "3F:A9:1C:07:D2:5B:88:E4:60:1A:BC:93:7E:0F:42:D6:19:C8:A3:55:EE:70:2B:94:D1:6F:08:B7:C2:39:4A:E5" },
  });
  await page.getByText("Sertifikat Tower Sardonoharjo dipercaya. ispdesk menghubungkan ulang.").waitFor();
  await page.getByTestId("router-link").filter({ hasText: /^Online/ }).waitFor();
  await page.getByTestId("health-cards").waitFor();
  assertNoProblemsButTiles(page);
  await page.context().close();

  // A certificate that changed since it was confirmed: both shown, the warning first.
  const changed = await routerList({ certificateChanged: true });
  await openRouter(changed, "Tower Sardonoharjo");
  await changed.getByRole("button", { name: "Tes koneksi" }).click();
  await changed.getByRole("heading", { name: "Sertifikat Tower Sardonoharjo berubah" }).waitFor();
  const text = await changed.getByTestId("certificate-dialog").textContent();
  assert.match(text, /Jika tidak, jangan konfirmasi: mungkin ada pihak lain yang menyadap koneksi/);
  assert.match(text, /Sidik jari yang dikonfirmasi sebelumnya\s*0B:77:E1/);
  assert.match(text, /Sidik jari yang ditunjukkan router sekarang\s*3F:A9:1C/);
  await changed.keyboard.press("Escape");
  await changed.context().close();

  // A router that does not answer: the reason and what to check.
  const down = await routerList({ routersDown: ["pusat"] });
  await openRouter(down, "Router Pusat");
  await down.getByRole("button", { name: "Tes koneksi" }).click();
  const failure = down.getByTestId("test-failure");
  await failure.waitFor();
  assert.match(await failure.textContent(), /Tes koneksi gagal\..*Router di 192\.168\.88\.1:8728 tidak dapat dihubungi\. Pastikan router menyala/s);
  await down.context().close();
});

test("online users: per router, PPPoE and Hotspot tabs, disconnect after confirming, a session that already ended", async () => {
  const page = await routerList();
  await page.getByTestId("sidebar").getByRole("link", { name: "Pengguna online" }).click();
  const table = page.getByTestId("online-table");
  await table.waitFor();
  const pusat = await routerId(page, "pusat");
  assert.deepEqual((await lastCall(page, "router_online_users")).args, { input: { id: pusat } });
  const live = await page.evaluate((id) => {
    const sessions = window.__fake.live.routers.get(id).sessions;
    return { ppp: sessions.filter((s) => s.kind === "ppp").map((s) => s.name).sort(), hotspot: sessions.filter((s) => s.kind === "hotspot").length };
  }, pusat);
  assert.match(await page.getByRole("tab", { name: /PPPoE/ }).textContent(), new RegExp(`PPPoE\\s*${live.ppp.length}`));
  assert.deepEqual(await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.dataset.user)), live.ppp);
  const ahmad = table.locator("tr[data-user='ahmad.fauzi']");
  assert.match(await ahmad.textContent(), /ahmad\.fauzi.*10\.10\.\d+\.\d+.*4C:5E:0C:.*pppoe.*(hari|jam)/s);

  // Hotspot sessions carry bytes, shown readable.
  await page.getByRole("tab", { name: /Hotspot/ }).click();
  await table.locator("tr[data-user='rina']").waitFor();
  assert.equal(await table.locator("tbody tr").count(), live.hotspot);
  assert.match(await table.locator("tr[data-user='rina']").textContent(), /http-chap.*\d+(,\d)? (KB|MB|GB).*\d+(,\d)? (KB|MB|GB)/s);
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "online-users-hotspot");

  // Disconnect asks first, naming who and where; then the row is gone.
  await page.getByRole("tab", { name: /PPPoE/ }).click();
  await ahmad.getByRole("button", { name: "Putuskan" }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Putuskan ahmad.fauzi?" }).waitFor();
  assert.match(await confirm.textContent(), /Sesi ahmad\.fauzi \(10\.10\.\d+\.\d+\) di Router Pusat diakhiri sekarang\..*tangguhkan pelanggannya/s);
  await screenshot(page, "online-users-disconnect");
  await confirm.getByRole("button", { name: "Putuskan" }).click();
  await page.getByText("Sesi ahmad.fauzi diputus.").waitFor();
  await ahmad.waitFor({ state: "detached" });
  const call = await lastCall(page, "disconnect_router_session");
  assert.equal(call.args.input.router_id, pusat);
  assert.equal(call.args.input.session.kind, "ppp");
  assert.equal(call.args.input.session.name, "ahmad.fauzi");
  assert.match(call.args.input.session.id, /^\*[0-9A-F]+$/);
  assert.match(await page.getByRole("tab", { name: /PPPoE/ }).textContent(), new RegExp(`PPPoE\\s*${live.ppp.length - 1}`));

  // Someone logs off by themselves between the read and the click: nothing to do, and it says so.
  const other = live.ppp.find((n) => n !== "ahmad.fauzi");
  await page.evaluate((name) => window.__fake.live.endSession("pusat", name), other);
  await table.locator(`tr[data-user='${other}']`).getByRole("button", { name: "Putuskan" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Putuskan" }).click();
  await page.getByText(`Sesi ${other} sudah berakhir lebih dulu.`).waitFor();
  await table.locator(`tr[data-user='${other}']`).waitFor({ state: "detached" });

  // Another router, and the RADIUS accounting view of the same question.
  await page.getByTestId("online-routers").getByRole("button", { name: /RW 05 Minomartani/ }).click();
  await page.waitForFunction(() => location.hash.startsWith("#/online/"));
  assert.equal((await lastCall(page, "router_online_users")).args.input.id, await routerId(page, "rw05"));
  await page.getByTestId("online-routers").getByRole("button", { name: /Router Pusat/ }).click();
  await page.getByRole("button", { name: "Akuntansi RADIUS" }).click();
  await page.getByTestId("session-table").waitFor();
  assert.deepEqual((await lastCall(page, "accounting_sessions")).args, { query: { router_id: pusat, customer_id: null, online_only: true, page: 1, page_size: 50 } });
  assert.equal(await page.getByTestId("session-table").locator("tbody tr").filter({ hasNotText: "Online" }).count(), 0);
  await screenshot(page, "online-users-accounting");
  assertNoProblemsButTiles(page);
  await page.context().close();

  // A cashier may see who is online and disconnect, but not the routers' health.
  const cashier = await harness.open({ kind: "ready", signedInAs: "cashier", delayMs: 15 }, { waitFor: "[data-testid=dashboard-cards]" });
  await cashier.getByTestId("sidebar").getByRole("link", { name: "Pengguna online" }).click();
  await cashier.getByTestId("online-table").waitFor();
  assert.equal((await calls(cashier, "router_statuses")).length, 0);
  assertNoProblems(assert, cashier);
  await cashier.context().close();
});

test("router import: preview first, then every new account at once; a refused account blocks the import", async () => {
  const page = await routerList();
  await openRouter(page, "Router Pusat");
  await page.getByRole("tab", { name: "Impor pelanggan" }).click();
  assert.equal((await calls(page, "preview_router_import")).length, 0, "nothing read before asking");
  await page.getByRole("button", { name: "Baca akun dari router" }).click();
  const table = page.getByTestId("router-import-table");
  await table.waitFor();
  const count = async (key) => (await page.getByTestId(`import-count-${key}`).textContent()).replace(/\D+/g, "");
  assert.deepEqual([await count("read"), await count("new"), await count("existing"), await count("managed"), await count("rejected")], ["9", "6", "3", "0", "0"]);
  assert.match(await table.locator("tr[data-username='pak.rt05']").textContent(), /pak\.rt05.*Pak RT 05.*PPPoE.*pppoe-10m.*PPPoE 10 Mbps.*Aktif/s);
  assert.match(await table.locator("tr[data-username='masjid.alikhlas']").textContent(), /Ditangguhkan/);
  assert.match(await table.locator("tr[data-username='kos.melati1']").textContent(), /kos-5m.*Tanpa paket/s);
  assert.match(await page.getByTestId("router-import-unmatched").textContent(), /kos-5m \(PPPoE, 2 akun\).*hs-harian \(Hotspot, 1 akun\)/s);
  await page.getByText("3 akun dilewati karena nama penggunanya sudah dipakai pelanggan").click();
  await page.getByText("ahmad.fauzi, wahyu, dedi.k").waitFor();
  assert.equal((await calls(page, "import_router_customers")).length, 0, "nothing saved by the preview");
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "router-import-preview");

  await page.getByRole("button", { name: "Impor 6 pelanggan" }).click();
  await page.getByTestId("router-import-result").filter({ hasText: "6 pelanggan diimpor." }).waitFor();
  assert.deepEqual((await lastCall(page, "import_router_customers")).args, { input: { id: await routerId(page, "pusat") } });
  await page.getByRole("button", { name: "Lihat di Pelanggan" }).click();
  await page.getByTestId("customer-search").fill("warung.bu");
  await page.locator("tr[data-username='warung.bu.sri']").filter({ hasText: "PPPoE 20 Mbps" }).waitFor();

  // An api-mode router with an account whose name ispdesk cannot take.
  await page.getByTestId("sidebar").getByRole("link", { name: "Router", exact: true }).click();
  await openRouter(page, "RW 05 Minomartani");
  await page.getByRole("tab", { name: "Impor pelanggan" }).click();
  await page.getByRole("button", { name: "Baca akun dari router" }).click();
  const rejected = page.getByTestId("router-import-rejected");
  await rejected.waitFor();
  assert.match(await rejected.textContent(), /1 akun tidak bisa diimpor:.*pak haji — .*Perbaiki akun ini di router/s);
  assert.ok(await page.getByRole("button", { name: "Impor 1 pelanggan" }).isDisabled());
  await page.getByText("Impor belum bisa: ada akun yang ditolak.").waitFor();
  await screenshot(page, "router-import-rejected");
  assertNoProblemsButTiles(page);
  await page.context().close();
});

test("provisioning: the api-mode router's diff, taking over a blocking item, apply with one item refused", async () => {
  const page = await routerList();
  await openRouter(page, "Router Pusat");
  assert.equal(await page.getByRole("tab", { name: "Provisioning API" }).count(), 0, "a RADIUS router has no provisioning");
  await page.getByRole("link", { name: "Semua router" }).click();
  await openRouter(page, "RW 05 Minomartani");
  const rw05 = await routerId(page, "rw05");
  await page.getByRole("tab", { name: "Provisioning API" }).click();
  await page.getByTestId("provisioning-summary").waitFor();
  assert.deepEqual((await lastCall(page, "preview_router_provisioning")).args, { input: { router_id: rw05, adopt: [] } });

  const diff = await page.evaluate((id) => {
    const fake = window.__fake.live;
    const router = window.__fake.subscribers.routers.find((r) => r.id === id);
    return fake.diff(router, fake.routers.get(id), []);
  }, rw05);
  const count = async (key) => Number((await page.getByTestId(`diff-count-${key}`).textContent()).replace(/\D+/g, ""));
  assert.equal(await count("add"), diff.add.length);
  assert.equal(await count("change"), diff.change.length);
  assert.equal(await count("remove"), 1);
  assert.equal(await count("disconnect"), diff.disconnect.length);
  assert.equal(await count("unmanaged"), 3);
  assert.ok(diff.add.length >= 2 && diff.change.length >= 3);

  // What changes, field by field; a password only says that it changes.
  const changes = page.getByTestId("diff-change");
  assert.match(await changes.locator("li[data-name='pppoe-20m']").textContent(), /profil PPP.*rate-limit:\s*4M\/16M\s*5M\/20M/s);
  assert.match(await changes.textContent(), /password:\s*kata sandi diperbarui/);
  assert.doesNotMatch(await changes.textContent(), /lama-123/);
  assert.match(await changes.textContent(), /disabled:\s*no\s*yes/);
  assert.match(await page.getByTestId("diff-remove").textContent(), /ex\.pelanggan\s*PPP secret/);
  const unmanaged = page.getByTestId("diff-unmanaged");
  assert.match(await unmanaged.textContent(), /admin-noc.*default-encryption/s);
  const blocking = unmanaged.locator("li").filter({ hasText: "Menghalangi" });
  assert.equal(await blocking.count(), 1);
  const blocked = await blocking.getAttribute("data-name");
  assert.ok(await hasNoHorizontalScroll(page));
  await screenshot(page, "provisioning-diff");

  // Taking over the blocking secret: asked again with it adopted, it is now ispdesk's.
  await blocking.getByLabel("Ambil alih").click();
  await page.waitForFunction(() => window.__fake.calls.filter((c) => c.cmd === "preview_router_provisioning").at(-1).args.input.adopt.length === 1);
  assert.deepEqual((await lastCall(page, "preview_router_provisioning")).args.input.adopt, [{ kind: "ppp_secret", name: blocked }]);
  await page.getByTestId("diff-count-unmanaged").filter({ hasText: "2" }).waitFor();
  assert.match(await page.getByTestId("diff-adopted").textContent(), new RegExp(`Akan diambil alih ispdesk:\\s*${blocked.replace(".", "\\.")}`));

  // Apply: removals ask first; one item the router refuses does not stop the rest.
  await page.getByTestId("provisioning-apply").click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("heading", { name: "Terapkan perubahan ke RW 05 Minomartani?" }).waitFor();
  assert.match(await confirm.textContent(), /1 item akan dihapus dari router dan \d+ sesi diputus\..*ex\.pelanggan/s);
  await confirm.getByRole("button", { name: "Terapkan ke router" }).click();
  const report = page.getByTestId("provisioning-report");
  await report.waitFor();
  const applied = diff.add.length - 1 + diff.change.length + 1 + diff.disconnect.length;
  assert.match(await report.textContent(), new RegExp(`${applied} perubahan diterapkan; 1 ditolak router\\.`));
  assert.match(await report.textContent(), new RegExp(`Ditambah ${diff.add.length - 1}, diubah ${diff.change.length}, dihapus 1, sesi diputus ${diff.disconnect.length}\\.`));
  const failures = page.getByTestId("provisioning-failures");
  assert.equal(await failures.locator("tbody tr").count(), 1);
  assert.match(await failures.textContent(), /PPP secret\s*Tambah\s*Router: failure: could not add secret: item limit reached for this license level/);
  assert.deepEqual((await lastCall(page, "apply_router_provisioning")).args, { input: { router_id: rw05, adopt: [{ kind: "ppp_secret", name: blocked }] } });
  // Asked again after applying: only the refused item is left.
  await page.getByTestId("diff-count-add").filter({ hasText: "1" }).waitFor();
  assert.equal(await count("change"), 0);
  assert.equal(await count("remove"), 0);
  await screenshot(page, "provisioning-applied");
  assertNoProblemsButTiles(page);
  await page.context().close();
});
