// The scenario catalog and the prelude headers, bundled at build time (Vite import.meta.glob).

const scenarioFiles = import.meta.glob("../scenarios/**/*.litmus", { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const preludeFiles = import.meta.glob("../prelude/**/*.h", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** Catalog entries by repository path ("scenarios/2020-splice-thread/07a-splice-tee-v57.litmus"). */
export const catalog: { path: string; text: string }[] = Object.entries(scenarioFiles)
  .map(([k, text]) => ({ path: k.replace(/^\.\.\//, ""), text }))
  .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

/** Prelude headers by path under prelude/ ("v5.7/linux/mm.h"), as checkSource's `prelude` option wants them. */
export const prelude: Map<string, string> = new Map(Object.entries(preludeFiles).map(([k, text]) => [k.replace(/^\.\.\/prelude\//, ""), text]));
