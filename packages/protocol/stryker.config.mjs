// Mutation testing of the protocol's pure core (`npm run mutation` at the root prints the score).
// Chain I/O (anvil.ts, clients.ts, deploy.ts, registerNode.ts) is left to the Anvil end-to-end
// suites and scripts/critical-mutations.ts: mutating it here would redeploy per mutant.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.config.ts' },
  mutate: [
    'src/**/*.ts',
    '!src/**/*.test.ts',
    '!src/generated/**',
    '!src/testing.ts',
    '!src/anvil.ts',
    '!src/clients.ts',
    '!src/deploy.ts',
    '!src/registerNode.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  thresholds: { high: 90, low: 80, break: null },
};
