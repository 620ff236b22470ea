// Diagnostics as you type: the front end and the lowering to the step IR (compileSource),
// never the search. A SourceError has a position; its range is the token found there.

import { Diagnostic, DiagnosticSeverity, Range } from "vscode-languageserver";
import { Program } from "../frontend/ast.js";
import { SourceError, SourceFile, locAt, makeSourceFile } from "../frontend/diagnostics.js";
import { UnsupportedLanguageError } from "../frontend/header.js";
import { parseProgram } from "../frontend/parser.js";
import { compileSource } from "../ir/compile.js";
import { resolveFromDisk } from "../node/prelude.js";
import { kernelOfPreludePath } from "../frontend/kernel.js";
import { uriOfPath } from "./paths.js";

export interface Analysis {
  /** The parsed program (null when the text does not parse): its definitions feed hover,
   * definition and completion. It survives a semantic error. */
  program: Program | null;
  diagnostics: Diagnostic[];
}

export function analyse(doc: { uri: string; path: string }, text: string): Analysis {
  try {
    // A header (a prelude file opened from go to definition) has no processes to compile.
    if (doc.path.endsWith(".h")) {
      const kernel = kernelOfPreludePath(doc.path);
      return { program: parseProgram(makeSourceFile(doc.path, text), { resolveInclude: resolveFromDisk, ...(kernel ? { kernel } : {}) }), diagnostics: [] };
    }
    const { program } = compileSource(doc.path, text, { resolveInclude: resolveFromDisk });
    return { program, diagnostics: [] };
  } catch (e) {
    if (!(e instanceof SourceError)) {
      const message = `internal error: ${e instanceof Error ? e.message : String(e)} (please report it with this scenario)`;
      return { program: null, diagnostics: [{ range: lineRange(text, 0), severity: DiagnosticSeverity.Error, source: "pageproof", message }] };
    }
    return { program: parsedOrNull(doc.path, text), diagnostics: [sourceErrorDiagnostic(e, doc, text)] };
  }
}

/** A semantic error came from the lowering: the program itself still parses. */
function parsedOrNull(path: string, text: string): Program | null {
  try {
    return parseProgram(makeSourceFile(path, text), { resolveInclude: resolveFromDisk });
  } catch {
    return null;
  }
}

export function sourceErrorDiagnostic(e: SourceError, doc: { uri: string; path: string }, text: string): Diagnostic {
  const severity = e instanceof UnsupportedLanguageError ? DiagnosticSeverity.Information : DiagnosticSeverity.Error;
  if (e.loc.file.path === doc.path) return { range: tokenRange(e.loc.file, e.loc.offset), severity, source: "pageproof", message: e.detail };
  // In a header the scenario includes: shown at the scenario's first #include, pointing there.
  const inc = /^[ \t]*#[ \t]*include\b.*$/m.exec(text);
  const range = inc ? { start: posAt(text, inc.index), end: posAt(text, inc.index + inc[0].length) } : lineRange(text, 0);
  return {
    range,
    severity,
    source: "pageproof",
    message: `${e.loc.file.path}:${e.loc.line}:${e.loc.col}: ${e.detail}`,
    relatedInformation: [{ location: { uri: uriOfPath(e.loc.file.path, doc), range: tokenRange(e.loc.file, e.loc.offset) }, message: e.detail }],
  };
}

/** The token at `offset`: a word, else one character (none at the end of a line or file). */
export function tokenRange(file: SourceFile, offset: number): Range {
  const t = file.text;
  let end = offset;
  if (/\w/.test(t[offset] ?? "")) while (end < t.length && /\w/.test(t[end])) end++;
  else if (offset < t.length && t[offset] !== "\n" && t[offset] !== "\r") end = offset + 1;
  return { start: posAt(file, offset), end: posAt(file, end) };
}

/** Zero-based line of `text` as a range (the whole line). */
export function lineRange(text: string, line: number): Range {
  const lines = text.split("\n");
  const l = Math.max(0, Math.min(line, lines.length - 1));
  return { start: { line: l, character: 0 }, end: { line: l, character: (lines[l] ?? "").replace(/\r$/, "").length } };
}

/** The LSP position (zero-based) of `offset` in `text`. */
export function posAt(text: string | SourceFile, offset: number): { line: number; character: number } {
  const l = locAt(typeof text === "string" ? makeSourceFile("", text) : text, offset);
  return { line: l.line - 1, character: l.col - 1 };
}
