// `pageproof export --promela OUT FILE`: write an equivalent Promela model (SPIN) of a scenario,
// one atomic sequence per pageproof step (src/export/promela.ts).

import { readFileSync, writeFileSync } from "node:fs";
import { compileSource } from "../ir/compile.js";
import { SourceError, formatSourceError } from "../frontend/diagnostics.js";
import { resolveFromDisk } from "../node/prelude.js";
import { KERNELS, isKnownKernel } from "../frontend/kernel.js";
import { ExportError, exportPromela } from "../export/promela.js";
import { UsageError } from "./args.js";

export function runExport(argv: string[]): number {
  let out: string | null = null;
  const files: string[] = [];
  let refcountBits: number | undefined;
  let kernel: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--promela") out = argv[++i] ?? null;
    else if (a.startsWith("--promela=")) out = a.slice("--promela=".length);
    else if (a === "--refcount-bits") refcountBits = Number(argv[++i]);
    else if (a === "--kernel" || a.startsWith("--kernel=")) {
      kernel = a === "--kernel" ? argv[++i] : a.slice("--kernel=".length);
      if (!isKnownKernel(kernel ?? "")) throw new UsageError(`--kernel is ${KERNELS.join(" or ")}`);
    }
    else if (a.startsWith("-")) throw new UsageError(`export: unknown option ${a}`);
    else files.push(a);
  }
  if (!out) throw new UsageError("export needs --promela OUT.pml");
  if (files.length !== 1) throw new UsageError("export needs exactly one scenario file");
  const path = files[0];
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    process.stderr.write(`pageproof: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 2;
  }
  try {
    const { model } = compileSource(path, text, { resolveInclude: resolveFromDisk, ...(refcountBits !== undefined ? { refcountBits } : {}), ...(kernel !== undefined ? { kernel } : {}) });
    const pml = exportPromela(model, { source: path });
    if (out === "-") process.stdout.write(pml);
    else writeFileSync(out, pml);
    return 0;
  } catch (e) {
    if (e instanceof SourceError) process.stderr.write(formatSourceError(e) + "\n");
    else if (e instanceof ExportError) process.stderr.write(`pageproof: ${path}: ${e.message}\n`);
    else throw e;
    return 2;
  }
}
