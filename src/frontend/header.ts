// The litmus header: everything before the init block `{`, split the way herd7's splitter
// does it (herdtools7 lib/splitter.mll, rules `main` and `find_init`):
//
//   ARCH NAME [(texname)] ["doc string"] [;]      the first line; the quoted doc string may
//                                                  also stand alone on the next line
//   Key = Value                                    info lines (diy7 writes Cycle=, Relax=,
//                                                  Safe=, Prefetch=, Com=, Orig=, Hash=, ...):
//                                                  the key is a letter then letters, digits,
//                                                  '_', '/', '.', '-'; the value runs to the end
//                                                  of the line
//   (* comment *)                                  anywhere (pageproof reads Expect:/Result:
//                                                  from these)
//   any other text                                 skipped, as herd7 skips it
//
// pageproof adds one thing herd7 has no need for: `#include` / `#define` lines, which are
// kept as directives for the parser.

import { SourceFile, SourceError, fail, locAt } from "./diagnostics.js";
import { directiveEnd, skipHerdComment } from "./lexer.js";

/** Architecture names herd7 knows (herdtools7 lib/archs.ml); only C is read here. */
const OTHER_ARCHS = new Set([
  "X86", "X86_64", "PPC", "ARM", "AArch64", "MIPS", "RISCV", "RISCV64", "LISA", "Bell", "CPP", "JAVA", "ASL", "BPF",
  "PTX", "GPU_PTX", "OpenCL", "CPU",
]);

export interface LitmusHeader {
  arch: string;
  name: string;
  texname: string | null;
  doc: string | null;
  info: [string, string][];
  /** The text of every `(* ... *)` comment before the init block, in order. */
  comments: string[];
  /** [start, end) offsets of `#include` / `#define` lines before the init block. */
  directives: [number, number][];
  /** Offset of the init block's `{`. */
  initOffset: number;
}

/**
 * A plain herd7 test: a final condition and no `Expect:` line. It asks only about its final
 * condition, so it runs in herd7 mode and gets herd7's leniency (docs/format.md).
 */
export function isPlainHerd7Test(prog: { final: unknown; comment: string }): boolean {
  return prog.final !== null && !/\bExpect:/.test(prog.comment);
}

/** Thrown for a herd7 test in another language: a clean error the test runner counts as skipped. */
export class UnsupportedLanguageError extends SourceError {}

const FIRST_LINE = /^[ \t\r\n]*([A-Za-z0-9_]+)[ \t]+([A-Za-z0-9_/.+\-[\]]+)[ \t]*(?:\(([A-Za-z][A-Za-z0-9_/.\-]*)\)[ \t]*)?/y;
const DOC = /(?:\r?\n)?[ \t]*"([^"]*)"[ \t]*/y;
const INFO = /([A-Za-z][A-Za-z0-9_/.\-]*)[ \t]*=[ \t]*([^\n]*)(?:\n|$)/y;

/**
 * The header of a litmus test, or null if the text does not start like one (a file of plain
 * C, as the prelude headers are). Throws UnsupportedLanguageError for LISA, PPC, ... tests.
 */
export function splitHeader(file: SourceFile): LitmusHeader | null {
  const text = file.text;
  FIRST_LINE.lastIndex = 0;
  const first = FIRST_LINE.exec(text);
  if (!first) return null;
  const [, arch, name, texname] = first;
  const archOffset = first.index + first[0].indexOf(arch);
  if (arch !== "C") {
    if (!OTHER_ARCHS.has(arch)) return null;
    throw new UnsupportedLanguageError(locAt(file, archOffset), `${arch} litmus tests are not supported; pageproof reads C litmus tests`);
  }
  let pos = first.index + first[0].length;
  let doc: string | null = null;
  DOC.lastIndex = pos;
  const d = DOC.exec(text);
  if (d) {
    doc = d[1];
    pos = DOC.lastIndex;
  }
  if (text[pos] === ";") pos++;
  // The rest of the first line is not part of anything (herd7 skips it too).
  const info: [string, string][] = [];
  const comments: string[] = [];
  const directives: [number, number][] = [];
  let atLineStart = false;
  while (pos < text.length) {
    const ch = text[pos];
    if (ch === "{") return { arch, name, texname: texname ?? null, doc, info, comments, directives, initOffset: pos };
    if (ch === "\n") {
      atLineStart = true;
      pos++;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r") {
      pos++;
      continue;
    }
    if (ch === "(" && text[pos + 1] === "*") {
      const end = skipHerdComment(file, pos);
      comments.push(text.slice(pos + 2, end - 2));
      pos = end;
      atLineStart = false;
      continue;
    }
    if (atLineStart && ch === "#") {
      const end = directiveEnd(text, pos);
      directives.push([pos, end]);
      pos = end;
      continue;
    }
    if (atLineStart && (pos === 0 || text[pos - 1] === "\n")) {
      // Info lines start in column 0 (an indented `Key=Value` is skipped text, as in herd7).
      INFO.lastIndex = pos;
      const m = INFO.exec(text);
      if (m) {
        info.push([m[1], m[2].trimEnd()]);
        pos = INFO.lastIndex;
        continue;
      }
    }
    // Anything else up to the end of the line or a '{' is skipped, as herd7 does.
    atLineStart = false;
    while (pos < text.length && text[pos] !== "\n" && text[pos] !== "{" && !(text[pos] === "(" && text[pos + 1] === "*")) pos++;
  }
  fail(locAt(file, text.length), "expected the init block '{ ... }' of the litmus test");
}
