import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Near real durations (unit tests take milliseconds, Anvil cycles a few seconds) with room for CI.
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
