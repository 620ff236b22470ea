// End-to-end test of the web playground (web/) in a real headless Chromium: build the app
// (when web/dist is missing or older than its sources), serve web/dist from a tiny static
// server, pick the splice/tee scenario, check it in the page's worker and look for the
// verdict and the violating step in the sequence diagram. Skipped without /usr/bin/chromium.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";
import { dirname, extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const WEB = join(ROOT, "web");
const DIST = join(WEB, "dist");
const CHROMIUM = "/usr/bin/chromium";
const SCENARIO = "scenarios/2020-splice-thread/07a-splice-tee-v57.litmus";

function newest(dir: string, skip: (p: string) => boolean): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (skip(p)) continue;
    t = Math.max(t, e.isDirectory() ? newest(p, skip) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds web/dist with Vite unless it is there and newer than everything it is built from. */
function ensureBuilt(): void {
  const index = join(DIST, "index.html");
  const skip = (p: string) => p === DIST || p.endsWith("node_modules");
  const sources = Math.max(...["web", "src", "scenarios", "prelude"].map((d) => newest(join(ROOT, d), skip)));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "web", "--logLevel", "warn"], { cwd: ROOT, stdio: "inherit", timeout: 60_000 });
  assert.ok(existsSync(index), "vite build made no web/dist/index.html");
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".json": "application/json", ".wasm": "application/wasm" };

function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, "");
    let file = join(dir, rel || "index.html");
    if (!file.startsWith(dir) || !existsSync(file) || statSync(file).isDirectory()) file = join(dir, "index.html");
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

test("playground: check the splice/tee scenario in headless Chromium", { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (apt-get install -y chromium)`, timeout: 120_000 }, async () => {
  ensureBuilt();
  const { chromium } = await import("playwright-core");
  const server = await serve(DIST);
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    await page.goto(base);

    // The catalog is in the picker; choose the splice/tee scenario.
    await page.locator(`#picker option[value="${SCENARIO}"]`).waitFor({ state: "attached", timeout: 15_000 });
    await page.selectOption("#picker", SCENARIO);
    await page.locator(".cm-content", { hasText: "C splice-tee-v57" }).waitFor({ timeout: 10_000 });
    assert.match(page.url(), /#s=scenarios%2F2020-splice-thread%2F07a-splice-tee-v57\.litmus$/);

    // Check: the worker runs, the verdict and the diagram appear.
    await page.click("#check");
    await page.locator("#result[data-state=done]").waitFor({ timeout: 60_000 });
    assert.equal(await page.getAttribute("#result", "data-verdict"), "io-on-secure");
    assert.match(await page.locator("#result .badge").innerText(), /VIOLATION io-on-secure/);
    assert.match(await page.locator("#status").innerText(), /states\/s/);
    const violating = page.locator(".diagram svg.pp-seq g.row.violation");
    assert.equal(await violating.count(), 1, "one step of the diagram is marked as the violation");
    assert.match((await violating.getAttribute("data-proc")) ?? "", /^P\d+$/);
    assert.match(await page.locator(".diagram svg.pp-seq g.vrow.mrow").textContent() ?? "", /io-on-secure/);

    // Clicking the violating step highlights its scenario line in the editor.
    await violating.locator("rect.box").click();
    const marked = page.locator(".cm-line.cm-step-line");
    await marked.waitFor({ timeout: 5_000 });
    assert.match(await marked.innerText(), /splice_buffer_to_device/);

    // An edited scenario travels in the URL (#t=...) and comes back from it.
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\n// edited in the e2e test\n");
    await page.waitForFunction(() => location.hash.startsWith("#t="), undefined, { timeout: 5_000 });
    const shared = page.url();
    const page2 = await browser.newPage();
    page2.on("pageerror", (e) => errors.push(e.message));
    await page2.goto(shared);
    await page2.locator(".cm-content", { hasText: "edited in the e2e test" }).waitFor({ timeout: 10_000 });
    assert.equal(await page2.inputValue("#picker"), "__edited__");

    // An LKMM scenario (Model: lkmm) shows the execution graph, not interleavings.
    const LKMM = "scenarios/lkmm/01-put-page-void-dec.litmus";
    await page.selectOption("#picker", LKMM);
    await page.locator(".cm-content", { hasText: "C put-page-void-dec" }).waitFor({ timeout: 10_000 });
    await page.click("#check");
    await page.locator("#result[data-state=done]").waitFor({ timeout: 60_000 });
    await page.locator("#result .diagram svg.execution").waitFor({ timeout: 10_000 });
    assert.equal(await page.locator("#result svg.pp-seq").count(), 0, "no interleaving diagram under lkmm");
    assert.match(await page.locator("#result").innerText(), /An execution the LKMM allows/);

    assert.deepEqual(errors, [], "no uncaught errors in the page");
  } finally {
    await browser?.close();
    await new Promise((ok) => server.close(ok));
  }
});
