import { defineConfig } from 'vitest/config';
import { runFromSource } from '../../vitest.shared.js';

export default defineConfig({
  ...runFromSource,
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Test files each start their own Anvil and node; two at a time suits a 2-core machine.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
