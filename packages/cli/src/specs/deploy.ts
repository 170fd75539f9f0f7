/** `tributary deploy`: what it accepts (it runs commands/deploy.ts). */
import { parseKey, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';

export const deploySpec = defineCommand({
  name: 'deploy',
  summary: 'Deploy the protocol contracts to a chain (idempotent: a second run reuses them)',
  usage: 'deploy --rpc URL --key 0x… [--out FILE] [--dev]',
  description:
    'Writes the addresses (and the first block, where nodes start indexing) to --out; a node reads\n' +
    'that file as ADDRESSES_FILE. --dev uses short delays and windows for a local chain.',
  options: {
    rpc: { type: 'string', value: 'URL', description: "the chain's RPC", env: 'RPC_URL', required: true },
    key: {
      type: 'string',
      value: '0x…',
      description: 'the deployer private key (pays the gas; governance takes ownership after)',
      env: 'DEPLOYER_KEY',
      required: true,
    },
    out: { type: 'string', value: 'FILE', description: 'the addresses file (default addresses.json)' },
    dev: { type: 'boolean', description: 'dev parameters (short unstake delay, challenge window, voting)' },
  },
  examples: [
    {
      comment: 'Deploy to a local Anvil with its first dev key',
      command:
        'tributary deploy --rpc http://127.0.0.1:8545 --key 0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80 --dev',
    },
  ],
  run: async ({ values, json }) => {
    const options = {
      rpc: parseUrl(values.rpc, '--rpc'),
      key: parseKey(values.key, '--key'),
      out: values.out ?? 'addresses.json',
      dev: values.dev,
      json,
    };
    await (await import('../commands/deploy.js')).deployCommand(options);
  },
});
