// Shared helpers for the test suite: check inline scenario text and pick fields.
import { checkSource, CheckOptions, CheckResult } from "../src/check.js";

export function run(src: string, opts: CheckOptions = {}): CheckResult {
  return checkSource(src, "test.litmus", opts);
}

export function observation(src: string): string | undefined {
  return run(src).observation?.result;
}
