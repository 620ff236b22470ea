#!/usr/bin/env node
// Cost of the cluster search (--cluster) on this machine, and a projection to more workers.
// Not part of `npm test`; separate from bench/run.mjs (the PV ladder against SPIN), whose
// table it does not touch.
//
//   npm run bench:cluster [-- --quick] [--out FILE]     (default bench/cluster-results.md)
//
// For each model: one thread (`check`, no --workers), then the cluster with 1 and with 2
// workers on a redis-server started here on a free port (stopped by pid). Measured: wall time,
// bytes through Redis per state (the server's own network counters: every command and reply,
// both directions), the payload bytes, CPU per state of the coordinator, the workers and Redis.
// Then bench/cluster-model.mjs projects 8, 32 and 128 workers from those costs.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, cpus, loadavg } from "node:os";
import { join, dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { writeModel } from "./gen-pv.mjs";
import { project, projectPartitioned } from "./cluster-model.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, "..");
const cli = join(root, "dist/src/cli/main.js");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const out = resolve(args.includes("--out") ? args[args.indexOf("--out") + 1] : join(here, "cluster-results.md"));
const tmp = mkdtempSync(join(tmpdir(), "pp-bench-cluster-"));

const models = [
  { name: "pv-ok(4,1) no reductions", file: writeModel("ok", 4, 1, tmp).file, opts: ["--no-por", "--no-symmetry"] },
  ...(quick
    ? []
    : [
        { name: "pv-ok(5,1) no reductions", file: writeModel("ok", 5, 1, tmp).file, opts: ["--no-por", "--no-symmetry"] },
        { name: "pv-ok(10,2) POR + symmetry", file: writeModel("ok", 10, 2, tmp).file, opts: [] },
      ]),
];

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
const exited = (p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once("exit", r)));
const stop = async (p) => {
  if (p.exitCode === null && p.signalCode === null) process.kill(p.pid, "SIGTERM");
  await exited(p);
};
/** CPU seconds (user + system) of a live process, from /proc (Linux). */
const cpuOf = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
};
const run = (a, env = {}) => {
  const r = spawnSync(process.execPath, [cli, ...a], { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`pageproof ${a.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return r;
};

const port = await freePort();
const url = `redis://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), "pp-bench-redis-"));
const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise((res, rej) => {
  let s = "";
  redis.once("error", rej);
  redis.stdout.on("data", (d) => {
    s += d;
    if (s.includes("Ready to accept connections")) res();
  });
});
redis.stdout.resume();
const info = new Redis(url);
const counters = async () => {
  const t = await info.info();
  const v = (k) => Number(new RegExp(`${k}:([\\d.]+)`).exec(t)[1]);
  return { bytes: v("total_net_input_bytes") + v("total_net_output_bytes"), cpu: v("used_cpu_user") + v("used_cpu_sys") };
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rows = [];
try {
  // Start-up costs, removed from the per-state costs the projection uses: a worker's CPU after
  // starting and idling 1.5 s; the coordinator's CPU for a 7-state model.
  const idle = spawn(process.execPath, [cli, "worker", "--cluster", url], { stdio: "ignore" });
  await sleep(1500);
  const workerStartCpu = cpuOf(idle.pid);
  const tiny = run(["check", "--format", "json", "--cluster", url, join(root, "bench/models/pv-ok-1-1.litmus")], { PAGEPROOF_CLUSTER_PROFILE: "1" });
  const coordStartMs = JSON.parse(/cluster-profile (.*)/.exec(tiny.stderr)[1]).cpuMs;
  // The same for the partitioned mode (a 1-state-per-level model: its CPU is start-up).
  const tinyPart = run(["check", "--format", "json", "--no-por", "--cluster", url, join(root, "bench/models/pv-ok-1-1.litmus")], { PAGEPROOF_CLUSTER_PROFILE: "1" });
  const partProf = JSON.parse(/cluster-profile (.*)/.exec(tinyPart.stderr)[1]);
  const coordStartMsPart = partProf.cpuMs; // its few levels are left in: start-up, slightly over
  await stop(idle);
  for (const m of models) {
    const local = JSON.parse(run(["check", "--format", "json", ...m.opts, m.file]).stdout);
    const row = { model: m.name, states: local.stats.states, transitions: local.stats.transitions, local: local.stats.seconds, cluster: {} };
    for (const n of [1, 2]) {
      const workers = Array.from({ length: n }, () => spawn(process.execPath, [cli, "worker", "--cluster", url], { stdio: "ignore" }));
      await sleep(1500); // started and waiting: the run's time is the search's
      const before = await counters();
      // This table is the coordinator-ordered mode (the default with POR; forced here without).
      const r = run(["check", "--format", "json", "--cluster", url, ...m.opts, m.file], { PAGEPROOF_CLUSTER_PROFILE: "1", PAGEPROOF_CLUSTER_MODE: "ordered" });
      const after = await counters();
      const workerCpu = workers.reduce((s, w) => s + cpuOf(w.pid), 0);
      for (const w of workers) await stop(w);
      const j = JSON.parse(r.stdout);
      const prof = JSON.parse(/cluster-profile (.*)/.exec(r.stderr)[1]);
      if (j.stats.states !== local.stats.states || j.stats.transitions !== local.stats.transitions) throw new Error(`${m.name}: the cluster's counts differ from one machine's`);
      row.cluster[n] = {
        seconds: j.stats.seconds,
        workers: j.stats.workers,
        wireBytesPerState: (after.bytes - before.bytes) / j.stats.states,
        payloadBytesPerState: (prof.frontierBytes + prof.resultBytes) / j.stats.states,
        redisCpuUsPerState: ((after.cpu - before.cpu) * 1e6) / j.stats.states,
        workerCpuUsPerState: (workerCpu * 1e6) / j.stats.states, // includes ~0.3 s of start-up per worker
        expandUsPerState: (prof.workerMs * 1000) / j.stats.states,
        commitUsPerState: (prof.commitMs * 1000) / j.stats.states,
        coordCpuUsPerState: (prof.cpuMs * 1000) / j.stats.states,
        cwUs: ((workerCpu - n * workerStartCpu) * 1e6) / j.stats.states,
        ccUs: ((prof.cpuMs - coordStartMs) * 1000) / j.stats.states,
        batches: prof.resultBatches,
        batch: prof.batch,
        levels: prof.levels,
      };
      console.error(`${m.name}: ${n} worker(s) ${j.stats.seconds} s (one thread ${local.stats.seconds} s)`);
    }
    rows.push(row);
    if (!m.opts.includes("--no-por")) continue;
    // The partitioned mode (the default with --no-por): 1 and 2 owners, and 1 owner with small
    // batches, whose difference gives the cost per message apart from the cost per state.
    row.part = {};
    for (const [key, n, batch] of [[1, 1, 512], [2, 2, 512], ["1s", 1, 64]]) {
      const workers = Array.from({ length: n }, () => spawn(process.execPath, [cli, "worker", "--cluster", url], { stdio: "ignore" }));
      await sleep(1500);
      const before = await counters();
      const r = run(["check", "--format", "json", "--cluster", url, ...m.opts, m.file], { PAGEPROOF_CLUSTER_PROFILE: "1", PAGEPROOF_CLUSTER_WORKERS: String(n), PAGEPROOF_CLUSTER_BATCH: String(batch) });
      const after = await counters();
      const workerCpu = workers.reduce((s, w) => s + cpuOf(w.pid), 0);
      for (const w of workers) await stop(w);
      const j = JSON.parse(r.stdout);
      const prof = JSON.parse(/cluster-profile (.*)/.exec(r.stderr)[1]);
      if (j.stats.clusterMode !== "partitioned") throw new Error(`${m.name}: expected the partitioned mode`);
      if (j.stats.states !== local.stats.states || j.stats.transitions !== local.stats.transitions || j.stats.depth !== local.stats.depth) throw new Error(`${m.name}: the partitioned counts differ from one machine's`);
      row.part[key] = {
        seconds: j.stats.seconds,
        workers: j.stats.workers,
        batch,
        messages: prof.messages,
        levels: prof.levels,
        wireBytesPerState: (after.bytes - before.bytes) / j.stats.states,
        payloadBytesPerState: prof.bytesOut / j.stats.states,
        workerCpuUs: (workerCpu - n * workerStartCpu) * 1e6, // start-up removed
        expandUs: prof.workerMs * 1000,
        redisCpuUs: (after.cpu - before.cpu) * 1e6,
        coordCpuUs: Math.max(0, prof.cpuMs - coordStartMsPart) * 1000,
      };
      console.error(`${m.name}: partitioned, ${n} worker(s), batch ${batch}: ${j.stats.seconds} s (one thread ${local.stats.seconds} s)`);
    }
  }
} finally {
  info.disconnect();
  await stop(redis);
  rmSync(dir, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
}

const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);
let md = `# Cluster search: measured cost and projection\n\n`;
md += `Generated by \`npm run bench:cluster\` (bench/cluster.mjs) on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model ?? "?"}; `;
md += `redis-server ${spawnSync("redis-server", ["--version"], { encoding: "utf8" }).stdout.split(" ")[2]?.slice(2)}, Node ${process.version}. `;
md += `Workers, coordinator and Redis share this machine's cores, so the 2-worker column measures overhead, not scaling. Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(", ")} (the machine is shared; timings vary by 2× between runs).\n\n`;
md += `| model | states | transitions | one thread s | cluster 1 worker s | overhead | cluster 2 workers s | overhead | states/s per worker (1 / 2) | wire bytes/state | payload bytes/state |\n|---|---|---|---|---|---|---|---|---|---|---|\n`;
for (const r of rows) {
  const a = r.cluster[1];
  const b = r.cluster[2];
  md += `| ${r.model} | ${r.states} | ${r.transitions} | ${f2(r.local)} | ${f2(a.seconds)} | ${f1(a.seconds / r.local)}× | ${f2(b.seconds)} | ${f1(b.seconds / r.local)}× | ${Math.round(r.states / a.seconds)} / ${Math.round(r.states / b.seconds / 2)} | ${Math.round(a.wireBytesPerState)} | ${Math.round(a.payloadBytesPerState)} |\n`;
}
md += `\nCPU per state (µs), 1-worker run: where the time goes.\n\n| model | worker: expand | worker: process total | coordinator: commit | coordinator: process total | Redis |\n|---|---|---|---|---|---|\n`;
for (const r of rows) {
  const a = r.cluster[1];
  md += `| ${r.model} | ${f2(a.expandUsPerState)} | ${f2(a.workerCpuUsPerState)} | ${f2(a.commitUsPerState)} | ${f2(a.coordCpuUsPerState)} | ${f2(a.redisCpuUsPerState)} |\n`;
}
const prow = rows.filter((r) => r.part);
if (prow.length) {
  md += `\n## Partitioned mode (--no-por): workers own the visited set\n\nSame models, same server; the counts (states, transitions, depth) are checked equal to one thread's. "1 worker, 64" is the 1-worker run with 64-state batches: with the 512-state run it separates the cost per message from the cost per state (two equations, two unknowns, for the workers and for Redis).\n\n`;
  md += `| model | one thread s | 1 worker s | overhead | 2 workers s | overhead | 1 worker, 64 s | messages (512 / 64) | wire bytes/state | payload bytes/state |\n|---|---|---|---|---|---|---|---|---|---|\n`;
  for (const r of prow) {
    const [a, b, c] = [r.part[1], r.part[2], r.part["1s"]];
    md += `| ${r.model} | ${f2(r.local)} | ${f2(a.seconds)} | ${f1(a.seconds / r.local)}× | ${f2(b.seconds)} | ${f1(b.seconds / r.local)}× | ${f2(c.seconds)} | ${a.messages} / ${c.messages} | ${Math.round(a.wireBytesPerState)} | ${Math.round(a.payloadBytesPerState)} |\n`;
  }
  md += `\nCPU, 1-worker runs (µs): per state and per message, solved from the 512- and 64-state runs; the coordinator's whole process per level.\n\n| model | worker: expand + dedup per state | worker total per state | worker per message | Redis per state | Redis per message | coordinator per level |\n|---|---|---|---|---|---|---|\n`;
  for (const r of prow) {
    const [a, c] = [r.part[1], r.part["1s"]];
    const solve = (x, y) => {
      const perMsg = Math.max(0, (y - x) / (c.messages - a.messages));
      return { perMsg, perState: Math.max(0, (x - perMsg * a.messages) / r.states) };
    };
    r.partCosts = { w: solve(a.workerCpuUs, c.workerCpuUs), redis: solve(a.redisCpuUs, c.redisCpuUs), coordPerLevel: a.coordCpuUs / a.levels.length, expand: a.expandUs / r.states };
    const k = r.partCosts;
    md += `| ${r.model} | ${f2(k.expand)} | ${f2(k.w.perState)} | ${f1(k.w.perMsg)} | ${f2(k.redis.perState)} | ${f1(k.redis.perMsg)} | ${Math.round(k.coordPerLevel)} |\n`;
  }
}
md += `\n${project(rows)}`;
md += prow.length ? `\n${projectPartitioned(prow)}` : "";
writeFileSync(out, md);
console.log(md);
