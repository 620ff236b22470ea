// Command-line option parsing shared by the commands. Usage errors exit with code 2.

import { availableParallelism } from "node:os";
import { KERNELS } from "../frontend/kernel.js";
import { clusterUrlError } from "../engine/cluster/url.js";

export class UsageError extends Error {}

export interface CliOptions {
  format: "text" | "json" | "html" | "ktap" | "junit";
  output: string | null;
  states: boolean;
  warn: "fail" | "report";
  maxStates?: number;
  timeoutMs?: number;
  maxMemoryMB?: number;
  refcountBits?: number;
  color: boolean;
  por: boolean;
  mergeLocks: boolean;
  symmetry: boolean;
  exact: boolean;
  hashTable: boolean;
  fairness: "weak" | "strong" | "none";
  /** herd7's view or strict; undefined: herd7 for a final condition without an Expect: line. */
  mode?: "herd7" | "strict";
  /** The kernel model; undefined: the scenario's `Kernel:` line, else the newest. */
  kernel?: string;
  workers: number;
  /** --cluster URL: a Redis server whose workers run the search (engine/cluster/). */
  cluster?: string;
  /** --swarm N: N randomized bounded depth-first jobs on the cluster instead of the exhaustive search. */
  swarm?: number;
  /** The memory model (undefined: the scenario's Model: line, else sc). */
  model?: "sc" | "lkmm";
  /** LKMM mode: loop bound (herd7's -unroll). */
  unroll?: number;
  /** LKMM mode: concrete or symbolic read values (default auto). */
  lkmmValues?: "auto" | "concrete" | "symbolic";
  files: string[];
}

function num(flag: string, v: string | undefined, min: number): number {
  const n = Number(v);
  if (v === undefined || v === "" || !Number.isFinite(n) || n < min) throw new UsageError(`${flag} needs a number >= ${min}`);
  return n;
}

/** A value from a fixed set, or a usage error naming the choices. */
function choice<T extends string>(flag: string, v: string | undefined, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new UsageError(`${flag} is ${allowed.slice(0, -1).join(", ")} or ${allowed[allowed.length - 1]}`);
  return v as T;
}

export function parseArgs(argv: string[]): CliOptions {
  const o: CliOptions = {
    format: "text",
    output: null,
    states: false,
    warn: "fail",
    color: !!process.stdout.isTTY && !process.env.NO_COLOR,
    por: true,
    mergeLocks: true,
    symmetry: true,
    exact: false,
    hashTable: false,
    fairness: "weak",
    workers: 1,
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
      case "-f":
        o.format = choice("--format", take(), ["text", "json", "html", "ktap", "junit"] as const);
        break;
      case "-o":
      case "--output":
        o.output = take() ?? null;
        if (!o.output) throw new UsageError("-o needs a file name");
        break;
      case "--states":
        o.states = true;
        break;
      case "--warn":
        o.warn = choice("--warn", take(), ["fail", "report"] as const);
        break;
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
      case "--mode":
        o.mode = choice("--mode", take(), ["herd7", "strict"] as const);
        break;
      case "--kernel":
        o.kernel = choice("--kernel", take(), KERNELS);
        break;
      case "--fairness":
        o.fairness = choice("--fairness", take(), ["weak", "strong", "none"] as const);
        break;
      case "--workers": {
        const v = take();
        o.workers = v === "auto" ? availableParallelism() : Math.floor(num("--workers", v, 1));
        break;
      }
      case "--cluster": {
        const url = take();
        const bad = clusterUrlError(url);
        if (bad) throw new UsageError(bad);
        o.cluster = url;
        break;
      }
      case "--swarm":
        o.swarm = Math.floor(num("--swarm", take(), 2));
        break;
      case "--model":
        o.model = choice("--model", take(), ["sc", "lkmm"] as const);
        break;
      case "--lkmm-values":
        o.lkmmValues = choice("--lkmm-values", take(), ["auto", "concrete", "symbolic"] as const);
        break;
      case "--unroll":
        o.unroll = Math.floor(num("--unroll", take(), 0));
        break;
      case "--exact":
        o.exact = true;
        break;
      case "--hash-table":
        o.hashTable = true;
        break;
      case "--no-symmetry":
        o.symmetry = false;
        break;
      case "--no-por":
        o.por = false;
        break;
      case "--no-merge-locks":
        o.mergeLocks = false;
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
