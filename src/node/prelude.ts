// The prelude on disk, for the Node entry points (the browser build passes it as a map).

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { IncludeResolver } from "../ir/compile.js";

/** prelude/ at the package root (this file is dist/src/node/prelude.js once built). */
export const PRELUDE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../../prelude");

/** `#include "x.h"` next to the scenario first, then the shipped prelude. */
export const resolveFromDisk: IncludeResolver = (name, from) => {
  for (const dir of [dirname(from.path), PRELUDE_DIR]) {
    const p = join(dir, name);
    if (existsSync(p)) return { path: dir === PRELUDE_DIR ? `prelude/${name}` : p, text: readFileSync(p, "utf8") };
  }
  return null;
};
