// What the editor can ask about a name: the prelude's functions and macros, struct fields,
// the scenario's own helper functions, and pageproof's built-in primitives. Each prelude
// definition carries its citation in the comment above it (kernel version, file, function,
// what the model simplifies); hover shows that comment beside the signature.

import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { Program } from "../frontend/ast.js";
import { SourceFile, locAt, makeSourceFile } from "../frontend/diagnostics.js";
import { parseProgram } from "../frontend/parser.js";
import { BUILTINS } from "../ir/builtins.js";
import { PRELUDE_DIR, resolveFromDisk } from "../node/prelude.js";
import { KERNELS } from "../frontend/kernel.js";

export type SymbolKind = "function" | "macro" | "struct" | "field" | "builtin";

export interface SymbolInfo {
  name: string;
  kind: SymbolKind;
  /** The defining file (null for a built-in primitive). */
  file: SourceFile | null;
  /** Offset of the name in file.text. */
  offset: number;
  /** The declaration as written, on one line. */
  signature: string;
  /** The comment above the definition, without its comment markers ("" if none). */
  doc: string;
  /** Where `doc` comes from when the definition has no comment of its own: the comment above a
   * sibling that names it, or the file's header comment. */
  docFrom?: string;
  /** For a field: its struct. */
  struct?: string;
}

export class SymbolIndex {
  readonly functions = new Map<string, SymbolInfo>();
  readonly macros = new Map<string, SymbolInfo>();
  readonly structs = new Map<string, SymbolInfo>();
  readonly fields: SymbolInfo[] = [];

  /** Every definition a parsed program holds: its own and those of the headers it included. */
  static of(program: Program): SymbolIndex {
    const ix = new SymbolIndex();
    for (const f of program.functions.values()) {
      const text = f.loc.file.text;
      const offset = nameOffset(text, f.name, f.loc.offset);
      const open = text.slice(f.loc.offset).search(/[{;]/);
      const signature = oneLine(text.slice(f.loc.offset, open < 0 ? undefined : f.loc.offset + open));
      ix.functions.set(f.name, { name: f.name, kind: "function", file: f.loc.file, offset, signature, ...docOf(f.loc.file, f.name, f.loc.offset) });
    }
    for (const [name, e] of program.defines) {
      const file = e.loc.file;
      const lineStart = file.lineStarts[e.loc.line - 1] ?? 0;
      const lineEnd = file.text.indexOf("\n", lineStart);
      const line = file.text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd);
      const m = new RegExp(`#\\s*define\\s+(${name})\\b`).exec(line);
      const offset = m ? lineStart + m.index + m[0].length - name.length : e.loc.offset;
      ix.macros.set(name, { name, kind: "macro", file, offset, signature: oneLine(line), ...docOf(file, name, lineStart, true) });
    }
    for (const s of program.structs.values()) {
      const text = s.loc.file.text;
      const doc = commentAbove(text, s.loc.offset);
      ix.structs.set(s.name, { name: s.name, kind: "struct", file: s.loc.file, offset: nameOffset(text, s.name, s.loc.offset), signature: `struct ${s.name}`, doc });
      for (const f of s.fields) {
        const end = text.indexOf(";", f.loc.offset);
        const decl = text.slice(f.loc.offset, end < 0 ? undefined : end);
        const at = new RegExp(`\\b${f.name}\\s*(=|$)`).exec(decl);
        const offset = at ? f.loc.offset + at.index : f.loc.offset;
        ix.fields.push({ name: f.name, kind: "field", file: f.loc.file, offset, signature: `${oneLine(decl)};`, doc: commentAbove(text, f.loc.offset), struct: s.name });
      }
    }
    return ix;
  }

  /** This index's definitions first, then those of `fallback` it does not have. */
  with(fallback: SymbolIndex): SymbolIndex {
    const ix = new SymbolIndex();
    for (const key of ["functions", "macros", "structs"] as const) {
      for (const [k, v] of fallback[key]) ix[key].set(k, v);
      for (const [k, v] of this[key]) ix[key].set(k, v);
    }
    const seen = new Set(this.fields.map((f) => `${f.struct}.${f.name}`));
    ix.fields.push(...this.fields, ...fallback.fields.filter((f) => !seen.has(`${f.struct}.${f.name}`)));
    return ix;
  }

  field(name: string): SymbolInfo | undefined {
    // `struct page` first: it is what scenarios are about.
    return this.fields.find((f) => f.name === name && f.struct === "page") ?? this.fields.find((f) => f.name === name);
  }

  /** The definition a name at this place refers to: a field after `->` or `.`, a struct after
   * `struct`, else a function, macro, built-in primitive, struct or field of that name. */
  lookup(name: string, before: string): SymbolInfo | undefined {
    if (/(->|[^.]\.)\s*$/.test(before)) return this.field(name);
    if (/\bstruct\s+$/.test(before)) return this.structs.get(name);
    return this.functions.get(name) ?? this.macros.get(name) ?? builtin(name) ?? this.structs.get(name) ?? this.field(name);
  }
}

export function builtin(name: string): SymbolInfo | undefined {
  if (!BUILTINS.has(name)) return undefined;
  return {
    name,
    kind: "builtin",
    file: null,
    offset: 0,
    signature: `${name}(...)`,
    doc: "A primitive pageproof implements natively (src/ir/builtins.ts): each shared-memory access it makes is one step of the model. See docs/format.md.",
  };
}

export function builtinNames(): string[] {
  return [...BUILTINS.keys()].filter((n) => !n.startsWith("__"));
}

