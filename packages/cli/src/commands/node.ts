/**
 * `tributary node`: runs a node against an existing deployment, configured by environment and
 * `<home>/config.json` (RPC_URL, ADDRESSES_FILE, OPERATOR_KEY, DATABASE_URL, …).
 */
import { loadConfig, startNode } from '@tributary/node';

export async function nodeCommand(options: { home?: string }): Promise<void> {
  const node = await startNode(loadConfig({ overrides: options.home ? { home: options.home } : {} }));
  process.stdout.write(`node serving on ${node.url}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await node.stop();
}
