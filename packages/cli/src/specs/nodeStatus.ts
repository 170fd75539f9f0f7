/** `tributary node status`: what it accepts (it runs commands/nodeStatus.ts). */
import { optional, parseAddress, parseKey, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../failure.js';
import { deploymentOptions } from './options.js';

export const nodeStatusSpec = defineCommand({
  name: 'node status',
  summary: "A node's stake, unstaking, signing key and endpoint on-chain, and its endpoint's health",
  usage: 'node status (--node URL | --operator 0x… | --key 0x…) [--rpc URL] [--addresses FILE]',
  description:
    'With --node, the chain and addresses come from that node (GET /v1/info). Otherwise name the\n' +
    'operator by address or key, with the deployment as for `node register`. The registered\n' +
    'endpoint must answer /health and say it runs as that operator with that signing key.',
  options: {
    node: { type: 'string', value: 'URL', description: 'a running node: reads its own registration' },
    operator: { type: 'string', value: '0x…', description: "the operator's address" },
    key: {
      type: 'string',
      value: '0x…',
      description: "or the operator's key (its address is used)",
      env: 'OPERATOR_KEY',
    },
    ...deploymentOptions,
  },
  examples: [
    { comment: 'The node of `tributary dev`', command: 'tributary node status --node http://127.0.0.1:8787' },
    {
      comment: 'Any operator, from the chain',
      command:
        'tributary node status --operator 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 --rpc http://127.0.0.1:8545 --addresses .tributary/addresses.json',
    },
  ],
  exitCodes: { 1: 'not registered, not active, or the endpoint is unhealthy or runs another key' },
  run: async ({ values, json }) => {
    const options = {
      node: optional(parseUrl, values.node, '--node'),
      operator: optional(parseAddress, values.operator, '--operator'),
      key: optional(parseKey, values.key, '--key'),
      rpc: values.rpc,
      addresses: values.addresses,
      home: values.home,
      json,
    };
    const healthy = await (await import('../commands/nodeStatus.js')).nodeStatusCommand(options);
    return healthy ? ExitCode.ok : ExitCode.checkFailed;
  },
});
