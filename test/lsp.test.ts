// `pageproof lsp --stdio` driven as an editor drives it: the real server process, a real
// JSON-RPC client (vscode-languageserver-protocol) on its stdin/stdout. Diagnostics as you type
// at the exact range, hover and definition into the prelude and the scenario's own helpers,
// completion, the pageproof.check command (violation at the scenario's line with the trace,
// a clean run's Observation line) and its cancellation.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  CancellationTokenSource,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializeRequest,
  InitializedNotification,
  LSPErrorCodes,
  Location,
  MarkupContent,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  ResponseError,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const CLI = join(ROOT, "dist/src/cli/main.js");

class Client {
  private readonly waiters: { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void }[] = [];
  private version = new Map<string, number>();
  stderr = "";
  constructor(
    readonly proc: ChildProcess,
    readonly conn: ProtocolConnection,
  ) {
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const i = this.waiters.findIndex((w) => w.uri === p.uri && w.pred(p));
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(p);
    });
    proc.stderr!.on("data", (d) => (this.stderr += String(d)));
  }

  static async start(): Promise<Client> {
    const proc = spawn(process.execPath, [CLI, "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const c = new Client(proc, conn);
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).href,
      capabilities: { textDocument: { hover: { contentFormat: ["markdown", "plaintext"] } } },
    });
    assert.ok(init.capabilities.hoverProvider);
    assert.deepEqual(init.capabilities.executeCommandProvider?.commands, ["pageproof.check"]);
    await conn.sendNotification(InitializedNotification.type, {});
    return c;
  }

  /** The next diagnostics published for `uri` that satisfy `pred` (register before acting). */
  diagnostics(uri: string, pred: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
    return new Promise((resolve) => this.waiters.push({ uri, pred, resolve }));
  }

  async open(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const d = this.diagnostics(uri);
    this.version.set(uri, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "litmus", version: 1, text } });
    return d;
  }

  async change(uri: string, text: string): Promise<PublishDiagnosticsParams> {
    const d = this.diagnostics(uri);
    const version = (this.version.get(uri) ?? 1) + 1;
    this.version.set(uri, version);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return d;
  }

  check(uri: string, options: object = {}, token?: CancellationTokenSource) {
    return this.conn.sendRequest(ExecuteCommandRequest.type, { command: "pageproof.check", arguments: [uri, options] }, token?.token);
  }

  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.proc.once("exit", (code) => resolve(code)));
    await this.conn.sendRequest(ShutdownRequest.type);
    await this.conn.sendNotification(ExitNotification.type);
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}

/** 0-based position of the first occurrence of `needle` in `text` (plus `delta` characters). */
function posOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, `${needle} not in the text`);
  const before = text.slice(0, i + delta).split("\n");
  return { line: before.length - 1, character: before[before.length - 1].length };
}

/** 0-based line of the first line of `file` matching `re`. */
function lineOf(file: string, re: RegExp): number {
  const i = readFileSync(file, "utf8").split("\n").findIndex((l) => re.test(l));
  assert.ok(i >= 0, `${re} not in ${file}`);
  return i;
}

const GET_PAGE = `C hover
(* Kernel: v5.7
   Expect: clean *)
#include <linux/mm.h>

{
	struct page page = { ._refcount = 1 };
}

static void take_and_drop(struct page *page)
{
	get_page(page);
	page_ref_dec(page);
}

P0(struct page *page)
{
	if (try_get_page(page))
		put_page(page);
	take_and_drop(page);
	int r0 = page->_refcount;
}
`;

/** Six processes incrementing shared counters in loops, each differently (no symmetry):
 * far more states than any check could finish while the test waits. */
function bigScenario(): string {
  let s = "C big\n{}\n";
  for (let p = 0; p < 6; p++) {
    s += `P${p}(int *a, int *b, int *c)\n{\n\tint i;\n\tfor (i = 0; i < ${20 + p}; i++) {\n`;
    for (const n of ["a", "b", "c"]) s += `\t\tWRITE_ONCE(*${n}, READ_ONCE(*${n}) + ${p + 1});\n`;
    s += "\t}\n}\n";
  }
  return s + "exists (a=0)\n";
}

function isCancelled(e: unknown): boolean {
  return e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled;
}

