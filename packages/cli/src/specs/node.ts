/** `tributary node` (runs commands/node.ts) and, under it, the operator commands. */
import { optional, parsePort, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { nodeRegisterSpec } from './nodeRegister.js';
import { nodeStatusSpec } from './nodeStatus.js';
import { nodeUnstakeSpec } from './nodeUnstake.js';

export const nodeSpec = defineCommand({
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
  subcommands: [nodeRegisterSpec, nodeStatusSpec, nodeUnstakeSpec],
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
  run: async ({ values, json }) => {
    const options = {
      home: values.home,
      port: parsePort(values.port, '--port'),
      rpc: optional(parseUrl, values.rpc, '--rpc'),
      addresses: values.addresses,
      publicUrl: optional(parseUrl, values['public-url'], '--public-url'),
      databaseUrl: values['database-url'],
      json,
    };
    await (await import('../commands/node.js')).nodeCommand(options);
  },
});
