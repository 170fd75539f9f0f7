import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Each test runs the real CLI against `tributary dev` (10-15 s); starting dev takes longer.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
