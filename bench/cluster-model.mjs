// Projection of the cluster search to 8, 32 and 128 workers from the costs bench/cluster.mjs
// measures on this 2-core machine (where more than one worker only shares the same cores).
//
// A discrete-event simulation of the protocol as search.ts runs it, batch by batch, over the
// model's real level sizes (the run's profile):
//   - a level's states are cut into batches of B (PAGEPROOF_CLUSTER_BATCH, 512);
//   - a batch of level l+1 exists once the coordinator has committed the share of level l
//     that produced it (the coordinator streams new states out as it commits; assumed even);
//   - W workers take available batches first come first served; a batch costs b·cw of a worker;
//   - Redis is one server (a run's keys share one hash tag, so even a Redis Cluster serves a
//     run from one node): a batch costs b·cr of it, after the worker and before the commit;
//   - the coordinator commits batches strictly in order, b·cc each (the serial order is what
//     makes the counts and the POR proviso exact);
//   - each hop (coordinator → Redis → worker → Redis → coordinator) adds latency L.
// Assumptions (written down because they are not measured here): workers on their own cores
// or machines (no sharing), cw/cc/cr per state as measured at one worker (start-up removed),
// network bandwidth not the limit (checked: bytes/state × states/s is printed against 10 Gb/s),
// L = 0.25 ms per hop (a LAN round trip; 127.0.0.1 here measures less).

const L = 0.25e-3;

/** Seconds for one run with W workers. costs in seconds per state. */
export function simulate(levels, B, W, { cw, cc, cr }) {
  const workerFree = new Array(W).fill(0);
  let redisFree = 0;
  let commitDone = 0; // time the coordinator finished the previous batch
  let prevCommits = [0]; // commit times of the previous level's batches (level 0: t = 0)
  for (let l = 0; l < levels.length; l++) {
    const n = levels[l];
    const nb = Math.max(1, Math.ceil(n / B));
    const commits = [];
    for (let j = 0; j < nb; j++) {
      const b = j === nb - 1 ? n - B * (nb - 1) : B;
      // the parent batch whose commit produced this batch's states
      const parent = Math.min(prevCommits.length - 1, Math.ceil(((j + 1) * prevCommits.length) / nb) - 1);
      const avail = prevCommits[parent] + L;
      // the worker free soonest
      let k = 0;
      for (let i = 1; i < W; i++) if (workerFree[i] < workerFree[k]) k = i;
      const start = Math.max(avail, workerFree[k]);
      const done = start + b * cw;
      workerFree[k] = done;
      redisFree = Math.max(redisFree, done + L) + b * cr;
      commitDone = Math.max(commitDone, redisFree + L) + b * cc;
      commits.push(commitDone);
    }
    prevCommits = commits;
  }
  return commitDone;
}

/** The projection table (markdown) for the rows bench/cluster.mjs measured. */
export function project(rows) {
  let md = `## Projection to more workers (bench/cluster-model.mjs)\n\n`;
  md += `A discrete-event simulation of the protocol over each model's real level sizes, with the per-state costs measured above at one worker (worker expand + messaging = cw, coordinator commit + messaging = cc, Redis = cr; start-up removed) and L = 0.25 ms per hop. Assumptions: workers on their own cores, network bandwidth not limiting (the last column checks it against 10 Gb/s), one Redis node per run (a run's keys share one hash tag), the coordinator commits in serial order. "sim. 1" is the simulation of the measured 1-worker run, for calibration: it comes out at about half the measured time, because here the coordinator, the worker and Redis share 2 cores (with other users of the machine), which the simulation does not model — read the columns as ratios.\n\n`;
  md += `| model | cw µs | cc µs | cr µs | measured 1 worker s | sim. 1 s | sim. 8 s | sim. 32 s | sim. 128 s | states/s at 128 | speed-up 128 vs 1 | bound | Gb/s at 128 |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
  for (const r of rows) {
    const a = r.cluster[1];
    const costs = { cw: a.cwUs * 1e-6, cc: a.ccUs * 1e-6, cr: a.redisCpuUsPerState * 1e-6 };
    const t = Object.fromEntries([1, 8, 32, 128].map((w) => [w, simulate(a.levels, a.batch, w, costs)]));
    const sps = r.states / t[128];
    const bound = costs.cc >= costs.cr ? "coordinator (serial commit)" : "Redis (one node)";
    md += `| ${r.model} | ${a.cwUs.toFixed(2)} | ${a.ccUs.toFixed(2)} | ${a.redisCpuUsPerState.toFixed(2)} | ${a.seconds.toFixed(2)} | ${t[1].toFixed(2)} | ${t[8].toFixed(2)} | ${t[32].toFixed(2)} | ${t[128].toFixed(2)} | ${Math.round(sps)} | ${(t[1] / t[128]).toFixed(1)}× | ${bound} | ${((sps * a.wireBytesPerState * 8) / 1e9).toFixed(2)} |\n`;
  }
  md += `\nThe ceiling is 1 / max(cc, cr) states/s whatever W is: past a few workers the coordinator's in-order commit (or the one Redis node) is the bottleneck, and narrow BFS levels (the first and last of each model) cannot use many workers at all.\n`;
  return md;
}

