// Recursive-descent parser for the scenario language: herd7's C litmus wrapper
// (`C name`, `(* comment *)`, init block, P0..Pn, final condition) around a C subset
// extended with loops, goto, switch, helper functions, structs and `__atomic { }`.
// Hand-written so that every error carries an exact position and parsing costs nothing.

import {
  Cond,
  Expr,
  FinalCond,
  FunctionDef,
  Param,
  Program,
  SharedDecl,
  Stmt,
  StructDef,
  StructField,
  TypeRef,
} from "./ast.js";
import { Loc, SourceFile, fail, locAt, makeSourceFile } from "./diagnostics.js";
import { splitHeader } from "./header.js";
import { DEFAULT_KERNEL, kernelLine } from "./kernel.js";
import { Token, tokenize } from "./lexer.js";

/** Kernel qualifiers and attribute macros that carry no meaning for the model. */
const IGNORED_QUALIFIERS = new Set([
  "static", "inline", "extern", "const", "volatile", "register", "auto", "restrict",
  "__always_inline", "noinline", "__must_check", "__maybe_unused", "__rcu", "__user",
  "__iomem", "__percpu", "__init", "__exit", "__cold", "__hot", "__pure", "notrace",
  "__force", "__read_mostly", "__weak", "__inline", "__inline__", "__packed", "__aligned",
  "__visible", "__always_unused", "__used", "__section", "__latent_entropy", "__randomize_layout",
  "__sched", "__ref", "__private", "__kprobes", "nokprobe_inline", "__bitwise",
]);

const INT_TYPES: Record<string, { bits: number; signed: boolean }> = {
  int: { bits: 32, signed: true },
  long: { bits: 32, signed: true }, // values are 32-bit in the state vector; see docs/format.md
  short: { bits: 16, signed: true },
  char: { bits: 8, signed: true },
  u8: { bits: 8, signed: false },
  u16: { bits: 16, signed: false },
  u32: { bits: 32, signed: false },
  u64: { bits: 32, signed: false },
  s8: { bits: 8, signed: true },
  s16: { bits: 16, signed: true },
  s32: { bits: 32, signed: true },
  s64: { bits: 32, signed: true },
  size_t: { bits: 32, signed: false },
  ssize_t: { bits: 32, signed: true },
  intptr_t: { bits: 32, signed: true },
  uintptr_t: { bits: 32, signed: false },
  pgoff_t: { bits: 32, signed: false },
  vm_fault_t: { bits: 32, signed: false },
  gfp_t: { bits: 32, signed: false },
  // The kernel model's page-table entry word and swap entry (the kernel wraps each in a
  // one-member struct for type checking; the model uses the word itself): prelude linux/pgtable.h.
  pte_t: { bits: 32, signed: false },
  swp_entry_t: { bits: 32, signed: false },
  pgprot_t: { bits: 32, signed: false },
};

/** Opaque kernel types modelled as one shared cell (resolved by the checker). */
export const NAMED_TYPES = new Set(["atomic_t", "atomic_long_t", "spinlock_t", "raw_spinlock_t", "refcount_t"]);

const TYPE_WORDS = new Set(["int", "long", "short", "char", "unsigned", "signed", "bool", "_Bool", "void", "struct", "union"]);

export interface ParseOptions {
  /** Resolves `#include` names to file contents (the shipped prelude of the given kernel model). */
  resolveInclude: (name: string, from: SourceFile, kernel: string) => { path: string; text: string } | null;
  /** The kernel model (--kernel); without it, the scenario's `Kernel:` line or the newest model. */
  kernel?: string;
}

