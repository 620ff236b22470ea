// The cluster search (--cluster, engine/cluster/) on a real Redis server that each test starts
// on 127.0.0.1 with a free port and stops by its process id. "Mid-run" is made deterministic by
// the workers' PAGEPROOF_CLUSTER_PAUSE_AFTER hook: the worker prints "paused" when it takes its
// Nth batch and holds it unanswered; the test acts on that line, never on a timer.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CheckResult, NodeCheckOptions, checkSource } from "../src/check.js";
import { collectScenarioFiles } from "../src/cli/test.js";
import { generate } from "./difftest/gen.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const main = join(root, "dist/src/cli/main.js");
const haveRedis = spawnSync("redis-server", ["--version"]).status === 0;
const skip = haveRedis ? false : "redis-server is not installed (apt-get install redis-server; .ci/run installs it)";

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

/** Resolves with the first line of p's stdout that matches re. */
function lineOf(p: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((res, rej) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = buf.split("\n").find((l) => re.test(l));
      if (m !== undefined) {
        p.stdout!.off("data", onData);
        res(m);
      }
    };
    p.stdout!.on("data", onData);
    p.once("exit", (c) => rej(new Error(`exited (${c}) before printing ${re}: ${buf}`)));
  });
}

const exited = (p: ChildProcess) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise<void>((res) => p.once("exit", () => res())));

async function stop(p: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  if (p.exitCode === null && p.signalCode === null && p.pid !== undefined) process.kill(p.pid, signal);
  await exited(p);
}

interface Server {
  url: string;
  proc: ChildProcess;
  dir: string;
}

async function startRedis(): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pp-cluster-test-"));
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
  await lineOf(proc, /Ready to accept connections/);
  proc.stdout!.resume();
  return { url: `redis://127.0.0.1:${port}`, proc, dir };
}

async function stopRedis(s: Server): Promise<void> {
  await stop(s.proc);
  rmSync(s.dir, { recursive: true, force: true });
}

function startWorker(url: string, env: Record<string, string> = {}): ChildProcess {
  const p = spawn(process.execPath, [main, "worker", "--cluster", url], { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, ...env } });
  p.stdout!.resume();
  return p;
}

/** `pageproof ARGS`, asynchronously (the test must go on reacting to the workers). */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [main, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("exit", (status) => res({ status, stdout, stderr }));
  });
}

const steps = (r: CheckResult | undefined) => r?.violation?.trace.steps.map((s) => s.proc).join(",");

/** Everything a one-machine check decides, for comparison. */
function essence(r: CheckResult) {
  return {
    verdict: r.verdict,
    states: r.stats.states,
    transitions: r.stats.transitions,
    depth: r.stats.depth,
    completeDepth: r.stats.completeDepth,
    violation: r.violation && { kind: r.violation.kind, message: r.violation.message, process: r.violation.process, shortest: r.violation.shortest, steps: steps(r) },
    warnings: r.warnings.map((w) => `${w.kind} ${w.message} @${w.trace.steps.map((s) => s.proc).join(",")}`),
    finalStates: r.finalStates,
    observation: r.observation,
    incomplete: r.incomplete,
  };
}

/**
 * What the partitioned mode must equal: every count of a complete search; at a violation (where
 * the serial search stops part-way through a level, in its own order) the verdict, the finding
 * and the trace's length (a shortest one; which of equally short ones may differ). Final states
 * and warnings are compared as sets, traces by length.
 */
function partitioned(r: CheckResult) {
  const e = essence(r);
  const v = r.violation;
  return {
    ...e,
    ...(r.verdict === "violation" ? { states: 0, transitions: 0, completeDepth: 0 } : {}),
    // The trace is the owners' parent links replayed: it must reach a finding of the same kind, at
    // the same depth. Which one, when several processes fail at that depth (06c: the transfer
    // starting on a secure page, or the page made secure under a transfer), may differ.
    violation: v && { kind: v.kind, shortest: v.shortest, length: v.trace.steps.length, reaches: v.trace.steps.at(-1)?.violation === true },
    warnings: r.warnings.map((w) => `${w.kind} ${w.message} @${w.trace.steps.length}`).sort(),
    finalStates: r.finalStates.map((f) => JSON.stringify(f)).sort(),
  };
}

