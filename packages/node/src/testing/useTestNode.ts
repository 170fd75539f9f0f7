/**
 * A suite's chain and node: started before its tests, stopped after them (vitest hooks).
 *
 * @example
 * const setup = useTestNode();
 * it('…', async () => { const client = setup.net.client(1); … setup.node.ctx.db … });
 */
import { afterAll, beforeAll } from 'vitest';
import type { RunningNode } from '../node.js';
import { startTestNetwork, type TestNetwork } from './testNetwork.js';

export function useTestNode(): { readonly net: TestNetwork; readonly node: RunningNode } {
  const setup = {} as { net: TestNetwork; node: RunningNode };
  beforeAll(async () => {
    setup.net = await startTestNetwork();
    setup.node = await setup.net.startNode();
  });
  afterAll(() => setup.net?.stop());
  return setup;
}
