// Mutation testing of the attribution engine (`npm run mutation` at the root prints the score).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  // suffixArrayWasm.ts is generated (native/build.sh): a base64 string, nothing to mutate.
  mutate: [
    'src/**/*.ts',
    '!src/**/*.test.ts',
    '!src/testHelpers.ts',
    '!src/testCorpus.ts',
    '!src/suffixArrayWasm.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
