// `pageproof test --format junit`: JUnit XML, the format CI systems read, written with
// junit-report-builder. One <testsuite> for the run, a <testcase> per file (classname: its
// directory), <failure> with the reason, <skipped/> for a test in another language.

import type { Builder } from "junit-report-builder";
import { createRequire } from "node:module";
import { dirname, basename } from "node:path";
import { TestOutcome } from "./test-outcome.js";

// The package is CommonJS whose module.exports is the builder; its types describe an ES default
// export, which Node's ESM loader does not produce, so it is loaded with require.
const junit = createRequire(import.meta.url)("junit-report-builder") as Builder;

export function formatJunit(outcomes: TestOutcome[], suiteName = "pageproof"): string {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(suiteName);
  for (const o of outcomes) {
    const tc = suite.testCase().className(dirname(o.file).replace(/\//g, ".")).name(basename(o.file)).file(o.file).time(o.seconds);
    if (o.status === "skip") tc.skipped().standardOutput(o.reason);
    else {
      tc.standardOutput(`expected ${o.expected}, found ${o.found}, ${o.states} states`);
      // Bad input is an <error> (the test could not run), an unmet expectation a <failure>.
      if (o.status === "fail" && o.found.startsWith("error")) tc.error(o.reason, "bad-input");
      else if (o.status === "fail") tc.failure(o.reason, "expectation");
    }
  }
  return builder.build();
}
