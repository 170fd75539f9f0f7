/**
 * Runs a node in this process from the environment and config file (see config.ts), until
 * SIGINT or SIGTERM, then shuts down gracefully.
 */
import { loadConfig } from './config.js';
import { startNode } from './node.js';

const node = await startNode(loadConfig());
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    await node.stop();
    process.exit(0);
  });
}
process.send?.({ ready: node.url });