export function parseProgram(file: SourceFile, opts: ParseOptions): Program {
  const prog: Program = {
    name: "",
    comment: "",
    doc: null,
    info: [],
    files: [file.path],
    structs: new Map(),
    functions: new Map(),
    defines: new Map(),
    shared: [],
    processes: [],
    final: null,
    filter: null,
    locations: [],
    settings: new Map(),
    kernel: opts.kernel ?? DEFAULT_KERNEL,
    kernelSource: opts.kernel !== undefined ? "option" : "default",
  };
  // Settings live in comments so that herd7 still reads the file: `// pageproof: key=value`.
  for (const m of file.text.matchAll(/\/\/\s*pageproof:\s*([A-Za-z-]+)\s*=\s*(\S+)/g)) prog.settings.set(m[1], m[2]);
  const header = splitHeader(file);
  if (!header) {
    if (/^\s*C\s*(\n|\{|$)/.test(file.text)) fail(locAt(file, file.text.indexOf("C")), "expected a test name after 'C'");
    // A file without a litmus header (a prelude header) starts straight with C.
    new Parser(file, tokenize(file), prog, opts, new Set([file.path])).parseTopLevel(false);
    return prog;
  }
  prog.name = header.name;
  prog.comment = header.comments.join("\n");
  prog.doc = header.doc;
  prog.info = header.info;
  const stated = opts.kernel === undefined ? kernelLine(file, 0, header.initOffset) : null;
  if (stated !== null) {
    prog.kernel = stated;
    prog.kernelSource = "scenario";
  }
  // Directives before the init block come first, then the tokens from the init block on.
  const toks = header.directives.flatMap(([start, end]) => tokenize(file, start, end).filter((t) => t.kind !== "eof"));
  toks.push(...tokenize(file, header.initOffset, file.text.length, true));
  new Parser(file, toks, prog, opts, new Set([file.path])).parseTopLevel(true);
  return prog;
}

/**
 * How deep statements, parentheses, unary operators, assignment chains and else-if chains
 * may nest. The parser and the lowering recurse on each level, so a 20,000-deep expression
 * would exhaust the stack; past this a located error says so (C compilers must accept 63
 * levels of parentheses and 127 of blocks; no litmus test comes near 256).
 */
export const MAX_NESTING = 256;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(
    private readonly file: SourceFile,
    private readonly toks: Token[],
    private readonly prog: Program,
    private readonly opts: ParseOptions,
    private readonly including: Set<string>,
  ) {}

  /** Runs f one nesting level deeper, or fails at t if that is too deep. */
  private nested<T>(t: Token, what: string, f: () => T): T {
    if (++this.depth > MAX_NESTING) fail(this.loc(t), `too deeply nested: more than ${MAX_NESTING} levels of statements and expressions (this ${what} is one too many)`);
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  // ---- token helpers -------------------------------------------------------
  private peek(n = 0): Token {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)];
  }
  private next(): Token {
    const t = this.toks[this.i];
    if (this.i < this.toks.length - 1) this.i++;
    return t;
  }
  private loc(t: Token = this.peek()): Loc {
    return locAt(this.file, t.offset);
  }
  private is(text: string, n = 0): boolean {
    const t = this.peek(n);
    return (t.kind === "punct" || t.kind === "ident") && t.text === text;
  }
  private accept(text: string): boolean {
    if (this.is(text)) {
      this.next();
      return true;
    }
    return false;
  }
  private expect(text: string, what?: string): Token {
    if (!this.is(text)) this.unexpected(what ?? `'${text}'`);
    return this.next();
  }
  private unexpected(wanted: string): never {
    const t = this.peek();
    fail(this.loc(t), `expected ${wanted}, found ${t.kind === "eof" ? "end of file" : `'${t.text}'`}`);
  }
  private ident(what = "a name"): Token {
    if (this.peek().kind !== "ident") this.unexpected(what);
    return this.next();
  }

  // ---- top level -----------------------------------------------------------
  parseTopLevel(isLitmus: boolean): void {
    if (isLitmus) {
      // `#include <linux/mm.h>` and `#define`s may come before the init block (docs/format.md).
      while (this.peek().kind === "directive") this.directive(this.next());
      if (!this.is("{")) this.unexpected("the init block '{ ... }' of the litmus test");
      this.parseInitBlock();
    }
    while (this.peek().kind !== "eof") {
      const t = this.peek();
      if (t.kind === "directive") {
        this.directive(this.next());
        continue;
      }
      if (t.kind === "ident" && /^P\d+$/.test(t.text) && this.is("(", 1)) {
        this.parseProcess();
        continue;
      }
      if (this.is("exists") || this.is("forall") || (this.is("~") && this.is("exists", 1))) {
        this.parseFinal();
        continue;
      }
      if (this.is("locations")) {
        this.next();
        this.expect("[");
        while (!this.is("]")) {
          if (this.peek().kind === "eof") this.unexpected("']'");
          const loc = this.loc();
          const { proc, name } = this.parseLocName();
          this.prog.locations.push({ proc, name, loc });
          this.accept(";");
        }
        this.next();
        continue;
      }
      if (this.is("filter")) {
        this.next();
        this.prog.filter = this.parseCond();
        continue;
      }
      if (this.is(";")) {
        this.next();
        continue;
      }
      if (this.is("struct") && this.peek(1).kind === "ident" && this.is("{", 2)) {
        this.parseStructDef();
        continue;
      }
      if (this.is("typedef")) fail(this.loc(), "typedef is not supported; use the type's own name");
      this.parseFunction();
    }
  }

  private directive(t: Token): void {
    const loc = this.loc(t);
    const inc = /^#\s*include\s*[<"]([^>"]+)[>"]\s*$/.exec(t.text);
    if (inc) {
      const found = this.opts.resolveInclude(inc[1], this.file, this.prog.kernel);
      if (!found) fail(loc, `cannot find include file '${inc[1]}' (pageproof ships the prelude headers of the ${this.prog.kernel} model in prelude/${this.prog.kernel}/)`);
      if (this.including.has(found.path)) return; // include guard: each header once
      this.including.add(found.path);
      this.prog.files.push(found.path);
      const sub = makeSourceFile(found.path, found.text);
      const p = new Parser(sub, tokenize(sub), this.prog, this.opts, this.including);
      p.parseTopLevel(false);
      return;
    }
    const def = /^#\s*define\s+([A-Za-z_]\w*)(\(?)/.exec(t.text);
    if (def) {
      if (def[2]) fail(loc, "function-like macros are not supported; write a static inline function");
      const bodyStart = t.offset + def[0].length;
      const toks = tokenize(this.file, bodyStart, t.offset + t.text.length);
      if (toks.length === 1) {
        this.prog.defines.set(def[1], { k: "num", loc, value: 1 });
        return;
      }
      const p = new Parser(this.file, toks, this.prog, this.opts, this.including);
      const e = p.parseExpr();
      if (p.peek().kind !== "eof") p.unexpected("end of #define");
      this.prog.defines.set(def[1], e);
      return;
    }
    if (/^#\s*(ifndef|ifdef|endif|if|else|undef|pragma)\b/.test(t.text)) return; // header guards
    fail(loc, `unsupported preprocessor directive '${t.text.split(/\s/)[0]}'`);
  }

  private parseInitBlock(): void {
    this.expect("{");
    while (!this.accept("}")) {
      if (this.peek().kind === "eof") this.unexpected("'}' closing the init block");
      if (this.accept(";")) continue;
      const loc = this.loc();
      // herd7 register initialiser `0:r1 = 5;`
      if (this.peek().kind === "num" && this.is(":", 1)) {
        const proc = this.next().value!;
        this.next();
        const name = this.ident("a register name").text;
        this.expect("=");
        const init = this.parseAssignExpr();
        this.prog.shared.push({ loc, name: `${proc}:${name}`, type: null, arrayLen: null, init });
        this.expect(";");
        continue;
      }
      let type: TypeRef | null = null;
      if (this.startsType()) type = this.parseType().type;
      let name: string;
      ({ type, name } = this.declarator(type, "a variable name"));
      let arrayLen: number | null = null;
      if (this.accept("[")) {
        const n = this.next();
        if (n.kind !== "num" || n.value! <= 0) fail(this.loc(n), "array length must be a positive number");
        arrayLen = n.value!;
        this.expect("]");
      }
      let init: Expr | null = null;
      if (this.accept("=")) init = this.is("{") ? this.parseInitializer() : this.parseAssignExpr();
      // herd7 also reads a declaration and, later, its value: `int *p; p = &x;`.
      const earlier = type === null && arrayLen === null && init !== null ? this.prog.shared.find((d) => d.name === name && d.init === null && d.arrayLen === null) : undefined;
      if (earlier) earlier.init = init;
      else this.prog.shared.push({ loc, name, type, arrayLen, init });
      if (!this.accept(";") && !this.is("}")) this.unexpected("';'");
    }
  }

  private parseInitializer(): Expr {
    const loc = this.loc();
    this.expect("{");
    const fields: { name: string | null; value: Expr; loc: Loc }[] = [];
    while (!this.accept("}")) {
      const floc = this.loc();
      let name: string | null = null;
      if (this.accept(".")) {
        name = this.ident("a field name").text;
        this.expect("=");
      }
      const value = this.is("{") ? this.nested(this.peek(), "initialiser", () => this.parseInitializer()) : this.parseAssignExpr();
      fields.push({ name, value, loc: floc });
      if (!this.accept(",")) {
        this.expect("}", "',' or '}'");
        break;
      }
    }
    return { k: "init", loc, fields };
  }

  private parseProcess(): void {
    const nameTok = this.next();
    const idx = Number(nameTok.text.slice(1));
    if (idx !== this.prog.processes.length)
      fail(this.loc(nameTok), `processes must be numbered P0, P1, ... in order; expected P${this.prog.processes.length}`);
    const params = this.parseParams();
    const body = this.parseBlockBody();
    this.prog.processes.push({ loc: this.loc(nameTok), name: nameTok.text, returnType: { kind: "void" }, params, body });
  }

  private parseFunction(): void {
    const loc = this.loc();
    if (!this.startsType()) this.unexpected("a process P<n>(...), a function, a struct or the final condition");
    const { type } = this.parseType();
    const nameTok = this.ident("a function name");
    if (!this.is("(")) fail(this.loc(nameTok), "only functions may be declared outside the init block; shared variables go in the init block");
    const params = this.parseParams();
    if (this.accept(";")) return; // a prototype: the definition comes elsewhere
    const body = this.parseBlockBody();
    if (this.prog.functions.has(nameTok.text)) fail(this.loc(nameTok), `function '${nameTok.text}' is defined twice`);
    this.prog.functions.set(nameTok.text, { loc, name: nameTok.text, returnType: type, params, body });
  }

  private parseParams(): Param[] {
    this.expect("(");
    const params: Param[] = [];
    if (this.is("void") && this.is(")", 1)) this.next();
    while (!this.accept(")")) {
      const loc = this.loc();
      if (!this.startsType()) this.unexpected("a parameter type");
      const { type, name } = this.declarator(this.parseType().type, "a parameter name");
      params.push({ loc, type: type!, name });
      if (!this.accept(",")) {
        this.expect(")", "',' or ')'");
        break;
      }
    }
    return params;
  }

  private parseStructDef(): void {
    const loc = this.loc();
    this.expect("struct");
    const name = this.ident().text;
    this.expect("{");
    const fields: StructField[] = [];
    while (!this.accept("}")) {
      const floc = this.loc();
      if (!this.startsType()) this.unexpected("a field type");
      const { type, isConst } = this.parseType();
      const fname = this.ident("a field name").text;
      let init: Expr | null = null;
      if (this.accept("=")) init = this.parseAssignExpr();
      fields.push({ loc: floc, name: fname, type, isConst, init });
      this.expect(";");
    }
    this.expect(";");
    if (this.prog.structs.has(name)) fail(loc, `struct ${name} is defined twice`);
    this.prog.structs.set(name, { loc, name, fields });
  }

  // ---- types ---------------------------------------------------------------
  private startsType(n = 0): boolean {
    const t = this.peek(n);
    if (t.kind !== "ident") return false;
    if (TYPE_WORDS.has(t.text) || IGNORED_QUALIFIERS.has(t.text) || t.text in INT_TYPES || NAMED_TYPES.has(t.text)) return true;
    if (t.text === "__attribute__") return true;
    // `foo_t name` or `foo_t *name`: an unknown type name followed by a declarator.
    const n1 = this.peek(n + 1);
    return /_t$/.test(t.text) && (n1.kind === "ident" || (n1.text === "*" && this.peek(n + 2).kind === "ident"));
  }

  private parseType(): { type: TypeRef; isConst: boolean } {
    let isConst = false;
    let signed: boolean | null = null;
    let base: string | null = null;
    let longs = 0;
    let type: TypeRef | null = null;
    const start = this.loc();
    for (;;) {
      const t = this.peek();
      if (t.kind !== "ident") break;
      if (t.text === "const") isConst = true;
      if (IGNORED_QUALIFIERS.has(t.text)) {
        this.next();
        continue;
      }
      if (t.text === "__attribute__") {
        this.next();
        this.skipParens();
        continue;
      }
      if (t.text === "unsigned" || t.text === "signed") {
        signed = t.text === "signed";
        this.next();
        continue;
      }
      if (t.text === "long") {
        longs++;
        this.next();
        continue;
      }
      if (type || base) break;
      if (t.text === "struct" || t.text === "union") {
        this.next();
        type = { kind: "struct", name: this.ident("a struct name").text };
        continue;
      }
      if (t.text === "bool" || t.text === "_Bool") type = { kind: "bool" };
      else if (t.text === "void") type = { kind: "void" };
      else if (t.text in INT_TYPES) base = t.text;
      else if (NAMED_TYPES.has(t.text) || (/_t$/.test(t.text) && (signed === null && longs === 0))) type = { kind: "named", name: t.text };
      else break;
      this.next();
    }
    if (!type) {
      if (!base && signed === null && longs === 0) fail(start, "expected a type");
      const name = base ?? (longs > 0 ? "long" : "int");
      const info = INT_TYPES[name];
      type = { kind: "int", bits: info.bits, signed: signed ?? info.signed, name: (signed === false ? "unsigned " : "") + name };
    }
    while (this.is("*") || this.is("const") || (this.peek().kind === "ident" && IGNORED_QUALIFIERS.has(this.peek().text))) {
      if (this.next().text === "*") type = { kind: "ptr", to: type };
    }
    return { type, isConst };
  }

  /** A declarator: `*`s, then a name, possibly in parentheses (`int (*x)`, `int *(p)`), as C allows. */
  private declarator(type: TypeRef | null, what: string): { type: TypeRef | null; name: string } {
    let t = type;
    while (this.accept("*")) t = { kind: "ptr", to: t ?? { kind: "int", bits: 32, signed: true, name: "int" } };
    const open = this.peek();
    if (open.text === "(" && open.kind === "punct" && (this.peek(1).kind === "ident" || this.is("*", 1))) {
      this.next();
      const inner = this.nested(open, "declarator", () => this.declarator(t, what));
      this.expect(")");
      if (this.is("(")) fail(this.loc(), "function pointers are not supported");
      return inner;
    }
    return { type: t, name: this.ident(what).text };
  }

  private skipParens(): void {
    this.expect("(");
    let depth = 1;
    while (depth > 0) {
      const t = this.next();
      if (t.kind === "eof") this.unexpected("')'");
      if (t.text === "(") depth++;
      if (t.text === ")") depth--;
    }
  }

  // ---- statements ----------------------------------------------------------
  private parseBlockBody(): Stmt[] {
    this.expect("{");
    const body: Stmt[] = [];
    while (!this.accept("}")) {
      if (this.peek().kind === "eof") this.unexpected("'}'");
      body.push(...this.parseStmtOrDecls());
    }
    return body;
  }

  /** A statement, or a declaration that may declare several names (`int a, b = 1;`). */
  private parseStmtOrDecls(): Stmt[] {
    if (this.startsType() && !(this.peek(1).text === ":")) {
      const loc = this.loc();
      const { type, isConst } = this.parseType();
      const out: Stmt[] = [];
      for (;;) {
        const dloc = this.loc();
        const { type: declared, name } = this.declarator(type, "a variable name");
        const t = declared!;
        if (this.is("[")) fail(this.loc(), "local arrays are not supported");
        let init: Expr | null = null;
        if (this.accept("=")) init = this.is("{") ? this.parseInitializer() : this.parseAssignExpr();
        out.push({ k: "decl", loc: out.length ? dloc : loc, type: t, name, init, isConst, end: this.peek().offset });
        if (!this.accept(",")) break;
      }
      this.expect(";");
      return out;
    }
    return [this.parseStmt()];
  }

  private parseStmt(): Stmt {
    return this.nested(this.peek(), "statement", () => this.parseStmtAt());
  }

  private parseStmtAt(): Stmt {
    const loc = this.loc();
    const t = this.peek();
    if (t.kind === "directive") fail(loc, "preprocessor directives are only allowed at top level");
    if (t.kind === "punct") {
      if (t.text === "{") return { k: "block", loc, body: this.parseBlockBody() };
      if (t.text === ";") {
        this.next();
        return { k: "empty", loc };
      }
    }
    if (t.kind === "ident") {
      switch (t.text) {
        case "if": {
          this.next();
          this.expect("(");
          const test = this.parseExpr();
          const end = this.expect(")").offset + 1;
          const then = this.parseStmt();
          const els = this.accept("else") ? this.parseStmt() : null;
          return { k: "if", loc, test, then, else: els, end };
        }
        case "while": {
          this.next();
          this.expect("(");
          const test = this.parseExpr();
          const end = this.expect(")").offset + 1;
          return { k: "while", loc, test, body: this.parseStmt(), end };
        }
        case "do": {
          this.next();
          const body = this.parseStmt();
          this.expect("while");
          this.expect("(");
          const test = this.parseExpr();
          this.expect(")");
          this.expect(";");
          return { k: "do", loc, body, test };
        }
        case "for": {
          this.next();
          this.expect("(");
          let init: Stmt | null = null;
          if (!this.accept(";")) {
            if (this.startsType()) {
              const decls = this.parseStmtOrDecls();
              init = decls.length === 1 ? decls[0] : { k: "block", loc, body: decls };
            } else {
              const e = this.parseExpr();
              init = { k: "expr", loc: e.loc, expr: e, end: this.peek().offset };
              this.expect(";");
            }
          }
          const test = this.is(";") ? null : this.parseExpr();
          this.expect(";");
          const update = this.is(")") ? null : this.parseExpr();
          this.expect(")");
          return { k: "for", loc, init, test, update, body: this.parseStmt() };
        }
        case "switch": {
          this.next();
          this.expect("(");
          const test = this.parseExpr();
          const end = this.expect(")").offset + 1;
          return { k: "switch", loc, test, body: this.parseStmt(), end };
        }
        case "case": {
          this.next();
          const value = this.parseCondExpr();
          this.expect(":");
          return { k: "case", loc, value };
        }
        case "default":
          this.next();
          this.expect(":");
          return { k: "case", loc, value: null };
        case "break":
          this.next();
          this.expect(";");
          return { k: "break", loc };
        case "continue":
          this.next();
          this.expect(";");
          return { k: "continue", loc };
        case "return": {
          this.next();
          const value = this.is(";") ? null : this.parseExpr();
          const end = this.expect(";").offset + 1;
          return { k: "return", loc, value, end };
        }
        case "goto": {
          this.next();
          const label = this.ident("a label").text;
          this.expect(";");
          return { k: "goto", loc, label };
        }
        case "__atomic":
        case "atomic_block": {
          this.next();
          return { k: "atomic", loc, body: this.parseBlockBody() };
        }
        case "else":
          fail(loc, "'else' without a matching 'if'");
      }
      if (this.is(":", 1) && !this.is("::", 1)) {
        this.next();
        this.next();
        return { k: "label", loc, label: t.text };
      }
    }
    const expr = this.parseExpr();
    const end = this.peek().offset;
    this.expect(";");
    return { k: "expr", loc, expr, end };
  }

  // ---- expressions (C precedence) ------------------------------------------
  parseExpr(): Expr {
    const e = this.parseAssignExpr();
    if (this.is(",")) fail(this.loc(), "the comma operator is not supported");
    return e;
  }

  private parseAssignExpr(): Expr {
    const left = this.parseCondExpr();
    const t = this.peek();
    if (t.kind === "punct" && /^([+\-*/%&|^]|<<|>>)?=$/.test(t.text)) {
      this.next();
      const value = this.nested(t, "assignment", () => this.parseAssignExpr());
      return { k: "assign", loc: left.loc, op: t.text, target: left, value };
    }
    return left;
  }

  private parseCondExpr(): Expr {
    const test = this.parseBinary(0);
    if (!this.is("?")) return test;
    const q = this.next();
    const then = this.nested(q, "conditional expression", () => this.parseAssignExpr());
    this.expect(":");
    const els = this.nested(q, "conditional expression", () => this.parseCondExpr());
    return { k: "cond", loc: test.loc, test, then, else: els };
  }

  private static readonly LEVELS: string[][] = [
    ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", ">", "<=", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
  ];

  private parseBinary(level: number): Expr {
    if (level === Parser.LEVELS.length) return this.parseUnary();
    let left = this.parseBinary(level + 1);
    for (let chain = 1; ; chain++) {
      const t = this.peek();
      if (t.kind !== "punct" || !Parser.LEVELS[level].includes(t.text)) return left;
      this.chainLimit(chain);
      this.next();
      const right = this.parseBinary(level + 1);
      left = { k: "binary", loc: this.loc(t), op: t.text, left, right };
    }
  }

  private parseUnary(): Expr {
    const t = this.peek();
    const loc = this.loc(t);
    if (t.kind === "punct") {
      if (t.text === "++" || t.text === "--") {
        this.next();
        return { k: "incdec", loc, op: t.text, prefix: true, arg: this.nested(t, "unary operator", () => this.parseUnary()) };
      }
      if (["-", "+", "!", "~", "*", "&"].includes(t.text)) {
        this.next();
        return { k: "unary", loc, op: t.text, arg: this.nested(t, "unary operator", () => this.parseUnary()) };
      }
      if (t.text === "(" && this.startsType(1)) {
        this.next();
        const { type } = this.parseType();
        this.expect(")");
        return { k: "cast", loc, type, arg: this.nested(t, "cast", () => this.parseUnary()) };
      }
    }
    if (t.kind === "ident" && t.text === "sizeof") fail(loc, "sizeof is not supported");
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePostfix(e: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.text === "." || t.text === "->") {
        this.next();
        const field = this.ident("a field name");
        e = { k: "member", loc: this.loc(field), obj: e, field: field.text, arrow: t.text === "->" };
      } else if (t.text === "[") {
        const open = this.next();
        const index = this.nested(open, "subscript", () => this.parseExpr());
        this.expect("]");
        e = { k: "index", loc: e.loc, obj: e, index };
      } else if (t.text === "++" || t.text === "--") {
        this.next();
        e = { k: "incdec", loc: e.loc, op: t.text, prefix: false, arg: e };
      } else if (t.text === "(" && t.kind === "punct") {
        fail(this.loc(t), "only named functions can be called");
      } else return e;
    }
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    const loc = this.loc(t);
    if (t.kind === "num") {
      this.next();
      return { k: "num", loc, value: t.value! };
    }
    if (t.kind === "str") {
      this.next();
      return { k: "str", loc, value: t.text };
    }
    if (t.kind === "ident") {
      this.next();
      if (t.text === "true" || t.text === "false") return { k: "num", loc, value: t.text === "true" ? 1 : 0 };
      if (t.text === "NULL") return { k: "num", loc, value: 0 };
      if (this.is("(") && this.peek().kind === "punct") {
        this.next();
        const args: Expr[] = [];
        while (!this.accept(")")) {
          args.push(this.nested(t, "call argument", () => this.parseAssignExpr()));
          if (!this.accept(",")) {
            this.expect(")", "',' or ')'");
            break;
          }
        }
        return { k: "call", loc, callee: t.text, calleeLoc: loc, args, end: this.toks[this.i - 1].offset + 1 };
      }
      return { k: "name", loc, name: t.text };
    }
    if (t.text === "(") {
      this.next();
      const e = this.nested(t, "parenthesis", () => this.parseExpr());
      this.expect(")");
      return e;
    }
    this.unexpected("an expression");
  }

  // ---- final condition -----------------------------------------------------
  private parseFinal(): void {
    const loc = this.loc();
    let quant: FinalCond["quant"];
    if (this.accept("~")) {
      this.next();
      quant = "~exists";
    } else quant = this.next().text as "exists" | "forall";
    if (this.prog.final) fail(loc, "only one final condition is allowed");
    this.prog.final = { loc, quant, cond: this.parseCond() };
  }

  private parseCond(): Cond {
    let left = this.parseCondAnd();
    for (let chain = 1; this.is("\\/"); chain++) {
      this.chainLimit(chain);
      this.next();
      left = { k: "or", left, right: this.parseCondAnd() };
    }
    return left;
  }
  private parseCondAnd(): Cond {
    let left = this.parseCondNot();
    for (let chain = 1; this.is("/\\"); chain++) {
      this.chainLimit(chain);
      this.next();
      left = { k: "and", left, right: this.parseCondNot() };
    }
    return left;
  }
  /** A chain of one operator builds a left-leaning tree as deep as the chain is long. */
  private chainLimit(chain: number): void {
    if (chain > MAX_NESTING * 4) fail(this.loc(), `more than ${MAX_NESTING * 4} '${this.peek().text}' operators in a row`);
  }
  private parseCondNot(): Cond {
    const t = this.peek();
    if (this.accept("~") || this.accept("not")) return { k: "not", arg: this.nested(t, "negation", () => this.parseCondNot()) };
    if (this.accept("(")) {
      const c = this.nested(t, "parenthesis", () => this.parseCond());
      this.expect(")");
      return c;
    }
    if (this.accept("true")) return { k: "true" };
    if (this.accept("false")) return { k: "false" };
    const loc = this.loc();
    const { proc, name } = this.parseLocName();
    let field: string | null = null;
    if (this.accept(".") || this.accept("->")) field = this.ident("a field name").text;
    let op: "=" | "!=" = "=";
    if (this.accept("!=")) op = "!=";
    else if (!this.accept("==")) this.expect("=", "'='");
    let value: Expr;
    const v = this.peek();
    if (v.kind === "num" && this.is(":", 1)) {
      // herd7 compares two registers: `0:r0=1:r0`.
      const rloc = this.loc(v);
      const rhs = this.parseLocName() as { proc: number; name: string };
      return { k: "atom", loc, proc, name, field, value: { k: "num", loc: rloc, value: 0 }, op, rhs: { ...rhs, loc: rloc } };
    }
    if (v.kind === "ident") {
      this.next();
      value = { k: "name", loc: this.loc(v), name: v.text };
    } else value = this.parseUnary();
    return { k: "atom", loc, proc, name, field, value, op };
  }

  private parseLocName(): { proc: number | null; name: string } {
    if (this.peek().kind === "num" && this.is(":", 1)) {
      const proc = this.next().value!;
      this.next();
      return { proc, name: this.ident("a register name").text };
    }
    if (this.accept("[")) {
      const name = this.ident("a location name").text;
      this.expect("]");
      return { proc: null, name };
    }
    return { proc: null, name: this.ident("a location such as x or 0:r1").text };
  }
}