describe("cluster search on a real Redis server", { skip }, () => {
  let server: Server;
  let workers: ChildProcess[] = [];
  before(async () => {
    server = await startRedis();
    workers = [startWorker(server.url), startWorker(server.url)];
    // Partitioned runs start once both workers own a slot, so states cross between owners.
    process.env.PAGEPROOF_CLUSTER_WORKERS = "2";
  });
  after(async () => {
    delete process.env.PAGEPROOF_CLUSTER_WORKERS;
    for (const w of workers) await stop(w);
    await stopRedis(server);
  });

  const same = (name: string, src: string, opts: NodeCheckOptions) => {
    const local = checkSource(src, name, opts);
    assert.notEqual(local.verdict, "error", `${name}: ${local.error?.message}`);
    const remote = checkSource(src, name, { ...opts, cluster: server.url });
    assert.ok((remote.stats.workers ?? 0) >= 1, `${name}: no worker took part (${remote.verdict} ${remote.error?.message ?? ""})`);
    // --no-por runs partitioned (the workers own the visited set); POR runs are committed in order.
    assert.equal(remote.stats.clusterMode, opts.por === false ? "partitioned" : "ordered", name);
    if (opts.por === false) {
      assert.equal(remote.stats.workers, 2, name);
      assert.deepEqual(partitioned(remote), partitioned(local), name);
    }
    else assert.deepEqual(essence(remote), essence(local), name);
  };

  test("catalog, defaults (POR + symmetry) and no reductions: same verdict, states, transitions, traces", () => {
    // Liveness and LKMM scenarios run on one machine (their engines are not the BFS).
    const files = collectScenarioFiles([join(root, "scenarios")]).filter((f) => !f.includes("/liveness/") && !/\bModel:\s*lkmm/.test(readFileSync(f, "utf8")));
    assert.ok(files.length > 20);
    for (const f of files) {
      const src = readFileSync(f, "utf8");
      same(f, src, {});
      same(f, src, { por: false });
    }
  });

  test("generated programs (final states, deadlocks, assertions), with and without reductions", () => {
    for (let seed = 2001; seed <= 2012; seed++) {
      same(`gen-${seed}`, generate(seed), {});
      same(`gen-${seed}`, generate(seed), { por: false, symmetry: false, warn: "report" });
    }
  });

  test("herd7 mode (findings as warnings), WARN in report mode, --max-states gives incomplete", () => {
    const fx = (n: string) => readFileSync(join(root, "test/fixtures", n), "utf8");
    same("abba", fx("abba.litmus"), {});
    same("warn-helper", fx("warn-helper.litmus"), { warn: "report" });
    same("mp", fx("mp.litmus"), { por: false });
    for (const por of [true, false]) {
      const r = checkSource(fx("html-counter.litmus"), "counter", { cluster: server.url, maxStates: 5, por });
      assert.equal(r.verdict, "incomplete");
      assert.equal(r.incomplete?.limit, "max-states");
    }
  });
});