let preludeIndex: SymbolIndex | null = null;

/** Every header under prelude/, parsed once per kernel model (the newest wins a name both
 * define): what hover and completion offer when the scenario does not parse (yet) or does
 * not include the header. */
export function preludeSymbols(): SymbolIndex {
  if (preludeIndex) return preludeIndex;
  let ix = new SymbolIndex();
  try {
    for (const kernel of KERNELS) {
      const root = join(PRELUDE_DIR, kernel);
      const headers: string[] = [];
      const walk = (dir: string): void => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (e.isDirectory()) walk(join(dir, e.name));
          else if (e.name.endsWith(".h")) headers.push(relative(root, join(dir, e.name)).split("\\").join("/"));
        }
      };
      walk(root);
      const text = headers.sort().map((h) => `#include <${h}>`).join("\n") + "\n";
      const program = parseProgram(makeSourceFile(join(PRELUDE_DIR, "<index>"), text), { resolveInclude: resolveFromDisk, kernel });
      ix = SymbolIndex.of(program).with(ix);
    }
    preludeIndex = ix;
  } catch {
    preludeIndex = new SymbolIndex(); // a broken prelude: the scenario's own diagnostics will say so
  }
  return preludeIndex;
}

/** The identifier around `offset` (the cursor may stand just after it). */
export function wordAt(text: string, offset: number): { word: string; start: number; end: number } | null {
  const isWord = (i: number) => i >= 0 && i < text.length && /\w/.test(text[i]);
  let start = offset;
  let end = offset;
  if (!isWord(offset) && isWord(offset - 1)) start = end = offset - 1;
  if (!isWord(start)) return null;
  while (isWord(start - 1)) start--;
  while (isWord(end)) end++;
  const word = text.slice(start, end);
  return /^[A-Za-z_]/.test(word) ? { word, start, end } : null;
}

/** The header an `#include <name>` (or "name") line at `offset` names, if the cursor is on one. */
export function includeAt(text: string, offset: number): string | null {
  const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  const lineEnd = text.indexOf("\n", offset);
  const m = /^\s*#\s*include\s*[<"]([^>"]+)[>"]/.exec(text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd));
  return m ? m[1] : null;
}

export function lineCol(sym: SymbolInfo): { line: number; col: number } {
  if (!sym.file) return { line: 1, col: 1 };
  const l = locAt(sym.file, sym.offset);
  return { line: l.line, col: l.col };
}

function nameOffset(text: string, name: string, from: number): number {
  const m = new RegExp(`\\b${name}\\b`).exec(text.slice(from));
  return m ? from + m.index : from;
}

function oneLine(s: string): string {
  return s.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\s+/g, " ").trim();
}

/** The comment above a definition; failing that, the nearest comment before it that names it
 * (a group documented together), or the file's header comment (the file's citation). */
function docOf(file: SourceFile, name: string, offset: number, skipDefines = false): { doc: string; docFrom?: string } {
  const own = commentAbove(file.text, offset, skipDefines);
  if (own) return { doc: own };
  const mentions = new RegExp(`\\b${name}\\b`);
  let best: { doc: string; docFrom: string } | null = null;
  for (const m of file.text.matchAll(/\/\*[\s\S]*?\*\//g)) {
    if (m.index! >= offset) break;
    const doc = cleanBlock(m[0].slice(2, -2));
    if (mentions.test(doc)) best = { doc, docFrom: `a comment at ${file.path}:${locAt(file, m.index!).line}` };
  }
  if (best) return best;
  const header = /^\s*\/\*([\s\S]*?)\*\//.exec(file.text);
  return header ? { doc: cleanBlock(header[1]), docFrom: `the header of ${file.path}` } : { doc: "" };
}

/**
 * The comment that ends just above the line holding `offset` (blank lines between are allowed;
 * code is not). `skipDefines`: a #define may sit in a block of #defines under one comment.
 */
export function commentAbove(text: string, offset: number, skipDefines = false): string {
  let lineStart = text.lastIndexOf("\n", offset - 1) + 1;
  for (;;) {
    let j = lineStart;
    while (j > 0 && /\s/.test(text[j - 1])) j--;
    if (j === 0) return "";
    if (text.startsWith("*/", j - 2)) {
      const open = text.lastIndexOf("/*", j - 2);
      const openLine = text.lastIndexOf("\n", open - 1) + 1;
      if (open < 0 || text.slice(openLine, open).trim() !== "") return ""; // a comment after code
      return cleanBlock(text.slice(open + 2, j - 2));
    }
    const ls = text.lastIndexOf("\n", j - 1) + 1;
    const line = text.slice(ls, j);
    if (/^\s*\/\//.test(line)) {
      const lines: string[] = [];
      let k = ls;
      for (;;) {
        const end = text.indexOf("\n", k);
        const l = text.slice(k, end < 0 ? undefined : end);
        if (!/^\s*\/\//.test(l)) break;
        lines.unshift(l.replace(/^\s*\/\/\s?/, ""));
        if (k === 0) break;
        k = text.lastIndexOf("\n", k - 2) + 1;
      }
      return lines.join("\n").trim();
    }
    if (skipDefines && /^\s*#\s*define\b/.test(line)) {
      lineStart = ls;
      continue;
    }
    return "";
  }
}

function cleanBlock(body: string): string {
  const lines = body.split("\n").map((l) => l.replace(/^\s*\* ?/, "").replace(/\s+$/, ""));
  while (lines.length && lines[0].trim() === "") lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === "") lines.pop();
  return lines.join("\n").trim();
}
