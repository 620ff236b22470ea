// The Node library entry: checkSource / checkFile with the prelude read from disk.

import { readFileSync } from "node:fs";
import { CheckOptions, CheckResult, EMPTY_STATS, checkSource as checkCore } from "./core.js";
import { resolveFromDisk } from "./node/prelude.js";

export * from "./core.js";

export function checkSource(text: string, path = "<input>", opts: CheckOptions = {}): CheckResult {
  return checkCore(text, path, { resolveInclude: resolveFromDisk, ...opts });
}

export function checkFile(path: string, opts: CheckOptions = {}): CheckResult {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const message = `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
    return { file: path, name: path, verdict: "error", warnings: [], finalStates: [], stats: EMPTY_STATS, error: { file: path, line: 0, col: 0, message, formatted: `${path}: error: ${message}` } };
  }
  return checkSource(text, path, opts);
}
