import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { runFromSource } from '../../vitest.shared.js';

/** The governance journey moves the chain's clock a week ahead, so it runs after the others. */
class GovernanceLast extends BaseSequencer {
  override async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const last = (f: TestSpecification) => f.moduleId.endsWith('governance.spec.ts');
    return [...sorted.filter((f) => !last(f)), ...sorted.filter(last)];
  }
}

// Browser journeys: one dev network and one chromium for all of them (globalSetup), files one
// after another (they share the network, and the machine has two cores).
export default defineConfig({
  ...runFromSource,
  test: {
    include: ['e2e/**/*.spec.ts'],
    globalSetup: ['e2e/globalSetup.ts'],
    fileParallelism: false,
    sequence: { sequencer: GovernanceLast },
    testTimeout: 180_000,
    hookTimeout: 240_000,
  },
});
