/**
 * `tributary node`: runs a node against an existing deployment (configured by
 * `<home>/config.json`, the environment and these options), and the operator's commands under it:
 * `node register`, `node status`, `node unstake`.
 */
import { type ConfigInput, loadConfig, startNode } from '@tributary/node';
import { parsePort, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { nodeRegisterCommand } from './nodeRegister.js';
import { nodeStatusCommand } from './nodeStatus.js';
import { nodeUnstakeCommand } from './nodeUnstake.js';

export const nodeCommand = defineCommand({
  name: 'node',
  summary: 'Run a node against a deployment (and, under it, the operator commands)',
  usage:
    'node [--home DIR] [--port N] [--rpc URL] [--addresses FILE] [--public-url URL] [--database-url URL]',
  description:
    'Settings come from <home>/config.json, then the environment (OPERATOR_KEY, SIGNING_KEY, RPC_URL,\n' +
    'ADDRESSES_FILE, DATABASE_URL, PORT, HOST, PUBLIC_URL, UPSTREAM_URL, LOG_LEVEL), then these options.\n' +
    'Register the operator first (`tributary node register`). Datanets hosted by other nodes are\n' +
    'found through NodeRegistry: models build from their public snapshots, checked against the chain.',
  options: {
    home: {
      type: 'string',
      value: 'DIR',
      description: 'where the node keeps its state (default .tributary)',
    },
    port: { type: 'string', value: 'N', description: 'the API port (default 8787; 0 picks a free one)' },
    rpc: { type: 'string', value: 'URL', description: "the chain's RPC" },
    addresses: { type: 'string', value: 'FILE', description: "the deployment's addresses file" },
    'public-url': { type: 'string', value: 'URL', description: 'the URL others reach this node at' },
    'database-url': {
      type: 'string',
      value: 'URL',
      description: 'PostgreSQL (default: embedded PGlite under the home)',
    },
  },
  subcommands: [nodeRegisterCommand, nodeStatusCommand, nodeUnstakeCommand],
  examples: [
    {
      comment: 'A second operator on the network `tributary dev` runs (dev account 8 as operator)',
      command:
        'OPERATOR_KEY=0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97 tributary node --home node2 --port 8788 --addresses .tributary/addresses.json',
    },
    {
      comment: 'On PostgreSQL',
      command: 'tributary node --home node2 --database-url postgres://localhost/tributary',
    },
  ],
  run: async ({ values, ui }) => {
    const overrides: Partial<ConfigInput> = {
      ...(values.home ? { home: values.home } : {}),
      ...(values.port !== undefined ? { port: parsePort(values.port, '--port') } : {}),
      ...(values.rpc ? { rpcUrl: parseUrl(values.rpc, '--rpc') } : {}),
      ...(values.addresses ? { addressesFile: values.addresses } : {}),
      ...(values['public-url'] ? { publicUrl: parseUrl(values['public-url'], '--public-url') } : {}),
      ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
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
  },
});
