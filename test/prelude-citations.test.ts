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

test("each function of a model's folder cites that model's kernel version", () => {
  const wrongVersion = preludeFunctions()
    .filter((f) => !NOT_KERNEL.test(f.citation))
    .filter((f) => VERSION.exec(f.citation)![0] !== kernelOf(f))
    .map((f) => `${f.file}:${f.line} ${f.name} cites ${VERSION.exec(f.citation)![0]}`);
  assert.deepEqual(wrongVersion, []);
});

/** The model a prelude file belongs to: prelude/<version>/... */
function kernelOf(f: Fn): string {
  return f.file.split("/")[1];
}

const SOURCES: Record<string, string> = {
  "v5.7": "The v5.7 model follows the code of the 2020 discussion (Linux v5.7), as quoted in the patch mails of that time and read in the stored trees.",
  "v6.15":
    "The v6.15 model follows the stored copies of the search index, dated by their contents: arch/s390/kernel/uv.c as of v6.14/v6.15 " +
    "(make_hva_secure with folio_walk, s390_wiggle_split_folio(mm, folio, split)); mm/gup.c, mm/vmscan.c, mm/migrate.c and " +
    "include/linux/page_ref.h as of v6.9-v6.13, checked against the later patch mails where those files changed. " +
    "docs/scenarios.md lists the commits since v5.7 that the model and the catalog follow.",
};

test("docs/kernel-model.md lists every prelude function with its citation", () => {
  const fns = preludeFunctions();
  const kernels = [...new Set(fns.map(kernelOf))].sort();
  const section = (k: string) => [
    `## ${k}`,
    "",
    SOURCES[k] ?? "",
    "",
    "| function | defined at | follows |",
    "|---|---|---|",
    ...fns
      .filter((f) => kernelOf(f) === k)
      .map((f) => {
        const source = NOT_KERNEL.test(f.citation) ? "not a kernel function" : `${VERSION.exec(f.citation)![0]} ${PATH.exec(f.citation)![0]}`;
        return `| \`${f.name}\` | ${f.file}:${f.line} | ${source} |`;
      }),
    "",
  ];
  const text = [
    "# The kernel model, function by function",
    "",
    "Generated from the citation comments of prelude/ by test/prelude-citations.test.ts (`UPDATE_GOLDEN=1 npm test` rewrites it);",
    "each function's comment in its header says what it simplifies. One section per kernel model (`--kernel`, `Kernel:`).",
    "",
    ...kernels.flatMap(section),
  ].join("\n");
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(TABLE)) writeFileSync(TABLE, text);
  assert.equal(readFileSync(TABLE, "utf8"), text, "docs/kernel-model.md is out of date: UPDATE_GOLDEN=1 rewrites it");
});
