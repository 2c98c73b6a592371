// Shared by the e2e tests: the vite dev server (in-process, port 0) serving `e2e.html`, where
// the real app runs against the fake backend behind the mocked Tauri IPC, and Debian's
// chromium driven by playwright-core (no downloaded browsers).

import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { createServer } from "vite";

const ui = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SCREENSHOTS = path.resolve(ui, "..", "target", "ui-screenshots");

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function startHarness() {
  const server = await createServer({
    root: ui,
    configFile: path.join(ui, "vite.config.ts"),
    logLevel: "warn",
    // Scan the test entry and every source file, so no late dependency optimisation reloads
    // a page mid-test: screens loaded on first use (the router page) import icons nothing
    // else does, and vite's scan from the HTML entries does not reach them.
    optimizeDeps: { entries: ["index.html", "e2e.html", "src/**/*.svelte", "src/**/*.ts"] },
    server: { port: 0, strictPort: false, host: "127.0.0.1", hmr: false, watch: null },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (!address || typeof address === "string") throw new Error("vite did not listen on a TCP port");
  const base = `http://127.0.0.1:${address.port}`;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  await mkdir(SCREENSHOTS, { recursive: true });

  return {
    base,
    browser,
    server,
    /**
     * A fresh browser context (own localStorage) at 1366×768 with the app loaded against a
     * fake backend in `scenario`. The PC's zone is deliberately not the ISP's, so a date shown
     * in the PC's zone would be caught.
     */
    async open(scenario, { waitFor = null } = {}) {
      const context = await browser.newContext({
        viewport: { width: 1366, height: 768 },
        locale: "id-ID",
        timezoneId: "Europe/London",
      });
      const page = await context.newPage();
      const problems = [];
      page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() === "error") problems.push(`console.error: ${message.text()}`);
      });
      await page.addInitScript((s) => {
        window.__E2E_SCENARIO__ = s;
      }, scenario);
      await page.goto(`${base}/e2e.html`);
      if (waitFor) await page.locator(waitFor).first().waitFor();
      page.problems = problems;
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

/** Fails when the page threw or logged an error (rejected commands are expected, and not logged). */
export function assertNoProblems(assert, page) {
  assert.deepEqual(page.problems, [], "the page logged errors");
}

/** True when the page has no horizontal scrollbar anywhere at its current size. */
export async function hasNoHorizontalScroll(page) {
  return page.evaluate(() => {
    const scrollers = [document.documentElement, ...document.querySelectorAll("main, .table-wrap")];
    return scrollers.every((el) => el.scrollWidth <= el.clientWidth + 1);
  });
}

/** The message under the field labelled `label` (exact label text unless `exact` is false). */
export async function errorUnder(page, label, { exact = true } = {}) {
  const id = await page.getByLabel(label, { exact }).getAttribute("id");
  return page.locator(`[id="${id}-error"]`);
}
