// Which kernel model a scenario is checked against. The prelude ships one model per kernel
// release, each a folder of headers under prelude/<version>/ with the kernel's own include
// names (prelude/v5.7/linux/mm.h is what `#include <linux/mm.h>` reads under v5.7).
//
// The choice, strongest first: the --kernel option, the scenario's `Kernel: <version>` line
// (in a header comment, beside Expect:/Result:), the newest model. A scenario written for
// the 2020 discussion states `Kernel: v5.7`; one that states nothing gets today's code.

import { SourceFile, fail, locAt } from "./diagnostics.js";

/** The models shipped in prelude/, oldest first. */
export const KERNELS = ["v5.7", "v6.15"] as const;
export const DEFAULT_KERNEL: string = KERNELS[KERNELS.length - 1];

export function isKnownKernel(v: string): boolean {
  return (KERNELS as readonly string[]).includes(v);
}

export function unknownKernelMessage(v: string): string {
  return `unknown kernel model '${v}': pageproof ships ${KERNELS.join(" and ")}`;
}

/**
 * The version named by a `Kernel:` line among the header's comments (the text before the
 * init block, from `start` to `end`), checked against the shipped models; null if none.
 */
export function kernelLine(file: SourceFile, start: number, end: number): string | null {
  const re = /\bKernel:[ \t]*(\S*)/g;
  re.lastIndex = start;
  const m = re.exec(file.text);
  if (!m || m.index >= end) return null;
  const v = m[1].replace(/[,;.]+$/, "");
  if (!isKnownKernel(v)) fail(locAt(file, m.index + m[0].length - m[1].length), unknownKernelMessage(v));
  return v;
}

/** The model a prelude header belongs to, from its path (".../prelude/v5.7/linux/mm.h"), if any. */
export function kernelOfPreludePath(path: string): string | undefined {
  const m = /(?:^|[\\/])prelude[\\/]([^\\/]+)[\\/]/.exec(path);
  return m && isKnownKernel(m[1]) ? m[1] : undefined;
}