describe("swarm mode (--swarm N): randomized bounded depth-first jobs on the cluster", { skip }, () => {
  let server: Server;
  let workers: ChildProcess[] = [];
  before(async () => {
    server = await startRedis();
    workers = [startWorker(server.url), startWorker(server.url)];
  });
  after(async () => {
    for (const w of workers) await stop(w);
    await stopRedis(server);
  });

  test("a violation found by a job is replayed into a real trace, no shorter than the shortest", () => {
    for (const f of ["scenarios/2020-splice-thread/07a-splice-tee-v57.litmus", "scenarios/2020-splice-thread/02-io-without-callback.litmus"]) {
      const src = readFileSync(join(root, f), "utf8");
      const local = checkSource(src, f, {});
      const swarm = checkSource(src, f, { cluster: server.url, swarm: 3 });
      assert.equal(swarm.verdict, "violation", f);
      assert.equal(swarm.violation?.kind, local.violation?.kind, f);
      assert.equal(swarm.violation?.shortest, false, f);
      // The replay (trace.ts) reached the violation along the job's path: its last step is it.
      assert.equal(swarm.violation?.trace.steps.at(-1)?.violation, true, f);
      assert.ok(swarm.violation!.trace.steps.length >= local.violation!.trace.steps.length, f);
      assert.equal(swarm.swarm?.jobs, 3);
      assert.ok((swarm.swarm?.violations ?? 0) >= 1);
    }
  });

  test("no violation: incomplete (swarm), never pass, with the jobs' coverage", () => {
    const f = "scenarios/2020-splice-thread/01-four-step-protocol.litmus";
    const src = readFileSync(join(root, f), "utf8");
    const full = checkSource(src, f, { por: false });
    // Bounded below the space: every job stops at its bound, and together they see more.
    const r = checkSource(src, f, { cluster: server.url, swarm: 4, maxStates: 300 });
    assert.equal(r.verdict, "incomplete");
    assert.equal(r.incomplete?.limit, "swarm");
    assert.deepEqual(r.swarm?.statesPerJob, [300, 300, 300, 300]);
    assert.ok(r.swarm!.distinct > 300 && r.swarm!.distinct <= full.stats.states, `distinct ${r.swarm!.distinct}`);
    assert.equal(r.swarm?.exactDistinct, true); // each job's sketch holds all its 300 states
    assert.ok(r.swarm!.estimatedTotal === null || r.swarm!.estimatedTotal >= r.swarm!.distinct);
    // Unbounded, the jobs see the whole space (no POR, symmetry as usual).
    const all = checkSource(src, f, { cluster: server.url, swarm: 2 });
    assert.deepEqual(all.swarm?.statesPerJob.map((n) => n <= full.stats.states), [true, true]);
    assert.ok(Math.abs(all.swarm!.distinct - full.stats.states) < full.stats.states * 0.1, `distinct ${all.swarm!.distinct} of ${full.stats.states}`);
  });

  test("--swarm without --cluster is a usage error", async () => {
    const r = await cli(["check", "--swarm", "4", "scenarios/2020-splice-thread/01-four-step-protocol.litmus"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--swarm runs its jobs on a cluster/);
  });
});

describe("cluster search: faults", { skip }, () => {
  const file = "scenarios/2020-splice-thread/01-four-step-protocol.litmus";
  // Small batches: the run has many per level, so a batch taken late is mid-level.
  const env = { PAGEPROOF_CLUSTER_BATCH: "8" };

  test("a worker SIGKILLed holding a batch mid-run: another redoes it, the counts are still equal", async () => {
    const local = await cli(["check", "--format", "json", file]);
    const server = await startRedis();
    const a = startWorker(server.url, { PAGEPROOF_CLUSTER_PAUSE_AFTER: "12" });
    let b: ChildProcess | null = null;
    try {
      const run = cli(["check", "--format", "json", "--cluster", server.url, file], env);
      await lineOf(a, /^paused /);
      await stop(a, "SIGKILL");
      // The survivor finds the batch pending and claims it once it has been idle this long.
      b = startWorker(server.url, { PAGEPROOF_CLUSTER_CLAIM_MS: "200" });
      const out = await run;
      assert.equal(out.status, local.status, out.stderr);
      const jl = JSON.parse(local.stdout) as CheckResult;
      const jc = JSON.parse(out.stdout) as CheckResult;
      assert.deepEqual(essence(jc), essence(jl));
      assert.equal(jc.stats.workers, 2); // the killed worker's first 11 batches count too
    } finally {
      await stop(a, "SIGKILL");
      if (b) await stop(b);
      await stopRedis(server);
    }
  });

  test("partitioned (--no-por): an owner SIGKILLed mid-level loses its part of the visited set: incomplete (worker-lost), never pass", async () => {
    const server = await startRedis();
    // Two owners (the coordinator waits for both); a holds its 5th batch of candidates unanswered.
    const a = startWorker(server.url, { PAGEPROOF_CLUSTER_PAUSE_AFTER: "5", PAGEPROOF_CLUSTER_HEARTBEAT_MS: "400" });
    const b = startWorker(server.url, { PAGEPROOF_CLUSTER_HEARTBEAT_MS: "400" });
    try {
      const run = cli(["check", "--no-por", "--format", "json", "--cluster", server.url, file], { ...env, PAGEPROOF_CLUSTER_WORKERS: "2" });
      await lineOf(a, /^paused /);
      await stop(a, "SIGKILL");
      const out = await run;
      const j = JSON.parse(out.stdout) as CheckResult;
      assert.equal(j.verdict, "incomplete", out.stderr);
      assert.equal(j.incomplete?.limit, "worker-lost");
      assert.equal(j.stats.clusterMode, "partitioned");
      assert.equal(out.status, 1);
    } finally {
      await stop(a, "SIGKILL");
      await stop(b);
      await stopRedis(server);
    }
  });

  test("the server stopped mid-run: incomplete (server-lost), never pass", async () => {
    const server = await startRedis();
    const a = startWorker(server.url, { PAGEPROOF_CLUSTER_PAUSE_AFTER: "5" });
    try {
      const run = cli(["check", "--format", "json", "--cluster", server.url, file], env);
      await lineOf(a, /^paused /);
      await stop(server.proc);
      const out = await run;
      const j = JSON.parse(out.stdout) as CheckResult;
      assert.equal(j.verdict, "incomplete");
      assert.equal(j.incomplete?.limit, "server-lost");
      assert.equal(out.status, 1);
    } finally {
      await stop(a, "SIGKILL");
      await stopRedis(server);
    }
  });

  test("a coordinator SIGKILLed mid-run: a check started again takes over the server and gets the one-machine result", async () => {
    const local = await cli(["check", "--format", "json", file]);
    const server = await startRedis();
    const a = startWorker(server.url, { PAGEPROOF_CLUSTER_PAUSE_AFTER: "6" });
    const lease = { PAGEPROOF_CLUSTER_LEASE_MS: "1000" };
    let b: ChildProcess | null = null;
    try {
      const first = spawn(process.execPath, [main, "check", "--cluster", server.url, file], { env: { ...process.env, ...env, ...lease }, stdio: "ignore" });
      await lineOf(a, /^paused /);
      await stop(first, "SIGKILL"); // its run is left behind, half done, its lease no longer renewed
      await stop(a, "SIGKILL");
      b = startWorker(server.url);
      const again = await cli(["check", "--format", "json", "--cluster", server.url, file], { ...env, ...lease });
      assert.equal(again.status, local.status, again.stderr);
      assert.deepEqual(essence(JSON.parse(again.stdout) as CheckResult), essence(JSON.parse(local.stdout) as CheckResult));
    } finally {
      await stop(a, "SIGKILL");
      if (b) await stop(b);
      await stopRedis(server);
    }
  });

  test("an unreachable server is a clear error, exit 2, for check and worker; a bad URL is a usage error", async () => {
    // A port this test holds, whose connections are closed at once: a free port could be taken
    // meanwhile by another test run's redis-server on this machine, which would then answer.
    const hold = createServer((sock) => sock.destroy());
    await new Promise<void>((res) => hold.listen(0, "127.0.0.1", () => res()));
    const url = `redis://127.0.0.1:${(hold.address() as { port: number }).port}`;
    try {
      const c = await cli(["check", "--cluster", url, file]);
      assert.equal(c.status, 2);
      assert.match(c.stderr, /cannot reach the cluster server at redis:\/\/127\.0\.0\.1:\d+/);
      assert.equal(c.stdout, "");
      const w = await cli(["worker", "--cluster", url]);
      assert.equal(w.status, 2);
      assert.match(w.stderr, /cannot reach the cluster server/);
    } finally {
      await new Promise<void>((res) => hold.close(() => res()));
    }
    const bad = await cli(["check", "--cluster", "http://x", file]);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--cluster needs a redis:\/\/ URL/);
  });
});
