// The HTML report (`check --format html`): golden outlines of its structure for a violating,
// a deadlocking and a clean scenario, a synthetic 60-step 6-process trace, escaping, and the
// CLI wiring. UPDATE_GOLDEN=1 rewrites test/golden/html-*.txt.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckResult, checkSource } from "../src/check.js";
import { Trace, TraceStep } from "../src/engine/trace.js";
import { renderHtml, renderHtmlDocument } from "../src/report/html.js";
import { describeChange, flagNamesFrom } from "../src/report/markup.js";
import { LAYOUT, laneWidth, sequenceDiagram } from "../src/report/sequence-diagram.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const FIXTURES = join(ROOT, "test/fixtures");
const GOLDEN = join(ROOT, "test/golden");

function fixture(name: string): { result: CheckResult; src: string } {
  const src = readFileSync(join(FIXTURES, name), "utf8");
  return { result: checkSource(src, `test/fixtures/${name}`), src };
}

function decode(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");
}

/** Text of a fragment: <title> tooltips dropped, <br> as " / ", tags stripped, entities decoded. */
function textOf(fragment: string): string {
  return decode(
    fragment
      .replace(/<title>[\s\S]*?<\/title>/g, "")
      .replace(/<br>/g, " / ")
      .replace(/<[^>]+>/g, "")
      .replace(/\s+/g, " ")
      .trim(),
  );
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? decode(m[1]) : null;
}

/** A normalised outline of the report's structure (no timings, no styling). */
function outline(html: string): string {
  const out: string[] = [];
  for (const sec of html.split(/<section /).slice(1)) {
    const body = sec.slice(0, sec.indexOf("</section>"));
    out.push(`section ${textOf(/<h2>([\s\S]*?)<\/h2>/.exec(body)![1])}`);
    for (const m of body.matchAll(/<p class="(message[^"]*|expectation[^"]*|condition|observation)">([\s\S]*?)<\/p>/g)) out.push(`  ${m[1].split(" ")[0]}: ${textOf(m[2])}`);
    for (const m of body.matchAll(/<pre class="error">([\s\S]*?)<\/pre>/g)) out.push(`  error: ${decode(m[1]).split("\n")[0]}`);
    for (const m of body.matchAll(/<h3>([\s\S]*?)<\/h3>/g)) out.push(`  h3 ${textOf(m[1])}`);
    for (const svg of body.matchAll(/<svg [^>]*>[\s\S]*?<\/svg>/g)) {
      const tag = /<svg [^>]*>/.exec(svg[0])![0];
      const heads = [...svg[0].matchAll(/<g class="lane-head" data-proc="([^"]*)"/g)].map((m) => m[1]);
      out.push(`  svg lanes=${attr(tag, "data-lanes")} rows=${attr(tag, "data-rows")} heads=${[...new Set(heads)].join(",")}`);
      for (const m of svg[0].matchAll(/<g class="(row [^"]*)" data-step="(\d+)" data-proc="([^"]*)">([\s\S]*?)<\/g>/g)) {
        const texts = [...m[4].matchAll(/<text class="([^"]*)"[^>]*>([\s\S]*?)<\/text>/g)].filter((t) => t[1] !== "stepno").map((t) => `${t[1]}=${textOf(t[2])}`);
        out.push(`    row ${m[2]} ${m[3]}${m[1].includes("violation") ? " VIOLATION" : ""}: ${texts.join(" | ")}`);
      }
      for (const m of svg[0].matchAll(/<g class="rf" data-step="([^"]*)">/g)) out.push(`    reads-from ${m[1].replace(" ", "->")}`);
      for (const v of svg[0].matchAll(/<g class="vrow ([^"]*)" data-step="([^"]*)">([\s\S]*?)<\/g>\n/g)) {
        out.push(`    ${v[1]} ${v[2]}: ${[...v[3].matchAll(/<text class="([^"]*)"[^>]*>([\s\S]*?)<\/text>/g)].map((t) => `${t[1]}=${textOf(t[2])}`).join(" | ")}`);
      }
    }
    for (const m of body.matchAll(/<tr class="(step[^"]*|vmsg)"[^>]*>([\s\S]*?)<\/tr>/g)) {
      const cells = [...m[2].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]));
      out.push(`  table ${m[1].includes("violation") || m[1] === "vmsg" ? "!" : " "} ${cells.join(" | ")}`);
    }
    for (const m of body.matchAll(/<tr class="final([^"]*)">([\s\S]*?)<\/tr>/g)) {
      out.push(`  final ${[...m[2].matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1])).join(" | ")}`);
    }
    const lines = [...body.matchAll(/<tr class="line([^"]*)" id="[^"]*-L(\d+)"[^>]*><td class="ln">\d+<\/td><td class="mk"[^>]*>([^<]*)<\/td><td class="code">([^<]*)<\/td>/g)];
    if (lines.length) out.push(`  source ${lines.length} lines`);
    for (const m of lines) if (m[1].trim()) out.push(`    L${m[2]} ${m[1].trim()} [${decode(m[3])}] ${decode(m[4]).trim()}`);
  }
  return out.join("\n") + "\n";
}

