/**
 * Options several commands share: where the deployment is (the same environment variables the
 * node reads: RPC_URL, ADDRESSES_FILE, TRIBUTARY_HOME), the operator's key (OPERATOR_KEY), and
 * the node and wallet of `tributary gov`.
 */
import type { OptionSpec } from '../command.js';

export const deploymentOptions = {
  rpc: { type: 'string', value: 'URL', description: "the chain's RPC", env: 'RPC_URL' },
  addresses: {
    type: 'string',
    value: 'FILE',
    description: "the deployment's addresses file (default <home>/addresses.json)",
    env: 'ADDRESSES_FILE',
  },
  home: {
    type: 'string',
    value: 'DIR',
    description: "the node's home (default .tributary)",
    env: 'TRIBUTARY_HOME',
  },
} as const satisfies Record<string, OptionSpec>;

export const operatorKeyOption = {
  type: 'string',
  value: '0x…',
  description: "the operator's private key (prefer the environment variable)",
  env: 'OPERATOR_KEY',
  required: true,
} as const satisfies OptionSpec;

/** Options every `tributary gov` subcommand takes (commands/gov.ts parses them itself). */
export const govOptions = {
  node: { type: 'string', value: 'URL', description: 'the node to talk to (default http://127.0.0.1:8787)' },
  key: {
    type: 'string',
    value: '0x…|0-9',
    description: 'the wallet: a private key, or 0–9 for a dev account',
    env: 'TRIBUTARY_KEY',
  },
} as const satisfies Record<string, OptionSpec>;
