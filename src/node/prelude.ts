// The prelude on disk, for the Node entry points (the browser build passes it as a map).

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { IncludeResolver } from "../ir/compile.js";

/** prelude/ at the package root (this file is dist/src/node/prelude.js once built). */
export const PRELUDE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../prelude");

/** `#include "x.h"` next to the scenario first, then the shipped prelude of the kernel model. */
export const resolveFromDisk: IncludeResolver = (name, from, kernel) => {
  const local = join(dirname(from.path), name);
  // A prelude header including another stays in its own model's folder.
  if (!from.path.startsWith("prelude/") && existsSync(local)) return { path: local, text: readFileSync(local, "utf8") };
  const p = join(PRELUDE_DIR, kernel, name);
  if (existsSync(p)) return { path: `prelude/${kernel}/${name}`, text: readFileSync(p, "utf8") };
  return null;
};