function golden(name: string, actual: string): void {
  const path = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    writeFileSync(path, actual);
    if (process.env.UPDATE_GOLDEN !== "1") assert.fail(`golden file ${name} was missing; written, check it and re-run`);
    return;
  }
  assert.equal(actual, readFileSync(path, "utf8"), `outline differs from test/golden/${name} (UPDATE_GOLDEN=1 rewrites it)`);
}

function assertStandalone(html: string): void {
  assert.match(html, /^<!DOCTYPE html>/);
  assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//, "no network references");
  assert.doesNotMatch(html, /@import|url\(\s*['"]?https?:/, "no external CSS");
  assert.equal(html.match(/<script>/g)?.length ?? 0, 1, "one inline script, ours");
}

test("html report: lost update (assert) outline matches the golden file", () => {
  const { result, src } = fixture("html-lost-update.litmus");
  assert.equal(result.verdict, "violation");
  const html = renderHtml(result, src);
  assertStandalone(html);
  const o = outline(html);
  // The essentials, independently of the golden file.
  assert.match(o, /svg lanes=2 rows=8 heads=P0,P1/);
  assert.match(o, /row 8 P1 VIOLATION: src=assert\(READ_ONCE\(page->_refcount\) == 0\)/);
  assert.match(o, /row 1 P0: src=set_bit\(PG_writeback, &page->flags\) \| eff=page\.flags: PG_writeback set/);
  assert.match(o, /L37 touched violation \[8\]/);
  assert.equal((o.match(/VIOLATION:/g) ?? []).length, 1, "exactly one highlighted row");
  golden("html-lost-update.txt", o);
});

test("html report: ABBA deadlock outline matches the golden file", () => {
  const { result, src } = fixture("html-abba.litmus");
  assert.equal(result.verdict, "violation");
  assert.equal(result.violation!.kind, "deadlock");
  const html = renderHtml(result, src);
  assertStandalone(html);
  const o = outline(html);
  assert.match(o, /brow blocked: blocked-text=blocked: spin_lock\(b\) \| blocked-text=blocked: spin_lock\(a\)\n\s+mrow blocked: vtext=✖ deadlock: P0, P1 blocked forever/);
  assert.match(o, /L15 violation \[✖\]/);
  assert.match(o, /L24 violation \[✖\]/);
  golden("html-abba.txt", o);
});

test("html report: clean run shows stats, observation and the final-state histogram", () => {
  const { result, src } = fixture("html-counter.litmus");
  assert.equal(result.verdict, "pass");
  const html = renderHtml(result, src);
  assertStandalone(html);
  assert.doesNotMatch(html, /<svg /, "no diagram for a clean run");
  assert.match(html, /<dl class="stats">.*states<\/dt><dd>\d+/);
  const o = outline(html);
  assert.match(o, /observation: Observation html-counter Sometimes 1 3/);
  assert.equal((o.match(/^ {2}final /gm) ?? []).length, result.finalStates.length);
  golden("html-counter.txt", o);
});

test("html report: an error result shows the formatted error and the line", () => {
  const src = "C bad\n{ x = 1; }\nP0(int *x) { WRITE_ONCE(*x, 1) < }\n";
  const result = checkSource(src, "bad.litmus");
  assert.equal(result.verdict, "error");
  const html = renderHtml(result, src);
  assertStandalone(html);
  assert.match(html, /<pre class="error">bad\.litmus:3:\d+: error: /);
  assert.match(html, /<tr class="line violation" id="r1-L3"/);
  assert.match(html, /WRITE_ONCE\(\*x, 1\) &lt; }/);
});

// ---- synthetic traces --------------------------------------------------------------------

function synthStep(i: number, nProcs: number): TraceStep {
  const proc = i % nProcs;
  const long = `folio_try_get_rcu_with_a_really_long_helper_name(folio, ${i}, &mapping->i_pages)`;
  const changes: TraceStep["changes"] = [];
  if (i % 3 === 0) changes.push({ location: `pages[${proc}]._refcount`, before: String(i), after: String(i + 1) });
  if (i % 7 === 0) changes.push({ location: `pages[${proc}].flags`, before: "0", after: String(1 << 3) });
  if (i % 11 === 0) changes.push({ location: `pages[${proc}].__ghost_freed`, before: "0", after: "1" });
  return {
    step: i + 1,
    proc,
    procName: `P${proc}`,
    site: { file: "prelude/linux/mm.h", line: 100 + i, col: 2, text: i % 2 ? long : `atomic_inc(&page->_refcount)` },
    calls: i % 4 === 0 ? [] : [{ file: "synth.litmus", line: 10 + proc, col: 2, text: `put_page(pages[${proc}]) /* step ${i + 1} */`, fn: "put_page" }],
    changes,
    reads: i % 5 === 0 ? [{ location: `pages[${(proc + 1) % nProcs}]._refcount`, value: String(i - 1) }] : [],
    violation: i === 59,
  };
}

function synthResult(nSteps: number, nProcs: number): CheckResult {
  const steps = Array.from({ length: nSteps }, (_, i) => synthStep(i, nProcs));
  const last = steps[steps.length - 1];
  const trace: Trace = { steps, violationSite: { ...last.site, calls: last.calls }, blocked: [] };
  return {
    file: "synth.litmus",
    name: "synth",
    verdict: "violation",
    // (built with an assertion so it compiles whether or not the result carries `shortest`)
    violation: { kind: "use-after-free", message: "access to pages[5]._refcount after it was freed", process: last.procName, shortest: true, trace } as NonNullable<CheckResult["violation"]>,
    warnings: [],
    mode: "strict",
    finalStates: [],
    stats: { states: 123456, transitions: 234567, depth: nSteps, completeDepth: nSteps - 1, seconds: 1.5, statesPerSecond: 82304, memoryBytes: 12 * 1048576, visitedBytesPerState: 10.7, visited: "fingerprint", collisionProbability: 4e-10, threads: 1 },
  };
}

test("html report: a 60-step 6-process trace has 6 lanes, 60 rows and sane dimensions", () => {
  const r = synthResult(60, 6);
  const html = renderHtml(r, "");
  assertStandalone(html);
  const svg = /<svg [^>]*>[\s\S]*?<\/svg>/.exec(html)![0];
  const tag = /<svg [^>]*>/.exec(svg)![0];
  assert.equal(attr(tag, "data-lanes"), "6");
  assert.equal(attr(tag, "data-rows"), "60");
  assert.equal(new Set([...svg.matchAll(/<g class="lane-head" data-proc="([^"]*)"/g)].map((m) => m[1])).size, 6);
  assert.equal(svg.match(/<line class="lane lifeline"/g)?.length, 6);
  assert.equal(svg.match(/<g class="row (odd|even)[^"]*" data-step=/g)?.length, 60);
  assert.deepEqual([...svg.matchAll(/<g class="row [^"]*violation[^"]*" data-step="(\d+)"/g)].map((m) => m[1]), ["60"]);
  // Dimensions: fixed lane width, constant row height; wide enough to need horizontal scrolling.
  const width = Number(attr(tag, "width"));
  const height = Number(attr(tag, "height"));
  assert.equal(width, LAYOUT.stepW + 6 * laneWidth(6) + LAYOUT.pad);
  assert.ok(width > 1200 && width < 2400, `width ${width}`);
  assert.ok(height >= 61 * LAYOUT.rowH && height < 62 * LAYOUT.rowH + 200, `height ${height}`);
  const ys = [...svg.matchAll(/<rect class="band[^"]*" data-step="\d+" x="0" y="(\d+(?:\.\d+)?)"/g)].map((m) => Number(m[1]));
  assert.equal(ys.length, 60);
  for (let i = 1; i < ys.length; i++) assert.equal(ys[i] - ys[i - 1], LAYOUT.rowH);
  assert.match(html, /<div class="diagram">/);
  assert.match(html, /\.diagram \{ overflow-x: auto;/);
  // Long source text: truncated with an ellipsis, full text in a <title> tooltip.
  const maxChars = Math.floor((laneWidth(6) - 24) / LAYOUT.charW);
  for (const m of svg.matchAll(/<text class="src"[^>]*>(?:<title>([^<]*)<\/title>)?([^<]*)<\/text>/g)) {
    const shown = decode(m[2]);
    assert.ok([...shown].length <= maxChars, `"${shown}" exceeds ${maxChars} chars`);
    if (m[1] !== undefined) {
      assert.ok(shown.endsWith("…"));
      assert.ok(decode(m[1]).startsWith(shown.slice(0, -1)));
    }
  }
  assert.match(svg, /<title>→ folio_try_get_rcu_with_a_really_long_helper_name\(folio, 1, &amp;mapping-&gt;i_pages\)<\/title>/);
  // Long traces repeat the lane names at the bottom.
  assert.match(svg, /<g class="head foot">/);
});

test("html report: flag words and ghost fields are described readably", () => {
  const names = flagNamesFrom("#define PG_locked 0\n#define PG_writeback 3\n  # define PG_dirty 4 // comment\n#define NOT_A_FLAG 5\n");
  assert.deepEqual([...names.entries()], [[0, "PG_locked"], [3, "PG_writeback"], [4, "PG_dirty"]]);
  assert.equal(describeChange({ location: "page.flags", before: "0", after: "8" }, names).text, "page.flags: PG_writeback set");
  assert.equal(describeChange({ location: "page.flags", before: "9", after: "24" }, names).text, "page.flags: PG_locked cleared, PG_dirty set");
  assert.equal(describeChange({ location: "page.flags", before: "0", after: "64" }, names).text, "page.flags: bit 6 set");
  assert.equal(describeChange({ location: "folio.__ghost_freed", before: "0", after: "1" }).text, "folio ghost:freed set");
  assert.equal(describeChange({ location: "page._refcount", before: "1", after: "0" }).text, "page._refcount 1→0");
  assert.equal(describeChange({ location: "page._refcount", before: "1", after: "0" }).raw, "page._refcount 1→0");
});

test("html report: everything is escaped", () => {
  const r = synthResult(3, 2);
  r.name = `<script>alert("name")</script>`;
  r.file = `dir/<b>&.litmus`;
  const st = r.violation!.trace.steps[0];
  st.site.text = `if (p->x < 3 && y > 2) q = "a" & 'b';`;
  st.calls = [{ file: r.file, line: 2, col: 1, text: `helper(&a<b>)`, fn: "helper" }];
  st.changes = [{ location: `x<y>`, before: `&amp;`, after: `"1"` }];
  r.violation!.message = `<img src=x onerror=alert(1)> & more`;
  r.violation!.kind = `k<i>nd`;
  const src = `C <x>\n{ }\nP0(int *x) { if (a->b < c && d > e) { } } // "quoted" & 'single'\n<script>alert(2)</script>\n`;
  const html = renderHtml(r, src);
  assertStandalone(html);
  assert.doesNotMatch(html, /<script>alert/);
  assert.doesNotMatch(html, /<img /);
  assert.doesNotMatch(html, /<b>&/);
  assert.doesNotMatch(html, /<i>nd/);
  assert.match(html, /&lt;script&gt;alert\(&quot;name&quot;\)&lt;\/script&gt;/);
  assert.match(html, /if \(p-&gt;x &lt; 3 &amp;&amp; y &gt; 2\) q = &quot;a&quot; &amp; &#39;b&#39;;/);
  assert.match(html, /a-&gt;b &lt; c &amp;&amp; d &gt; e/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt; &amp; more/);
  assert.match(html, /x&lt;y&gt; &amp;amp;→&quot;1&quot;/);
  // Every '<' in the document starts a real tag of ours.
  for (const m of html.matchAll(/<\/?([a-zA-Z!][\w-]*)/g)) {
    assert.ok(/^(!DOCTYPE|html|head|meta|title|style|body|section|h2|h3|span|p|dl|div|dt|dd|svg|defs|marker|path|g|rect|text|line|table|thead|tbody|tr|th|td|code|br|a|strong|details|summary|nav|script)$/.test(m[1]), `unexpected tag <${m[1]}>`);
  }
});

test("html report: several results make one document with a section each", () => {
  const a = fixture("html-abba.litmus");
  const c = fixture("html-counter.litmus");
  const html = renderHtmlDocument([
    { result: a.result, sourceText: a.src },
    { result: c.result, sourceText: c.src },
  ]);
  assertStandalone(html);
  assert.equal(html.match(/<section /g)?.length, 2);
  assert.equal(html.match(/<html/g)?.length, 1);
  assert.match(html, /<nav class="summary">/);
  assert.match(html, /href="#r2">html-counter</);
  // ids inside the SVGs (arrow markers) are unique per section
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length);
});

test("cli: check --format html -o writes one standalone report", () => {
  const dir = mkdtempSync(join(tmpdir(), "pageproof-html-"));
  const out = join(dir, "report.html");
  const cli = join(ROOT, "dist/src/cli/main.js");
  let code = 0;
  try {
    execFileSync(process.execPath, [cli, "check", "test/fixtures/html-lost-update.litmus", "test/fixtures/html-counter.litmus", "--format", "html", "-o", out], { cwd: ROOT, stdio: "pipe" });
  } catch (e) {
    code = (e as { status: number }).status;
  }
  assert.equal(code, 1, "a violation exits 1");
  const html = readFileSync(out, "utf8");
  assertStandalone(html);
  assert.equal(html.match(/<section /g)?.length, 2);
  assert.match(html, /<tr class="line touched violation" id="r1-L37"/);
  assert.match(html, /page\.flags: PG_writeback set/);
});

test("html report: the reductions, herd7 mode and a diy7 test's metadata are shown", () => {
  const src = readFileSync(join(FIXTURES, "herd7/diy7-mp-release-acquire.litmus"), "utf8");
  const html = renderHtml(checkSource(src, "diy7.litmus"), src);
  assert.match(html, /<p class="reductions">reductions: symmetry off: no two processes have the same code; partial-order reduction on<\/p>/);
  assert.match(html, /<p class="mode">mode herd7/);
  assert.match(html, /<p class="metadata">“PodWWOnceRelease RfeReleaseAcquire PodRRAcquireOnce FreOnceOnce”<br>Cycle=/);
  assert.match(html, /Generator=diy7 \(version 7\.57\+1\)<\/p>/);
});
