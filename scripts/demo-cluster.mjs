// npm run demo:cluster -- FILE [check options]
// Starts a Redis server on 127.0.0.1 (a free port, a temporary directory) and three workers on
// this machine, runs `pageproof check FILE --cluster URL [options]`, then stops everything it
// started, by process id, and exits with the check's exit code.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const cli = join(root, "dist/src/cli/main.js");
const args = process.argv.slice(2);
if (args.length === 0 || args[0].startsWith("-")) {
  process.stderr.write("usage: npm run demo:cluster -- FILE [check options]\n");
  process.exit(2);
}

const port = await new Promise((res, rej) => {
  const s = createServer();
  s.on("error", rej);
  s.listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => res(p));
  });
});
const url = `redis://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), "pp-demo-"));
const started = [];
const stopAll = async () => {
  for (const p of started.reverse()) {
    if (p.exitCode === null && p.signalCode === null) {
      process.kill(p.pid, "SIGTERM");
      await new Promise((r) => p.once("exit", r));
    }
  }
  rmSync(dir, { recursive: true, force: true });
};
process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

let redis;
try {
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(redis);
  await new Promise((res, rej) => {
    let out = "";
    redis.once("error", (e) => rej(new Error(`cannot start redis-server (apt-get install redis-server): ${e.message}`)));
    redis.once("exit", (c) => rej(new Error(`redis-server exited (${c}): ${out}`)));
    redis.stdout.on("data", (d) => {
      out += d;
      if (/Ready to accept connections/.test(out)) {
        redis.stdout.resume();
        res();
      }
    });
  });
} catch (e) {
  process.stderr.write(`demo:cluster: ${e.message}\n`);
  await stopAll();
  process.exit(2);
}
process.stderr.write(`demo:cluster: redis-server pid ${redis.pid} on ${url}\n`);
for (let i = 0; i < 3; i++) {
  const w = spawn(process.execPath, [cli, "worker", "--cluster", url], { stdio: ["ignore", "ignore", "inherit"] });
  started.push(w);
  process.stderr.write(`demo:cluster: worker pid ${w.pid}\n`);
}
// With --no-por the run is partitioned: wait for all three workers to own a slot.
const check = spawn(process.execPath, [cli, "check", ...args, "--cluster", url], { stdio: "inherit", env: { ...process.env, PAGEPROOF_CLUSTER_WORKERS: process.env.PAGEPROOF_CLUSTER_WORKERS ?? "3" } });
const code = await new Promise((res) => check.once("exit", (c) => res(c ?? 1)));
await stopAll();
process.exit(code);
