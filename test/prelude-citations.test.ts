// The kernel model cites the kernel: every function of prelude/ carries a comment naming the
// kernel version and file it follows (e.g. "v5.7 include/linux/page_ref.h"), or says that it is
// not a kernel function (a modelling device). The comment is the one on the definition's line,
// the block right above it, or the block above a run of one-line definitions it belongs to.
// docs/kernel-model.md, the table of every function with its citation, is generated from the
// same comments (UPDATE_GOLDEN=1 rewrites it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const PRELUDE = join(ROOT, "prelude");
const TABLE = join(ROOT, "docs/kernel-model.md");

const DEFINITION = /^static\s+(?:inline\s+)?[\w\s*]+?\b(\w+)\s*\((?!.*\)\s*;\s*$)/; // not a prototype
const VERSION = /\bv\d+\.\d+(?:\.x)?\b/;
const PATH = /\b(?:include|mm|arch|fs|kernel|lib|drivers)\/[\w/.-]+\.[ch]\b/;
const NOT_KERNEL = /Not a kernel function/i;

interface Fn {
  name: string;
  file: string;
  line: number;
  citation: string;
}

function headers(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? headers(p) : p.endsWith(".h") ? [p] : [];
  });
}

const isComment = (l: string) => /^\s*(\/\*|\*|\/\/)/.test(l) || /\*\/\s*$/.test(l);
const isOneLiner = (l: string) => DEFINITION.test(l) && /\}\s*(\/\*.*\*\/)?\s*$/.test(l);

/** The comment that documents the definition at line i (0-based), as one line of text. */
function citationOf(lines: string[], i: number): string {
  const trailing = /\/\*(.*)\*\/\s*$/.exec(lines[i]);
  if (trailing) return trailing[1].trim();
  let j = i - 1;
  while (j >= 0 && isOneLiner(lines[j])) j--; // a run of one-line definitions shares the comment above it
  if (j < i - 1 && !isOneLiner(lines[i])) j = i - 1; // only one-liners share
  const block: string[] = [];
  while (j >= 0 && isComment(lines[j])) block.unshift(lines[j--]);
  return block.join(" ").replace(/\/\*+|\*+\/|^\s*\*\s?|\s\*\s/g, " ").replace(/\s+/g, " ").trim();
}

function preludeFunctions(): Fn[] {
  const out: Fn[] = [];
  for (const file of headers(PRELUDE).sort()) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((l, i) => {
      const m = DEFINITION.exec(l);
      if (m) out.push({ name: m[1], file: relative(ROOT, file), line: i + 1, citation: citationOf(lines, i) });
    });
  }
  return out;
}

const cites = (f: Fn) => NOT_KERNEL.test(f.citation) || (VERSION.test(f.citation) && PATH.test(f.citation));

test("every prelude function cites the kernel version and file it follows, or says it is not a kernel function", () => {
  const fns = preludeFunctions();
  assert.ok(fns.length >= 80, `${fns.length} functions found`);
  const missing = fns.filter((f) => !cites(f)).map((f) => `${f.file}:${f.line} ${f.name}: "${f.citation.slice(0, 80)}"`);
  assert.deepEqual(missing, []);
});

test("docs/kernel-model.md lists every prelude function with its citation", () => {
  const rows = preludeFunctions().map((f) => {
    const source = NOT_KERNEL.test(f.citation) ? "not a kernel function" : `${VERSION.exec(f.citation)![0]} ${PATH.exec(f.citation)![0]}`;
    return `| \`${f.name}\` | ${f.file}:${f.line} | ${source} |`;
  });
  const text = [
    "# The kernel model, function by function",
    "",
    "Generated from the citation comments of prelude/ by test/prelude-citations.test.ts (`UPDATE_GOLDEN=1 npm test` rewrites it);",
    "each function's comment in its header says what it simplifies.",
    "",
    "| function | defined at | follows |",
    "|---|---|---|",
    ...rows,
    "",
  ].join("\n");
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(TABLE)) writeFileSync(TABLE, text);
  assert.equal(readFileSync(TABLE, "utf8"), text, "docs/kernel-model.md is out of date: UPDATE_GOLDEN=1 rewrites it");
});
