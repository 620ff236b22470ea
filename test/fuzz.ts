// Front-end fuzzing (shared by fuzz.test.ts and the long run fuzz-long.ts): take the catalog
// scenarios and the test fixtures, mutate them (token deletions, insertions, swaps,
// duplications, truncation, random bytes and unicode, deleted or duplicated lines) and check
// each with small limits. Every case must end with a verdict: pass, violation or incomplete,
// or error with a position inside the file and a formatted `path:line:col:` message with a
// caret line. Never an exception; the limits bound the run, so never a hang.
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { collectScenarioFiles } from "../src/cli/test.js";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSource, CheckResult } from "../src/check.js";

/** The repository root (this file runs from dist/test/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface Seed {
  path: string;
  text: string;
}


/** scenarios/**\/*.litmus and test/fixtures/*.litmus, paths relative to the root. */
export function corpus(): Seed[] {
  const files = collectScenarioFiles([join(ROOT, "scenarios"), join(ROOT, "test", "fixtures")]);
  return files.map((f) => ({ path: relative(ROOT, f), text: readFileSync(f, "utf8") }));
}

const TOKEN = /\s+|\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|[A-Za-z_]\w*|0[xX][0-9a-fA-F]+|\d+|<<=|>>=|->|\+\+|--|&&|\|\||[<>=!+\-*/%&|^]=|<<|>>|\/\\|\\\/|\S/g;

export function tokens(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Tokens worth inserting: C punctuation, keywords, kernel names and oddities. */
const EXTRA = [
  "{", "}", "(", ")", "[", "]", ";", ",", "*", "&", "->", ".", "=", "==", "?", ":", "++", "--", "/\\", "\\/", "~", "!",
  "if", "else", "while", "for", "do", "switch", "case", "default", "break", "continue", "goto", "return",
  "int", "u8", "bool", "unsigned", "struct", "spinlock_t", "atomic_t", "static", "inline", "const", "__atomic",
  "P0", "P1", "P7", "0:r0", "exists", "forall", "~exists", "filter", "locations", "#include", "#define", "<linux/mm.h>",
  "spin_lock", "spin_unlock", "READ_ONCE", "WRITE_ONCE", "atomic_inc", "put_page", "get_page", "await", "BUG_ON",
  "__violation_if", "synchronize_rcu", "rcu_read_lock", "srcu_read_lock", "synchronize_srcu", "srcu_struct", "NULL", "0", "1", "-1", "4294967295", "2147483648",
  "99999999999999999999", "0x", "'a'", '"', "/*", "*/", "//", "\\", "#", "@", "$", "`", "\u00e9", "\u{1F600}", "\0", "\r", "\t",
  // herd7 headers and conditions (diy7 info lines, doc strings, other languages, nested comments)
  "(*", "*)", "Cycle=Rfe Fre", "\nPrefetch=0:x=F\n", "\"PodWW Rfe\"", "LISA", "PPC", "C", "0:r1=1:r1", "spin_unlock_wait", "srcu_down_read",
  "(*x)", "(int)", "locations [0:r9]",
];

export type Mutation =
  | { k: "delete-token" | "duplicate-token" | "delete-line" | "duplicate-line" | "truncate"; a: number }
  | { k: "swap-tokens"; a: number; b: number }
  | { k: "insert-token"; a: number; b: number }
  | { k: "insert-string"; a: number; s: string };

export interface FuzzCase {
  seed: number; // index into the corpus
  mutations: Mutation[];
}

export function mutationArb(): fc.Arbitrary<Mutation> {
  const n = fc.nat({ max: 1_000_000 });
  return fc.oneof(
    fc.record({ k: fc.constantFrom("delete-token" as const, "duplicate-token" as const, "delete-line" as const, "duplicate-line" as const, "truncate" as const), a: n }),
    fc.record({ k: fc.constant("swap-tokens" as const), a: n, b: n }),
    fc.record({ k: fc.constant("insert-token" as const), a: n, b: n }),
    fc.record({
      k: fc.constant("insert-string" as const),
      a: n,
      s: fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 8 }), fc.string({ unit: "grapheme", maxLength: 4 }), fc.uint8Array({ maxLength: 8 }).map((b) => String.fromCharCode(...b))),
    }),
  );
}

