// A short front-end fuzz run (fixed seed) in `npm test`; `npm run fuzz` is the long one.
import { test } from "node:test";
import fc from "fast-check";
import { corpus, fuzzProperty } from "./fuzz.js";

test("mutated scenarios end with a verdict or a positioned error, never an exception", () => {
  fc.assert(fuzzProperty(corpus()), { seed: 20240601, numRuns: 300 });
});
