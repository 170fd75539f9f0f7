import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Property tests build many suffix arrays; a slow CI machine needs more than vitest's 5 s default.
    testTimeout: 120_000,
  },
});
