// `pageproof lsp --stdio`: a Language Server Protocol server on stdin/stdout. It wires the
// editor's requests to the small modules beside it: diagnostics.ts (parse and compile errors
// as you type), symbols.ts (hover, definition and completion from the prelude and the
// scenario's own functions), check-command.ts (the full check, in a worker thread).

import { readFileSync } from "node:fs";
import {
  CompletionItem,
  CompletionItemKind,
  Diagnostic,
  ErrorCodes,
  MarkupContent,
  MarkupKind,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
  WorkDoneProgressReporter,
  createConnection,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { Program } from "../frontend/ast.js";
import { makeSourceFile } from "../frontend/diagnostics.js";
import { resolveFromDisk } from "../node/prelude.js";
import { DEFAULT_KERNEL } from "../frontend/kernel.js";
import { UsageError } from "../cli/args.js";
import { Analysis, analyse } from "./diagnostics.js";
import { CHECK_COMMAND, CheckCommandOptions, CheckRunner, checkDiagnostics, checkOptions, summary } from "./check-command.js";
import { pathOfUri, uriOfPath } from "./paths.js";
import { SymbolIndex, SymbolInfo, builtin, builtinNames, includeAt, lineCol, preludeSymbols, wordAt } from "./symbols.js";

interface DocState {
  uri: string;
  path: string;
  version: number;
  text: string;
  analysis: Analysis;
  /** Definitions for hover, definition and completion: the last text that parsed, then the whole prelude. */
  index: SymbolIndex;
}

export function runLsp(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0] !== "--stdio") throw new UsageError("lsp takes --stdio (the server speaks LSP on stdin and stdout)");
  const connection = createConnection(process.stdin, process.stdout);
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, DocState>();
  const checkResults = new Map<string, Diagnostic[]>();
  const runner = new CheckRunner();
  let markdown = true;
  let clientProgress = false;

  connection.onInitialize((params) => {
    const formats = params.capabilities.textDocument?.hover?.contentFormat;
    markdown = !formats || formats.includes(MarkupKind.Markdown);
    clientProgress = params.capabilities.window?.workDoneProgress === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        completionProvider: { triggerCharacters: [".", ">"] },
        executeCommandProvider: { commands: [CHECK_COMMAND] },
      },
      serverInfo: { name: "pageproof" },
    };
  });

  /** The document's analysis, redone when its version changed. */
  const stateOf = (doc: TextDocument): DocState => {
    const old = states.get(doc.uri);
    if (old && old.version === doc.version) return old;
    const path = old?.path ?? pathOfUri(doc.uri);
    const text = doc.getText();
    const analysis = analyse({ uri: doc.uri, path }, text);
    const index = analysis.program ? SymbolIndex.of(analysis.program).with(preludeSymbols()) : (old?.index ?? preludeSymbols());
    const s: DocState = { uri: doc.uri, path, version: doc.version, text, analysis, index };
    states.set(doc.uri, s);
    return s;
  };

  const publish = (s: DocState): void => {
    void connection.sendDiagnostics({ uri: s.uri, version: s.version, diagnostics: [...s.analysis.diagnostics, ...(checkResults.get(s.uri) ?? [])] });
  };

  documents.onDidChangeContent(({ document }) => {
    // A check's result speaks of the text it checked: it goes when the text changes.
    checkResults.delete(document.uri);
    publish(stateOf(document));
  });

  documents.onDidClose(({ document }) => {
    runner.cancel(document.uri, "the document was closed");
    states.delete(document.uri);
    checkResults.delete(document.uri);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
  });

  const symbolAt = (uri: string, position: { line: number; character: number }) => {
    const doc = documents.get(uri);
    if (!doc) return null;
    const s = stateOf(doc);
    const offset = doc.offsetAt(position);
    const w = wordAt(s.text, offset);
    if (!w) return { doc, s, offset, w: null, sym: undefined };
    return { doc, s, offset, w, sym: s.index.lookup(w.word, s.text.slice(Math.max(0, w.start - 100), w.start)) };
  };

  connection.onHover(({ textDocument, position }) => {
    const at = symbolAt(textDocument.uri, position);
    if (!at?.w || !at.sym) return null;
    return { contents: hoverContent(at.sym, markdown), range: { start: at.doc.positionAt(at.w.start), end: at.doc.positionAt(at.w.end) } };
  });

  connection.onDefinition(({ textDocument, position }) => {
    const at = symbolAt(textDocument.uri, position);
    if (!at) return null;
    const inc = includeAt(at.s.text, at.offset);
    if (inc) {
      const kernel = at.s.analysis.program?.kernel ?? DEFAULT_KERNEL;
      const found = resolveFromDisk(inc, makeSourceFile(at.s.path, ""), kernel);
      return found ? { uri: uriOfPath(found.path, at.s), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } : null;
    }
    if (!at.sym?.file) return null;
    const { line, col } = lineCol(at.sym);
    return { uri: uriOfPath(at.sym.file.path, at.s), range: { start: { line: line - 1, character: col - 1 }, end: { line: line - 1, character: col - 1 + at.sym.name.length } } };
  });

  connection.onCompletion(({ textDocument, position, context }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const s = stateOf(doc);
    let start = doc.offsetAt(position);
    while (start > 0 && /\w/.test(s.text[start - 1])) start--;
    const before = s.text.slice(Math.max(0, start - 100), start);
    const member = /(->|(^|[^.])\.)\s*$/.test(before);
    if (context?.triggerCharacter === ">" && !member) return []; // a comparison, not `->`
    return member ? fieldItems(s.index, markdown) : nameItems(s.index, markdown);
  });

  connection.onExecuteCommand(async (params, token, workDone) => {
    if (params.command !== CHECK_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${params.command}`);
    const [target, options] = params.arguments ?? [];
    const uri = typeof target === "string" ? target : typeof target?.uri === "string" ? (target.uri as string) : null;
    if (!uri) throw new ResponseError(ErrorCodes.InvalidParams, `${CHECK_COMMAND} takes the document's URI`);
    const doc = documents.get(uri) ?? diskDocument(uri);
    if (!doc) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is neither open nor readable`);
    const s = stateOf(doc);
    let reporter: WorkDoneProgressReporter | null = params.workDoneToken !== undefined ? workDone : null;
    if (!reporter && clientProgress) reporter = await connection.window.createWorkDoneProgress();
    reporter?.begin("pageproof check", undefined, "exploring", false);
    try {
      const result = await runner.run(uri, s.text, s.path, checkOptions(options as CheckCommandOptions | undefined), token, (p) =>
        reporter?.report(`${p.states} states, ${Math.round(p.states / Math.max(p.seconds, 1e-3))} states/s, depth ${p.depth}`),
      );
      // A file that does not compile already shows why; the check's error would say it twice.
      const diagnostics = result.verdict === "error" && s.analysis.diagnostics.length ? [] : checkDiagnostics(result, s, s.text, finalLine(s.analysis.program));
      // Published only while the document is still the text that was checked.
      const now = documents.get(uri);
      if (!now || now.version === s.version) {
        checkResults.set(uri, diagnostics);
        if (now) publish(stateOf(now));
        else void connection.sendDiagnostics({ uri, diagnostics });
      }
      return summary(result, diagnostics);
    } finally {
      reporter?.done();
    }
  });

  connection.onShutdown(() => runner.cancelAll());
  documents.listen(connection);
  connection.listen();
  // The connection ends the process on `exit` (code 0 after `shutdown`) or when stdin closes.
  return new Promise<number>(() => {});
}

function finalLine(program: Program | null): number | null {
  return program?.final?.loc.line ?? null;
}

/** A document the client has not opened (the command was given a file's URI). */
function diskDocument(uri: string): TextDocument | null {
  if (!uri.startsWith("file:")) return null;
  try {
    return TextDocument.create(uri, "litmus", 0, readFileSync(pathOfUri(uri), "utf8"));
  } catch {
    return null;
  }
}

function where(sym: SymbolInfo): string {
  if (!sym.file) return "";
  const { line } = lineCol(sym);
  return `${sym.file.path}:${line}`;
}

/** Markdown's special characters in comment prose, so that `_refcount` stays as written. */
function escapeMarkdown(s: string): string {
  return s.replace(/([\\`*_[\]<>#|])/g, "\\$1");
}

function hoverContent(sym: SymbolInfo, markdown: boolean): MarkupContent {
  const kind = sym.kind === "field" ? `field of struct ${sym.struct}` : sym.kind === "builtin" ? "built-in primitive" : sym.kind;
  const from = sym.docFrom ? `(from ${sym.docFrom})` : "";
  if (!markdown) return { kind: MarkupKind.PlainText, value: [sym.signature, from, sym.doc, `${kind}${sym.file ? `, ${where(sym)}` : ""}`].filter(Boolean).join("\n\n") };
  const parts = ["```c\n" + sym.signature + "\n```"];
  if (from) parts.push(`*${escapeMarkdown(from)}*`);
  if (sym.doc) parts.push(escapeMarkdown(sym.doc).replace(/\n(?!\n)/g, "  \n"));
  parts.push(`*${kind}${sym.file ? ` — ${escapeMarkdown(where(sym))}` : ""}*`);
  return { kind: MarkupKind.Markdown, value: parts.join("\n\n") };
}

function documentation(sym: SymbolInfo, markdown: boolean): MarkupContent | undefined {
  if (!sym.doc && !sym.file) return undefined;
  const text = [sym.docFrom ? `(from ${sym.docFrom})` : "", sym.doc, where(sym)].filter(Boolean).join("\n\n");
  return markdown ? { kind: MarkupKind.Markdown, value: escapeMarkdown(text) } : { kind: MarkupKind.PlainText, value: text };
}

function nameItems(ix: SymbolIndex, markdown: boolean): CompletionItem[] {
  const items: CompletionItem[] = [];
  for (const f of ix.functions.values()) items.push({ label: f.name, kind: CompletionItemKind.Function, detail: f.signature, documentation: documentation(f, markdown), sortText: `0${f.name}` });
  for (const m of ix.macros.values()) items.push({ label: m.name, kind: CompletionItemKind.Constant, detail: m.signature, documentation: documentation(m, markdown), sortText: `1${m.name}` });
  for (const name of builtinNames()) {
    if (ix.functions.has(name)) continue;
    const b = builtin(name)!;
    items.push({ label: name, kind: CompletionItemKind.Function, detail: "pageproof built-in primitive", documentation: documentation(b, markdown), sortText: `2${name}` });
  }
  for (const st of ix.structs.values()) items.push({ label: st.name, kind: CompletionItemKind.Struct, detail: st.signature, documentation: documentation(st, markdown), sortText: `3${st.name}` });
  return items;
}

function fieldItems(ix: SymbolIndex, markdown: boolean): CompletionItem[] {
  // struct page's fields first, its ghost fields (checker state, not kernel data) after them.
  const rank = (f: SymbolInfo) => (f.struct === "page" ? (f.name.startsWith("__ghost") ? 1 : 0) : 2);
  return ix.fields.map((f) => ({
    label: f.name,
    kind: CompletionItemKind.Field,
    detail: `struct ${f.struct}: ${f.signature}`,
    documentation: documentation(f, markdown),
    sortText: `${rank(f)}${f.name}`,
  }));
}
