import { defineConfig } from 'vitest/config';
import { runFromSource } from '../../vitest.shared.js';

export default defineConfig({
  ...runFromSource,
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
