#!/usr/bin/env node
// pageproof command line: dispatches to one small module per command.

import { parseArgs, UsageError } from "./args.js";
import { runCheck } from "./check.js";
import { runTest } from "./test.js";
import { runExport } from "./export.js";

const USAGE = `usage: pageproof <command> [options] FILE...

commands:
  check FILE...          explore every interleaving and report the verdict
  test [DIR|FILE...]     run scenarios and compare with their Expect:/Result: lines (default: scenarios/)
  export --promela OUT FILE  write an equivalent SPIN model (one atomic sequence per step; OUT - is stdout)
  worker --cluster URL   serve a cluster search (redis://HOST:PORT); runs until killed
  lsp --stdio            Language Server Protocol server for editors (diagnostics, hover, definition,
                         completion, and the pageproof.check command)

options:
  --format text|json|html  output format of check (default text; html is one standalone file)
  --format text|ktap|junit output format of test (KTAP version 1 as kselftests print it; JUnit XML)
  -o FILE                write the report to FILE
  --states               print the final-state histogram
  --warn=fail|report     a WARN is a violation (fail, default) or only listed (report)
  --max-states N         stop after N states (verdict: incomplete)
  --timeout S            stop after S seconds (verdict: incomplete)
  --max-memory MB        stop when the state store exceeds MB (verdict: incomplete)
  --refcount-bits N      narrow page _refcount fields to N bits
  --no-por               switch off partial-order reduction
  --no-merge-locks       keep each lock operation its own step (by default a release runs in the step
                         before it, an acquire with the step after it, when nothing can observe
                         the difference: docs/design.md)
  --no-symmetry          switch off symmetry reduction
  --mode herd7|strict     herd7: pageproof's own findings (lock held at exit, deadlock, ...) are warnings
                         beside the final condition's answer; strict: violations (default: herd7 for a
                         file with a final condition and no Expect: line, else strict)
  --model sc|lkmm        memory model: sc, every interleaving (default; or the file's Model: line);
                         lkmm, the Linux-kernel memory model (herd7's executions, docs/format.md)
  --unroll N             lkmm: times an execution may go round a loop (default 2, as herd7);
                         an execution the bound cuts makes the verdict incomplete
  --lkmm-values auto|concrete|symbolic  lkmm: a path per value a read may see (concrete), or reads as
                         variables and a path per outcome of a test (symbolic); auto (default):
                         concrete, symbolic when a process has too many concrete paths
  --fairness weak|strong|none  fairness for PROGRESS()/GOAL() liveness checks (default weak)
  --exact                store full states (default: 64-bit fingerprints, TLC-style)
  --hash-table           fingerprints in a hash table: faster, 11-21 bytes/state instead of <= 7.75
  --no-color             no colours (also NO_COLOR=1)
  --cluster URL          check on the workers of a Redis server (redis://HOST:PORT): same verdict,
                         counts and shortest trace as one machine; a lost server ends it incomplete
  --swarm N              with --cluster: N randomized depth-first jobs of at most --max-states states
                         (default 100000) each, not exhaustive: a violation, or incomplete with coverage

exit codes: 0 no violation and expectations met, 1 violation or unmet expectation, 2 bad input or usage,
130 interrupted (Ctrl-C: the report shows the verdict incomplete and the stats so far)`;

function main(argv: string[]): number | Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "-h" || cmd === "--help" || cmd === "help") {
    process.stdout.write(USAGE + "\n");
    return cmd ? 0 : 2;
  }
  if (cmd === "export") return runExport(rest);
  // Loaded only for this command: the checker itself needs none of the LSP packages.
  if (cmd === "lsp") return import("../lsp/server.js").then((m) => m.runLsp(rest));
  if (cmd === "worker") return import("./cluster-worker.js").then((m) => m.runWorker(rest));
  const opts = parseArgs(rest);
  switch (cmd) {
    case "check":
      return runCheck(opts);
    case "test":
      return runTest(opts);
    default:
      throw new UsageError(`unknown command '${cmd}'`);
  }
}

function usageError(e: unknown): void {
  if (e instanceof UsageError) {
    process.stderr.write(`pageproof: ${e.message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else throw e;
}

try {
  const code = main(process.argv.slice(2));
  if (typeof code === "number") process.exitCode = code;
  else code.then((c) => (process.exitCode = c), usageError);
} catch (e) {
  usageError(e);
}
