// Runs the checker off the main thread: {text, path} in, progress messages, then the result.
import { checkSource } from "../src/core.js";
import { prelude } from "./catalog.js";

export type FromWorker =
  | { type: "progress"; states: number; transitions: number; depth: number; seconds: number; bytes: number }
  | { type: "result"; result: ReturnType<typeof checkSource> }
  | { type: "crash"; message: string };

self.onmessage = (e: MessageEvent<{ text: string; path: string }>) => {
  const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
  try {
    const result = checkSource(e.data.text, e.data.path, {
      prelude,
      progress: (p) => post({ type: "progress", states: p.states, transitions: p.transitions, depth: p.depth, seconds: p.seconds, bytes: p.bytes }),
    });
    post({ type: "result", result });
  } catch (err) {
    post({ type: "crash", message: err instanceof Error ? `${err.message}\n${err.stack ?? ""}` : String(err) });
  }
};
