// Bundles the extension and vscode-languageclient into one CommonJS file (dist/extension.js) for
// Node, as VS Code loads extensions; `vscode` is provided by the editor. The .vsix then needs no
// node_modules (vsce package --no-dependencies).
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  logLevel: "warn",
  build: {
    ssr: "src/extension.ts",
    outDir: "dist",
    emptyOutDir: true,
    target: "node20",
    minify: true,
    rollupOptions: {
      external: ["vscode", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      output: { format: "cjs", entryFileNames: "extension.js" },
    },
  },
  ssr: { noExternal: true, target: "node" },
});
