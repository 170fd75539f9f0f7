import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Limits near real durations with room for a slower CI machine (×3–5): a test that slows down
    // 10× fails instead of hiding. Suites that are long by nature (kill -9 cycles, 400-call
    // settlement) set their own, per describe or per test.
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Test files each start their own Anvil and node; two at a time suits a 2-core machine.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
