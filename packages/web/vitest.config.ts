import { defineConfig } from 'vitest/config';

// Browser journeys: one dev network and one chromium for all of them (globalSetup), files one
// after another (they share the network, and the machine has two cores).
export default defineConfig({
  test: {
    include: ['e2e/**/*.spec.ts'],
    globalSetup: ['e2e/globalSetup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
