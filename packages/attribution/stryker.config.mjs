// Mutation testing of the attribution engine (`npm run mutation` at the root prints the score).
//
// What is mutated: the code that decides who is paid and how much (weights, shares, contribution
// ids, manifests and roots, span tracing), not the search machinery under it (suffix arrays,
// segments, tokenizer), whose results the property tests compare with brute force. On this
// project's 2-core machine the whole package is ~3,900 mutants and ~20 h (its 892 static mutants
// re-run the whole 90 s suite each); this scope is ~730 mutants and ~30 min. The whole package:
//   npx stryker run --ignoreStatic --mutate 'src/**/*.ts,!src/**/*.test.ts,!src/test*.ts,!src/suffixArrayWasm.ts'
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  mutate: [
    'src/attribute.ts',
    'src/spanWeights.ts',
    'src/supportWeights.ts',
    'src/contributionId.ts',
    'src/mergePolicy.ts',
    'src/manifest.ts',
    'src/indexRoot.ts',
    'src/traceSpans.ts',
  ],
  // Static mutants (module-level constants) can only be tested by re-running the whole suite.
  ignoreStatic: true,
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
