// Command-line option parsing shared by the commands. Usage errors exit with code 2.

export class UsageError extends Error {}

export interface CliOptions {
  format: "text" | "json" | "html";
  output: string | null;
  states: boolean;
  warn: "fail" | "report";
  maxStates?: number;
  timeoutMs?: number;
  maxMemoryMB?: number;
  refcountBits?: number;
  color: boolean;
  por: boolean;
  symmetry: boolean;
  exact: boolean;
  fairness: "weak" | "strong" | "none";
  files: string[];
}

function num(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || v === "" || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} needs a number >= ${min}`);
  return n;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    format: "text",
    output: null,
    states: false,
    warn: "fail",
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    por: true,
    symmetry: true,
    exact: false,
    fairness: "weak",
    files: [],
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let value: string | undefined;
    const eq = a.indexOf("=");
    if (a.startsWith("--") && eq > 0) {
      value = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const take = () => (value !== undefined ? value : argv[++i]);
    switch (a) {
      case "--format":
      case "-f": {
        const f = take();
        if (f !== "text" && f !== "json" && f !== "html") throw new UsageError("--format is text, json or html");
        o.format = f;
        break;
      }
      case "-o":
      case "--output":
        o.output = take() ?? null;
        if (!o.output) throw new UsageError("-o needs a file name");
        break;
      case "--states":
        o.states = true;
        break;
      case "--warn": {
        const w = take();
        if (w !== "fail" && w !== "report") throw new UsageError("--warn is fail or report");
        o.warn = w;
        break;
      }
      case "--max-states":
        o.maxStates = num(a, take(), 1);
        break;
      case "--timeout":
        o.timeoutMs = num(a, take(), 0) * 1000;
        break;
      case "--max-memory":
        o.maxMemoryMB = num(a, take(), 1);
        break;
      case "--refcount-bits":
        o.refcountBits = num(a, take(), 2);
        if (o.refcountBits > 32) throw new UsageError("--refcount-bits is at most 32");
        break;
      case "--fairness": {
        const f = take();
        if (f !== "weak" && f !== "strong" && f !== "none") throw new UsageError("--fairness is weak, strong or none");
        o.fairness = f;
        break;
      }
      case "--exact":
        o.exact = true;
        break;
      case "--no-symmetry":
        o.symmetry = false;
        break;
      case "--no-por":
        o.por = false;
        break;
      case "--no-color":
        o.color = false;
        break;
      case "--color":
        o.color = true;
        break;
      default:
        if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
        o.files.push(argv[i]);
    }
  }
  return o;
}