describe("pageproof lsp --stdio", { timeout: 120_000 }, () => {
  let c: Client;
  before(async () => {
    c = await Client.start();
  });
  after(async () => {
    if (c) assert.equal(await c.stop(), 0, `the server exits with 0 after shutdown/exit\n${c.stderr}`);
  });

  test("a parse error is published at its exact range, and goes when fixed", async () => {
    const uri = "untitled:parse-error.litmus";
    const text = "C bad\n{}\n\nP0(int *x)\n{\n\tint r0 = READ_ONCE(*x) + ;\n}\n";
    const d = await c.open(uri, text);
    assert.equal(d.diagnostics.length, 1, JSON.stringify(d));
    const [diag] = d.diagnostics;
    assert.equal(diag.severity, 1);
    assert.match(String(diag.message), /expected an expression, found ';'/);
    // The CLI says 6:27 (1-based): the ';'.
    assert.deepEqual(diag.range, { start: { line: 5, character: 26 }, end: { line: 5, character: 27 } });
    const fixed = await c.change(uri, text.replace("+ ;", "+ 1;"));
    assert.deepEqual(fixed.diagnostics, []);
  });

  test("a semantic (compile) error is published at the name", async () => {
    const uri = "untitled:semantic-error.litmus";
    const d = await c.open(uri, "C bad\n{}\n\nP0(int *x)\n{\n\tfrobnicate(x);\n}\n");
    assert.equal(d.diagnostics.length, 1);
    assert.match(String(d.diagnostics[0].message), /undefined function 'frobnicate'/);
    assert.deepEqual(d.diagnostics[0].range, { start: { line: 5, character: 1 }, end: { line: 5, character: 11 } });
  });

  test("an error in an included header is shown at the #include, pointing into the header", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pageproof-lsp-"));
    try {
      writeFileSync(join(dir, "helpers.h"), "static inline int twice(int x)\n{\n\treturn x * ;\n}\n");
      const file = join(dir, "uses-header.litmus");
      const text = 'C uses-header\n#include "helpers.h"\n{}\nP0(int *x) { WRITE_ONCE(*x, twice(1)); }\n';
      writeFileSync(file, text);
      const d = await c.open(pathToFileURL(file).href, text);
      assert.equal(d.diagnostics.length, 1);
      assert.equal(d.diagnostics[0].range.start.line, 1);
      assert.match(String(d.diagnostics[0].message), /helpers\.h:3:13: expected an expression, found ';'/);
      const rel = d.diagnostics[0].relatedInformation![0].location;
      assert.equal(rel.uri, pathToFileURL(join(dir, "helpers.h")).href);
      assert.deepEqual(rel.range.start, { line: 2, character: 12 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("hover on a prelude function shows its signature and its citation comment", async () => {
    const uri = "untitled:hover.litmus";
    assert.deepEqual((await c.open(uri, GET_PAGE)).diagnostics, []);
    const hover = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "get_page(page)", 2) });
    assert.ok(hover);
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /static inline void get_page\(struct page \*page\)/);
    assert.match(value, /v5\.7 include\/linux\/mm\.h get\\_page\(\)/);
    assert.match(value, /prelude\/v5\.7\/linux\/mm\.h:\d+/);
    assert.deepEqual(hover.range, { start: posOf(GET_PAGE, "get_page(page)"), end: posOf(GET_PAGE, "get_page(page)", "get_page".length) });

    const h2 = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "try_get_page", 1) });
    assert.match((h2!.contents as MarkupContent).value, /try\\_get\\_page/);
    // No comment of its own: the file's header is its citation.
    const h4 = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "page_ref_dec(", 1) });
    const v4 = (h4!.contents as MarkupContent).value;
    assert.match(v4, /static inline void page\\_ref\\_dec|static inline void page_ref_dec/);
    assert.match(v4, /from the header of prelude\/v5\.7\/linux\/page\\_ref\.h/);
    assert.match(v4, /include\/linux\/page\\_ref\.h; v5\.7/);
    // A struct page field, after ->
    const h3 = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "->_refcount", 3) });
    assert.match((h3!.contents as MarkupContent).value, /atomic_t _refcount = 1;/);
    assert.match((h3!.contents as MarkupContent).value, /field of struct page/);
  });

  test("definition goes into prelude/ and to the scenario's own helper function", async () => {
    const uri = "untitled:hover.litmus"; // opened by the hover test
    const defs = (await c.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "get_page(page)", 3) })) as Location;
    const mm = join(ROOT, "prelude/v5.7/linux/mm.h");
    assert.equal(defs.uri, pathToFileURL(mm).href);
    assert.equal(defs.range.start.line, lineOf(mm, /^static inline void get_page\(/));

    const helper = (await c.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "take_and_drop(page);", 4) })) as Location;
    assert.equal(helper.uri, uri);
    assert.deepEqual(helper.range.start, posOf(GET_PAGE, "take_and_drop(struct"));

    const inc = (await c.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "linux/mm.h", 2) })) as Location;
    assert.equal(inc.uri, pathToFileURL(mm).href);
  });

  test("completion offers prelude functions and struct page fields", async () => {
    const uri = "untitled:hover.litmus";
    const names = await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "get_page(page)", 5) });
    const labels = (Array.isArray(names) ? names : names!.items).map((i) => i.label);
    for (const l of ["get_page", "put_page", "try_get_page", "page_ref_freeze", "take_and_drop", "GUP_PIN_COUNTING_BIAS", "READ_ONCE"]) assert.ok(labels.includes(l), l);
    const fields = await c.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: posOf(GET_PAGE, "->_refcount", 2), context: { triggerKind: 2, triggerCharacter: ">" } });
    const flabels = (Array.isArray(fields) ? fields : fields!.items).map((i) => i.label);
    for (const l of ["_refcount", "_mapcount", "flags", "mapping", "compound_head_ptr"]) assert.ok(flabels.includes(l), l);
    assert.ok(!flabels.includes("get_page"));
  });

  test("pageproof.check on a catalog scenario: the violation at the scenario's line, the trace as related locations", async () => {
    const file = join(ROOT, "scenarios/2020-splice-thread/02-io-without-callback.litmus");
    const uri = pathToFileURL(file).href;
    const text = readFileSync(file, "utf8");
    await c.open(uri, text);
    const published = c.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const r = (await c.check(uri)) as { verdict: string; kind: string; line: number; message: string };
    const ioLine = lineOf(file, /^\s*io_start\(page\);/);
    assert.equal(r.verdict, "violation");
    assert.equal(r.kind, "io-on-secure");
    assert.equal(r.line, ioLine + 1);
    assert.equal(ioLine, 23);
    const d = (await published).diagnostics;
    assert.equal(d.length, 1);
    assert.equal(d[0].range.start.line, ioLine);
    assert.match(String(d[0].message), /^VIOLATION io-on-secure: I\/O on a page the ultravisor holds secure/);
    const related = d[0].relatedInformation!;
    // 14 steps, then the violation site (prelude/v5.7/linux/dma.h).
    assert.equal(related.length, 15);
    assert.match(related[0].message, /^1 P0: get_user_pages_fast\(page, FOLL_WRITE\) -> /);
    assert.equal(related[0].location.uri, pathToFileURL(join(ROOT, "prelude/v5.7/linux/page_ref.h")).href);
    assert.ok(related.every((x) => x.location.uri.startsWith("file:")));
    assert.match(related[14].message, /^! io-on-secure/);
    assert.equal(related[14].location.uri, pathToFileURL(join(ROOT, "prelude/v5.7/linux/dma.h")).href);
  });

  test("pageproof.check on a clean test: verdict and Observation line at the final condition", async () => {
    const uri = "untitled:mp.litmus";
    const mp = "C MP\n{}\nP0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_wmb(); WRITE_ONCE(*y, 1); }\nP1(int *x, int *y) { int r0 = READ_ONCE(*y); smp_rmb(); int r1 = READ_ONCE(*x); }\nexists (1:r0=1 /\\ 1:r1=0)\n";
    await c.open(uri, mp);
    const published = c.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const r = (await c.check(uri)) as { verdict: string; observation: string };
    assert.equal(r.verdict, "pass");
    assert.equal(r.observation, "Observation MP Never 0 3");
    const [d] = (await published).diagnostics;
    assert.equal(d.severity, 3); // Information
    assert.equal(d.range.start.line, 4);
    assert.match(String(d.message), /^pass \(\d+ states/);
    assert.match(String(d.message), /Observation MP Never 0 3/);
  });

  test("pageproof.check hitting a limit: incomplete, a warning, and for a plain herd7 test the hint to --model lkmm", async () => {
    const uri = "untitled:big-limit.litmus";
    await c.open(uri, bigScenario());
    const published = c.diagnostics(uri, (p) => p.diagnostics.length > 0);
    const r = (await c.check(uri, { maxStates: 2000 })) as { verdict: string };
    assert.equal(r.verdict, "incomplete");
    const [d] = (await published).diagnostics;
    assert.equal(d.severity, 2); // Warning
    assert.match(String(d.message), /^incomplete: stopped by max-states/);
    assert.match(String(d.message), /\nhint: a herd7 test: --model lkmm/);
  });

  test("cancelling the request (or checking the document again) terminates the check", async () => {
    const uri = "untitled:big.litmus";
    assert.deepEqual((await c.open(uri, bigScenario())).diagnostics, []);
    // A memory bound so that a broken cancellation ends as a failed assertion, not a hung test.
    const bound = { maxMemoryMB: 512 };
    const source = new CancellationTokenSource();
    const first = c.check(uri, bound, source);
    source.cancel();
    await assert.rejects(first, isCancelled);

    // A second check of the same document cancels the one running.
    const second = c.check(uri, bound);
    const third = new CancellationTokenSource();
    const thirdRun = c.check(uri, bound, third);
    await assert.rejects(second, isCancelled);
    third.cancel();
    await assert.rejects(thirdRun, isCancelled);

    // The server is still there.
    const hover = await c.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 6, character: 5 } });
    assert.match((hover!.contents as MarkupContent).value, /WRITE\\_ONCE|built-in/);
  });
});
