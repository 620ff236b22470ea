// The playground: a static app (npm run build:web -> web/dist). The checker runs in a Web
// Worker; the scenario catalog and the prelude are bundled in at build time.
import { defineConfig } from "vite";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 2000 },
  worker: { format: "es" },
  server: { fs: { allow: [repo] } },
  preview: { host: "127.0.0.1" },
});
