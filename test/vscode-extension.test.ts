// The VS Code extension's TextMate grammar (editors/vscode/syntaxes/litmus.tmLanguage.json), run
// in Node by the engine VS Code itself uses (vscode-textmate on the Oniguruma wasm): every file of
// scenarios/ and prelude/ tokenizes without an invalid token, and the litmus parts get their
// scopes. "Invalid" is a token scoped invalid.*: the grammar's last rule marks any character no
// other rule takes (invalid.illegal.stray), so a stray character makes this test fail.
// And the extension packages: vsce (as `npm run package:vscode` runs it) type-checks and bundles
// the client, then writes a .vsix that holds the bundle, the grammar and the manifest.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import vsctm from "vscode-textmate";
import oniguruma from "vscode-oniguruma";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const GRAMMAR = join(ROOT, "editors/vscode/syntaxes/litmus.tmLanguage.json");
const require = createRequire(import.meta.url);

let grammar: vsctm.IGrammar;

before(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope: string) => (scope === "source.litmus" ? vsctm.parseRawGrammar(readFileSync(GRAMMAR, "utf8"), GRAMMAR) : null),
  });
  const g = await registry.loadGrammar("source.litmus");
  assert.ok(g, "the grammar loads");
  grammar = g;
});

interface Tok {
  line: number;
  text: string;
  scopes: string[];
}

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  let rule = vsctm.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const r = grammar.tokenizeLine(line, rule);
    for (const t of r.tokens) out.push({ line: i + 1, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    rule = r.ruleStack;
  });
  return out;
}

const invalid = (toks: Tok[]) => toks.filter((t) => t.scopes.some((s) => s.startsWith("invalid.")));
const scoped = (toks: Tok[], text: string) => toks.filter((t) => t.text === text).map((t) => t.scopes[t.scopes.length - 1]);

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))
    .sort();
}

test("every file of scenarios/ and prelude/ tokenizes without an invalid token", () => {
  const all = [...files(join(ROOT, "scenarios"), /\.litmus$/), ...files(join(ROOT, "prelude"), /\.h$/)];
  assert.ok(all.length >= 30, `found ${all.length} files`);
  const bad: string[] = [];
  for (const f of all) for (const t of invalid(tokenize(readFileSync(f, "utf8")))) bad.push(`${relative(ROOT, f)}:${t.line}: '${t.text}' ${t.scopes.at(-1)}`);
  assert.deepEqual(bad, []);
});

// Paul McKenney's generated LKMM litmus tests (the corpus test's directory), when present.
const CORPUS = resolve(ROOT, process.env.PAGEPROOF_CORPUS_DIR ?? "../shared/corpus/paulmckrcu-litmus-auto");
test("the LKMM corpus tokenizes without an invalid token", { skip: !existsSync(CORPUS) && `no corpus at ${CORPUS}` }, () => {
  const bad: string[] = [];
  for (const f of files(CORPUS, /\.litmus$/)) for (const t of invalid(tokenize(readFileSync(f, "utf8")))) bad.push(`${relative(CORPUS, f)}:${t.line}: '${t.text}'`);
  assert.deepEqual(bad.slice(0, 20), []);
});

test("a stray character is an invalid token (so the test above can fail)", () => {
  const toks = tokenize("C stray\n{}\nP0(int *x)\n{\n\tWRITE_ONCE(*x, 1) @ $;\n}\nexists (x=1)\n");
  assert.deepEqual(
    invalid(toks).map((t) => [t.line, t.text]),
    [
      [5, "@"],
      [5, "$"],
    ],
  );
  assert.equal(invalid(tokenize("C q\n{}\nP0(int *x) { int r = 1; ` }\n")).length, 1);
});

test("the litmus parts get their scopes", () => {
  const src = readFileSync(join(ROOT, "scenarios/2020-splice-thread/04-try-get-page-speculative.litmus"), "utf8");
  const toks = tokenize(src + "\nexists (0:r0=1 /\\ ~(page._refcount=0) \\/ x=2)\n~exists (1:r1=0)\nforall (true)\n");
  assert.deepEqual(scoped(toks, "C"), ["keyword.other.architecture.litmus"]);
  assert.deepEqual(scoped(toks, "try-get-page-speculative"), ["entity.name.section.test.litmus"]);
  assert.deepEqual(scoped(toks, "Expect"), ["keyword.other.expectation.litmus"]);
  assert.deepEqual(scoped(toks, "warn"), ["constant.language.expectation.litmus"]);
  assert.deepEqual(scoped(toks, "Kernel"), ["keyword.other.expectation.litmus"]);
  assert.deepEqual(scoped(toks, "v5.7"), ["constant.language.expectation.litmus"]);
  assert.ok(toks.filter((t) => t.text.includes("speculative user")).every((t) => t.scopes.includes("comment.block.herd7.litmus")));
  assert.deepEqual(scoped(toks, "P0"), ["entity.name.function.process.litmus"]);
  assert.deepEqual(scoped(toks, "P1"), ["entity.name.function.process.litmus"]);
  assert.deepEqual(scoped(toks, "try_get_page"), ["entity.name.function.litmus"]);
  assert.deepEqual(scoped(toks, "exists"), ["keyword.control.quantifier.litmus", "keyword.control.quantifier.litmus"]);
  assert.deepEqual(scoped(toks, "forall"), ["keyword.control.quantifier.litmus"]);
  assert.deepEqual(scoped(toks, "/\\"), ["keyword.operator.logical.condition.litmus"]);
  assert.deepEqual(scoped(toks, "\\/"), ["keyword.operator.logical.condition.litmus"]);
  assert.deepEqual(scoped(toks, "r0"), ["variable.other.register.litmus"]);
  assert.deepEqual(scoped(toks, "_refcount").at(-1), "variable.other.member.litmus");
  assert.deepEqual(scoped(toks, "linux/mm.h").length + scoped(toks, "<linux/mm.h>").length, 1);

  // (* is a comment outside C bodies and in the init block, C inside a body and a parameter list.
  const c = tokenize("C t\n(* Result: Never *)\n{ int x = 1; (* init comment *) }\nP0(int (*p))\n{\n\tint r = (*p);\n}\n(* Expect: clean *)\n");
  assert.deepEqual(scoped(c, "Never"), ["constant.language.expectation.litmus"]);
  assert.ok(c.filter((t) => t.text.includes("init comment")).every((t) => t.scopes.includes("comment.block.herd7.litmus")));
  assert.ok(c.filter((t) => t.line === 4 || t.line === 6).every((t) => !t.scopes.some((s) => s.startsWith("comment"))));
  assert.deepEqual(scoped(c, "clean"), ["constant.language.expectation.litmus"]);
  assert.deepEqual(invalid(c), []);
});

test("the extension packages with vsce", { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "pageproof-vsix-"));
  try {
    const out = join(dir, "pageproof-litmus.vsix");
    const vsce = join(ROOT, "node_modules/@vscode/vsce/vsce");
    const p = spawnSync(process.execPath, [vsce, "package", "--no-dependencies", "--skip-license", "--allow-missing-repository", "-o", out], {
      cwd: join(ROOT, "editors/vscode"),
      encoding: "utf8",
    });
    assert.equal(p.status, 0, p.stdout + p.stderr);
    // A .vsix is a zip: its central directory names the files uncompressed.
    const zip = readFileSync(out).toString("latin1");
    for (const f of ["extension/package.json", "extension/dist/extension.js", "extension/syntaxes/litmus.tmLanguage.json", "extension/language-configuration.json"]) assert.ok(zip.includes(f), f);
    assert.ok(!zip.includes("extension/src/"), "the TypeScript source stays out");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
