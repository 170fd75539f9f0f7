/** `tributary node unstake`: what it accepts (it runs commands/nodeUnstake.ts). */
import { parseKey, parseTokens } from '../args.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../failure.js';
import { deploymentOptions, operatorKeyOption } from './options.js';

export const nodeUnstakeSpec = defineCommand({
  name: 'node unstake',
  summary: 'Start unstaking (--amount or --all), or withdraw what finished unstaking (--withdraw)',
  usage: 'node unstake (--amount TRIB | --all | --withdraw)',
  description:
    "Unstaking waits out NodeRegistry's unstake delay (a new request restarts it for everything\n" +
    'unstaking); until withdrawn, the tokens can still be slashed. Below the minimum stake the node\n' +
    'is no longer active.',
  options: {
    amount: { type: 'string', value: 'TRIB', description: 'how much to unstake' },
    all: { type: 'boolean', description: 'unstake the whole stake' },
    withdraw: { type: 'boolean', description: 'withdraw what finished unstaking' },
    key: operatorKeyOption,
    ...deploymentOptions,
  },
  examples: [
    { comment: 'Leave the network', command: 'tributary node unstake --all' },
    { comment: 'After the delay', command: 'tributary node unstake --withdraw' },
  ],
  run: async ({ values, json }) => {
    if ([values.amount !== undefined, values.all, values.withdraw].filter(Boolean).length !== 1) {
      throw new UsageError(
        'node unstake needs one of --amount TRIB, --all or --withdraw',
        'see `tributary node unstake --help`',
      );
    }
    const options = {
      key: parseKey(values.key, '--key'),
      mode: values.withdraw
        ? ('withdraw' as const)
        : values.all
          ? ('all' as const)
          : { amount: parseTokens(values.amount!, '--amount') },
      rpc: values.rpc,
      addresses: values.addresses,
      home: values.home,
      json,
    };
    await (await import('../commands/nodeUnstake.js')).nodeUnstakeCommand(options);
  },
});
