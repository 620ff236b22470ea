// The shared LKMM corpus (../shared/corpus/paulmckrcu-litmus-auto, read in place), as the
// SC corpus test (corpus.test.ts) and the LKMM one (lkmm-corpus.test.ts) both run it: every
// file with the answer its header states (herd7's, under the LKMM).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckOptions, CheckResult, checkSource } from "../src/check.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CORPUS_DIR = resolve(ROOT, process.env.PAGEPROOF_CORPUS_DIR ?? "../shared/corpus/paulmckrcu-litmus-auto");
/** false, or why the corpus tests are skipped. */
export const corpusSkip = existsSync(CORPUS_DIR) ? false : `LKMM corpus not found at ${CORPUS_DIR}`;

/** The corpus's .litmus files (names), sorted: the order every corpus test and sample uses. */
export const corpusFiles = (): string[] =>
  readdirSync(CORPUS_DIR)
    .filter((n) => n.endsWith(".litmus"))
    .sort();

export type Header = "Never" | "Always" | "Sometimes" | "Maybe" | "DEADLOCK" | "none";

export interface Row {
  file: string;
  header: Header;
  r: CheckResult;
}

export function headerOf(text: string): Header {
  const m = /\bResult:\s*(Never|Always|Sometimes|Maybe|DEADLOCK)\b/.exec(text);
  return (m?.[1] as Header | undefined) ?? "none";
}

/** The corpus files (all of them, or `files`) checked with `opts`, in that order, and the seconds it took. */
export function checkCorpus(opts: CheckOptions, files: string[] = corpusFiles()): { rows: Row[]; seconds: number } {
  const t0 = performance.now();
  const rows: Row[] = [];
  for (const f of files) {
    const text = readFileSync(join(CORPUS_DIR, f), "utf8");
    rows.push({ file: f, header: headerOf(text), r: checkSource(text, f, opts) });
  }
  return { rows, seconds: (performance.now() - t0) / 1000 };
}
