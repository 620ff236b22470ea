// Keeps docs/scenarios.md true to the catalog: `npm run docs:scenarios` re-runs every scenario
// and rewrites, in place, what the tool printed - each "**Verdict:** ... — N states" line, each
// ```text trace block, and the states column of the summary tables - and appends a section
// (the header comment, the verdict, the trace of a violation) for a scenario the document does
// not have yet, under its folder's heading. The prose around them is written by hand.
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkFile, formatText } from "../dist/src/index.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = join(ROOT, "docs/scenarios.md");
process.chdir(ROOT);

const dirs = readdirSync("scenarios", { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const results = new Map(); // "dir/stem" -> { r, file }
for (const d of dirs) {
  for (const f of readdirSync(join("scenarios", d)).filter((f) => f.endsWith(".litmus")).sort()) {
    const file = `scenarios/${d}/${f}`;
    const t0 = process.hrtime.bigint();
    const r = checkFile(file);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    results.set(`${d}/${basename(f, ".litmus")}`, { r, file, seconds });
  }
}

/** The report as the document shows it: the tool's text without the statistics line. */
const trace = (r) => formatText(r, { color: false }).split("\n").filter((l, i) => i !== 1).join("\n");
const found = (r) => r.violation?.kind ?? (r.verdict === "pass" ? "clean" : r.verdict);
/** The scenario's header comment without its Kernel:/Expect:/Result: lines. */
function prose(file) {
  const text = readFileSync(file, "utf8");
  const m = /\(\*([\s\S]*?)\*\)/.exec(text);
  if (!m) return "";
  return m[1]
    .split("\n")
    .map((l) => l.replace(/^\s*\*\s?/, "").trimEnd())
    .filter((l) => !/^(Kernel|Expect|Result):/.test(l))
    .join("\n")
    .trim();
}
function section(key) {
  const { r, file } = results.get(key);
  const obs = r.observation ? ` (final condition: ${r.observation.result})` : "";
  const out = [`### ${basename(file)}`, "", prose(file), "", `**Verdict:** ${found(r)}${obs} — ${r.stats.states} states, expectation ${r.expectation?.met ? "met" : "NOT met"}.`, ""];
  if (r.violation) out.push("```text", trace(r), "```", "");
  return out.join("\n");
}

let lines = readFileSync(DOC, "utf8").split("\n");
let dir = null;
let key = null;
const seen = new Set();
for (let i = 0; i < lines.length; i++) {
  const l = lines[i];
  const h2 = /^## scenarios\/([^/]+)\/$/.exec(l);
  if (h2) dir = h2[1];
  const h3 = /^### (.+)\.litmus$/.exec(l);
  if (h3 && dir) key = `${dir}/${h3[1]}`;
  const res = key ? results.get(key) : undefined;
  if (h3 && res) seen.add(key);
  if (res && /^\*\*Verdict:\*\*/.test(l)) lines[i] = l.replace(/— \d+ states/, `— ${res.r.stats.states} states`);
  if (res && l === "```text" && res.r.violation) {
    let j = i + 1;
    while (j < lines.length && lines[j] !== "```") j++;
    lines.splice(i + 1, j - i - 1, ...trace(res.r).split("\n"));
  }
  // Summary tables: `| name | ... | states |`, the name relative to scenarios/ (2020-splice-thread/ implied).
  const row = /^\| ([\w./-]+) \|.*\| (\d+) \|$/.exec(l);
  if (row) {
    const k = row[1].includes("/") ? row[1] : `2020-splice-thread/${row[1]}`;
    const hit = results.get(k);
    if (hit) lines[i] = l.replace(/\| \d+ \|$/, `| ${hit.r.stats.states} |`);
  }
}
// New scenarios: a section at the end of their folder's part (the folder heading must exist).
for (const [k] of results) {
  if (seen.has(k)) continue;
  const d = k.split("/")[0];
  const start = lines.indexOf(`## scenarios/${d}/`);
  if (start < 0) {
    console.error(`docs/scenarios.md has no "## scenarios/${d}/" heading: ${k} left out`);
    continue;
  }
  let end = start + 1;
  while (end < lines.length && !/^## /.test(lines[end])) end++;
  lines.splice(end, 0, ...section(k).split("\n"));
  seen.add(k);
}
writeFileSync(DOC, lines.join("\n"));
// The speed table the current model's catalog asks for (printed, for the document's hand-written part).
for (const [k, { r, seconds }] of results) if (/^v\d/.test(k)) console.log(`| ${k} | ${found(r)} | ${r.stats.states} | ${seconds.toFixed(2)} |`);
