// Two kernel models side by side (src/frontend/kernel.ts): prelude/v5.7 and prelude/v6.15,
// chosen by --kernel, else the scenario's `Kernel:` line, else the newest. Each catalog
// folder runs under its own model through catalog.test.ts; here: the choice itself, its
// errors, and the same question asked of both models.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource } from "../src/check.js";
import { DEFAULT_KERNEL, KERNELS } from "../src/frontend/kernel.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const cli = (...args: string[]) => {
  const p = spawnSync(process.execPath, ["dist/src/cli/main.js", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: p.status, stdout: p.stdout, stderr: p.stderr };
};

/** A double put of a page with one reference, in each model's own words. */
const DOUBLE_PUT: Record<string, string> = {
  "v5.7": "P0(struct page *page) {\n\tput_page(page);\n\tput_page(page);\n}\n",
  "v6.15": "P0(struct folio *page) {\n\tfolio_put(page);\n\tfolio_put(page);\n}\n",
};
const scenario = (kernelLine: string | null, body: string, type = "struct page") =>
  `C double-put\n(*${kernelLine ? ` ${kernelLine}` : ""}\n * Expect: use-after-free *)\n#include <linux/mm.h>\n{ ${type} page = { ._refcount = 1 }; }\n${body}`;

describe("choosing the model", () => {
  test("the newest model is the default, and the result says so", () => {
    assert.equal(DEFAULT_KERNEL, KERNELS[KERNELS.length - 1]);
    const r = checkSource(scenario(null, DOUBLE_PUT["v6.15"], "struct folio"), "d.litmus");
    assert.equal(r.verdict, "violation", r.error?.formatted);
    assert.equal(r.violation!.kind, "use-after-free");
    assert.deepEqual(r.kernel, { version: "v6.15", source: "default" });
    assert.ok(r.violation!.trace.steps.some((s) => s.site.file === "prelude/v6.15/linux/mm.h"));
  });

  test("a Kernel: line picks its model; the same bug is found in each model's own words", () => {
    for (const k of KERNELS) {
      const r = checkSource(scenario(`Kernel: ${k}`, DOUBLE_PUT[k], k === "v5.7" ? "struct page" : "struct folio"), "d.litmus");
      assert.equal(r.verdict, "violation", `${k}: ${r.error?.formatted}`);
      assert.equal(r.violation!.kind, "use-after-free");
      assert.deepEqual(r.kernel, { version: k, source: "scenario" });
    }
  });

  test("--kernel overrides the Kernel: line; the other model's types and functions are then unknown", () => {
    const src = scenario("Kernel: v5.7", DOUBLE_PUT["v5.7"]);
    const r = checkSource(src, "d.litmus", { kernel: "v6.15" });
    assert.equal(r.verdict, "error");
    assert.match(r.error!.message, /struct page has no field '_refcount'/); // v6.15's struct page only links to its folio
    const ok = checkSource(scenario("Kernel: v6.15", DOUBLE_PUT["v5.7"]), "d.litmus", { kernel: "v5.7" });
    assert.equal(ok.verdict, "violation", ok.error?.formatted);
    assert.deepEqual(ok.kernel, { version: "v5.7", source: "option" });
  });

  test("a scenario that includes no prelude header names no model", () => {
    const r = checkSource("C MP\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nP1(int *x) { int r0 = READ_ONCE(*x); }\nexists (1:r0=1)\n", "mp.litmus");
    assert.equal(r.kernel, undefined);
  });
});

describe("errors", () => {
  test("an unknown Kernel: version is an error at the version, listing the models", () => {
    const r = checkSource(scenario("Kernel: v4.19", DOUBLE_PUT["v5.7"]), "d.litmus");
    assert.equal(r.verdict, "error");
    assert.equal(r.error!.line, 2);
    assert.equal(r.error!.col, 12);
    assert.equal(r.error!.message, `unknown kernel model 'v4.19': pageproof ships ${KERNELS.join(" and ")}`);
  });

  test("the CLI: a bad Kernel: line exits 2 with file:line:col and a caret; a bad --kernel is a usage error", () => {
    const dir = mkdtempSync(join(tmpdir(), "pageproof-kernel-"));
    const f = join(dir, "d.litmus");
    writeFileSync(f, scenario("Kernel: v9.9", DOUBLE_PUT["v5.7"]));
    const bad = cli("check", f);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /d\.litmus:2:12: error: unknown kernel model 'v9\.9'/);
    assert.match(bad.stderr, /\n {11}\^/);
    const usage = cli("check", "--kernel", "v4.19", f);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--kernel is v5\.7 or v6\.15/);
  });

  test("the CLI: --kernel picks the model and the text report names it", () => {
    const dir = mkdtempSync(join(tmpdir(), "pageproof-kernel-"));
    const f = join(dir, "d.litmus");
    writeFileSync(f, scenario(null, DOUBLE_PUT["v5.7"]));
    const r = cli("check", "--kernel", "v5.7", f);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /kernel model v5\.7 \(--kernel\)/);
    const json = JSON.parse(cli("check", "--kernel=v5.7", "--format", "json", f).stdout);
    assert.deepEqual(json.kernel, { version: "v5.7", source: "option" });
  });
});
