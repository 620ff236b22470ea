// Library entry: `import { checkSource, checkFile } from "pageproof"`.
export { checkFile, checkSource } from "./check.js";
export type { CheckOptions, CheckResult, Expectation, Verdict } from "./check.js";
export { compileSource } from "./ir/compile.js";
export { formatText } from "./report/text.js";