// ---------------------------------------------------------------------------------------------
// The partitioned mode (partition.ts): level-synchronous, each of W owners dedups and expands
// its share of a level and sends the successors straight to their owners. Per level l with n
// states and t = n·τ successors (τ = transitions / states of the model):
//   - each owner expands n/W states at cs each (its whole CPU per state: dedup of the
//     candidates, remaking and expanding the new ones, routing) and handles its messages at cm
//     each (building, sending, receiving, parsing); a pair (source, owner) exchanges
//     c = t/W² candidates per level, in ceil(c/B) batches when c ≥ B, else in one batch with
//     probability 1 − e^(−c) — so at large W and small levels the messages, W² per level, are
//     what costs;
//   - Redis handles every state's bytes (crs per state) and every message (crm), on one node
//     (as built: a run's keys share one hash tag), or spread over one node per 8 owners (the
//     inboxes given per-slot hash tags on a Redis Cluster — not built);
//   - the level ends at a barrier: the last report reaches the coordinator, which sends the
//     next level's counts: about 3 hops of L, plus the coordinator's own work per level.
// A level takes max(owner, Redis) + barrier; levels do not overlap.

export function simulatePartitioned(levels, tau, B, W, { cs, cm, crs, crm, cl }, redisNodes = 1) {
  let t = 0;
  for (const n of levels) {
    const c = (n * tau) / (W * W);
    const perPair = c >= B ? Math.ceil(c / B) : 1 - Math.exp(-c);
    const msgs = W * W * perPair;
    const owner = (n / W) * cs + (msgs / W) * cm;
    const redis = (n * crs + msgs * crm) / redisNodes;
    t += Math.max(owner, redis) + 3 * L + cl;
  }
  return t;
}

export function projectPartitioned(rows) {
  let md = `## Projection of the partitioned mode (bench/cluster-model.mjs, simulatePartitioned)\n\n`;
  md += `Per level: owners work in parallel on n/W states each (cs per state) and their messages (cm each; a pair of owners exchanges t/W² candidates per level, so messages grow as W² when levels are small); Redis costs crs per state and crm per message; a barrier of 3 hops (L = 0.25 ms) and the coordinator's per-level work (cl) end each level. cs, cm, crs, crm from the 1-worker runs at 512- and 64-state batches (start-up removed), cl from the coordinator's CPU per level. Assumptions: owners on their own cores, network bandwidth not limiting (last column, at 128), Redis on one node as built, and — the column "128, sharded" — one Redis node per 8 owners (per-slot hash tags on the inboxes: not built). "sim. 1" against the measured 1-worker time calibrates (everything shares 2 cores here).\n\n`;
  md += `| model | cs µs | cm µs | crs µs | crm µs | cl µs | measured 1 s | sim. 1 s | sim. 8 s | sim. 32 s | sim. 128 s | 128, sharded s | speed-up 8 / 32 / 128 / 128 sharded vs 1 | states/s at 128 sharded | Gb/s at 128 sharded |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
  for (const r of rows) {
    const k = r.partCosts;
    const a = r.part[1];
    const costs = { cs: k.w.perState * 1e-6, cm: k.w.perMsg * 1e-6, crs: k.redis.perState * 1e-6, crm: k.redis.perMsg * 1e-6, cl: k.coordPerLevel * 1e-6 };
    const tau = r.transitions / r.states;
    const sim = (w, nodes = 1) => simulatePartitioned(a.levels, tau, a.batch, w, costs, nodes);
    const t = Object.fromEntries([1, 8, 32, 128].map((w) => [w, sim(w)]));
    const sh = sim(128, 16);
    const sps = r.states / sh;
    md += `| ${r.model} | ${k.w.perState.toFixed(2)} | ${k.w.perMsg.toFixed(1)} | ${k.redis.perState.toFixed(2)} | ${k.redis.perMsg.toFixed(1)} | ${Math.round(k.coordPerLevel)} | ${a.seconds.toFixed(2)} | ${t[1].toFixed(2)} | ${t[8].toFixed(2)} | ${t[32].toFixed(2)} | ${t[128].toFixed(2)} | ${sh.toFixed(2)} | ${[t[8], t[32], t[128], sh].map((x) => (t[1] / x).toFixed(1) + "×").join(" / ")} | ${Math.round(sps)} | ${((sps * a.wireBytesPerState * 8) / 1e9).toFixed(2)} |\n`;
  }
  return md;
}
