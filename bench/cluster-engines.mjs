// Micro-benchmark behind the choice of the distributed engine (docs/design.md, "Distributed
// search"): batches of binary states (8-byte fingerprint + vector) through a Redis stream with a
// consumer group against a NATS JetStream stream with a pull consumer, each on a server started
// here on 127.0.0.1 and stopped by its process id. Both paths are the one the cluster search
// needs: publish a batch, take it as a member of a group, acknowledge it.
//
//   node bench/cluster-engines.mjs [batches=400] [statesPerBatch=1024] [vectorWords=20]
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, AckPolicy } from "@nats-io/jetstream";

const batches = Number(process.argv[2] ?? 400);
const perBatch = Number(process.argv[3] ?? 1024);
const words = Number(process.argv[4] ?? 20);
const stateBytes = 8 + 4 * words;
const payload = Buffer.alloc(8 + perBatch * stateBytes);
for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
const states = batches * perBatch;

const freePort = () =>
  new Promise((res) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });

async function waitUp(check) {
  for (let i = 0; i < 200; i++) {
    try {
      return await check();
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error("server did not start");
}

function report(name, ms, extra = "") {
  const sps = Math.round(states / (ms / 1000));
  console.log(`${name.padEnd(34)} ${(ms / 1000).toFixed(2)} s  ${sps.toLocaleString("en").padStart(10)} states/s  ${((payload.length / (ms / 1000)) * batches / 1048576).toFixed(0)} MiB/s ${extra}`);
}

async function redisBench() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pp-redis-"));
  const srv = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
  r.on("error", () => {}); // connection refused while the server starts: waitUp retries
  try {
    await waitUp(() => r.connect());
    await r.xgroup("CREATE", "s", "g", "0", "MKSTREAM");
    // Producer and consumer at once, as in the search: 8 batches in flight per pipeline.
    const t0 = performance.now();
    const produce = (async () => {
      for (let i = 0; i < batches; i += 8) {
        const p = r.pipeline();
        for (let j = i; j < Math.min(batches, i + 8); j++) p.xadd("s", "*", "b", payload);
        await p.exec();
      }
    })();
    const c = r.duplicate();
    let got = 0;
    while (got < batches) {
      const res = await c.xreadgroupBuffer("GROUP", "g", "c1", "COUNT", 8, "BLOCK", 1000, "STREAMS", "s", ">");
      if (!res) continue;
      const ids = res[0][1].map(([id]) => id);
      for (const [, f] of res[0][1]) if (f[1].length !== payload.length) throw new Error("bad batch");
      got += ids.length;
      await c.xack("s", "g", ...ids);
    }
    await produce;
    report("redis stream + consumer group", performance.now() - t0);
    const info = await r.info("memory");
    console.log(`  redis used_memory ${(Number(/used_memory:(\d+)/.exec(info)[1]) / 1048576).toFixed(1)} MiB for ${batches} batches kept in the stream`);
    c.disconnect();
  } finally {
    r.disconnect();
    srv.kill("SIGTERM");
    await new Promise((res) => srv.once("exit", res));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function natsBench(storage) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "pp-nats-"));
  const srv = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir], { stdio: "ignore" });
  try {
    const nc = await waitUp(() => connect({ servers: `127.0.0.1:${port}`, maxPayload: 8 << 20 }));
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "B", subjects: ["b.>"], storage, max_msg_size: -1 });
    await jsm.consumers.add("B", { durable_name: "w", ack_policy: AckPolicy.Explicit, max_ack_pending: 64 });
    const js = jetstream(nc);
    const t0 = performance.now();
    const produce = (async () => {
      for (let i = 0; i < batches; i += 8) {
        const ps = [];
        for (let j = i; j < Math.min(batches, i + 8); j++) ps.push(js.publish(`b.${j & 3}`, payload));
        await Promise.all(ps);
      }
    })();
    const c = await js.consumers.get("B", "w");
    let got = 0;
    while (got < batches) {
      const it = await c.fetch({ max_messages: 8, expires: 1000 });
      for await (const m of it) {
        if (m.data.length !== payload.length) throw new Error("bad batch");
        m.ack();
        got++;
      }
    }
    await produce;
    report(`nats jetstream (${storage}) + pull`, performance.now() - t0);
    await nc.drain();
  } finally {
    srv.kill("SIGTERM");
    await new Promise((res) => srv.once("exit", res));
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${batches} batches x ${perBatch} states x ${stateBytes} bytes (${(payload.length / 1024).toFixed(0)} KiB per batch)`);
await redisBench();
await natsBench("memory");
await natsBench("file");