export function caseArb(n: number): fc.Arbitrary<FuzzCase> {
  return fc.record({ seed: fc.nat({ max: n - 1 }), mutations: fc.array(mutationArb(), { minLength: 1, maxLength: 4 }) });
}

export function mutate(text: string, muts: Mutation[]): string {
  for (const m of muts) {
    const toks = tokens(text);
    const lines = text.split("\n");
    const ti = toks.length ? m.a % toks.length : 0;
    const li = m.a % lines.length;
    switch (m.k) {
      case "delete-token":
        toks.splice(ti, 1);
        text = toks.join("");
        break;
      case "duplicate-token":
        if (toks.length) toks.splice(ti, 0, toks[ti]);
        text = toks.join("");
        break;
      case "swap-tokens": {
        if (!toks.length) break;
        const tj = m.b % toks.length;
        [toks[ti], toks[tj]] = [toks[tj], toks[ti]];
        text = toks.join("");
        break;
      }
      case "insert-token": {
        const pool = m.b % 2 === 0 || !toks.length ? EXTRA : toks;
        const t = pool[Math.floor(m.b / 2) % pool.length];
        toks.splice(ti, 0, t, " ");
        text = toks.join("");
        break;
      }
      case "delete-line":
        lines.splice(li, 1);
        text = lines.join("\n");
        break;
      case "duplicate-line":
        lines.splice(li, 0, lines[li]);
        text = lines.join("\n");
        break;
      case "truncate":
        text = text.slice(0, m.a % (text.length + 1));
        break;
      case "insert-string": {
        const at = m.a % (text.length + 1);
        text = text.slice(0, at) + m.s + text.slice(at);
        break;
      }
    }
  }
  return text;
}

export const LIMITS = { maxStates: 2000, timeoutMs: 2000 };

/** Checks one input; returns a description of what is wrong, or null. Exceptions propagate. */
export function problemWith(text: string, path: string): string | null {
  const r: CheckResult = checkSource(text, path, LIMITS);
  if (r.verdict === "pass" || r.verdict === "violation" || r.verdict === "incomplete") return null;
  if (r.verdict !== "error") return `unknown verdict ${String(r.verdict)}`;
  const e = r.error;
  if (!e) return "verdict error without an error object";
  if (!(e.line >= 1 && e.col >= 1)) return `error position ${e.line}:${e.col} is not positive: ${e.message}`;
  if (e.file === path) {
    const lines = text.split("\n");
    if (e.line > lines.length) return `error line ${e.line} beyond the last line ${lines.length}: ${e.message}`;
    if (e.col > lines[e.line - 1].length + 1) return `error column ${e.col} beyond the end of line ${e.line} (${lines[e.line - 1].length} chars): ${e.message}`;
  }
  const head = `${e.file}:${e.line}:${e.col}:`;
  if (!e.formatted.startsWith(head)) return `formatted does not start with ${head}: ${JSON.stringify(e.formatted.slice(0, 80))}`;
  const fl = e.formatted.split("\n");
  if (fl.length < 3 || !/^ *\^$/.test(fl[fl.length - 1])) return `formatted has no caret line: ${JSON.stringify(e.formatted)}`;
  return null;
}

/** The property: fails (throws) on an exception or a malformed result. */
export function fuzzProperty(seeds: Seed[]) {
  return fc.property(caseArb(seeds.length), (c) => {
    const s = seeds[c.seed];
    const text = mutate(s.text, c.mutations);
    const p = problemWith(text, s.path);
    if (p) throw new Error(p);
  });
}
