import { defineConfig } from 'vitest/config';
import { runFromSource } from '../../vitest.shared.js';

export default defineConfig({
  ...runFromSource,
  test: {
    include: ['src/**/*.test.ts'],
    // Each test runs the real CLI against `tributary dev` (10-15 s); starting dev takes longer.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
