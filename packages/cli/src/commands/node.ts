/**
 * `tributary node`: runs a node against an existing deployment, configured by `<home>/config.json`,
 * the environment (RPC_URL, ADDRESSES_FILE, OPERATOR_KEY, DATABASE_URL, …) and the options.
 */
import { type ConfigInput, loadConfig, startNode } from '@tributary/node';
import { createUi } from '../ui.js';

export type NodeOptions = {
  home?: string | undefined;
  port?: number | undefined;
  rpc?: string | undefined;
  addresses?: string | undefined;
  publicUrl?: string | undefined;
  databaseUrl?: string | undefined;
  json: boolean;
};

export async function nodeCommand(options: NodeOptions): Promise<void> {
  const ui = createUi({ json: options.json });
  const overrides: Partial<ConfigInput> = {
    ...(options.home ? { home: options.home } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.rpc ? { rpcUrl: options.rpc } : {}),
    ...(options.addresses ? { addressesFile: options.addresses } : {}),
    ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
  };
  const node = await ui.step('Starting the node', () => startNode(loadConfig({ overrides })));
  const { chain } = node.ctx;
  ui.result({ node: node.url, operator: chain.operator.address, chainId: chain.chainId }, () =>
    ui.info(`node ${chain.operator.address} serving on ${ui.cyan(node.url)} (chain ${chain.chainId})`),
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await node.stop();
}
