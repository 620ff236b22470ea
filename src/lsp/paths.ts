// Document URIs and the checker's file paths. The checker names a scenario by the path it was
// given and a prelude header as `prelude/v5.7/linux/mm.h`; the editor needs URIs for both.

import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PRELUDE_DIR } from "../node/prelude.js";

/** The path the checker gets for a document: a file: URI's file system path (so that
 * `#include "x.h"` finds headers next to it), else the URI itself (an unsaved buffer). */
export function pathOfUri(uri: string): string {
  if (uri.startsWith("file:")) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

/** The URI of a file the checker named: the document itself, a prelude header, or a local include. */
export function uriOfPath(path: string, doc: { uri: string; path: string }): string {
  if (path === doc.path) return doc.uri;
  if (path.startsWith("prelude/")) return pathToFileURL(join(PRELUDE_DIR, path.slice("prelude/".length))).href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return path; // already a URI (an untitled buffer)
  return pathToFileURL(resolve(path)).href;
}
