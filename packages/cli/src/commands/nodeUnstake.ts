/**
 * `tributary node unstake`: starts unstaking (the tokens stay slashable through the delay), or
 * withdraws what finished unstaking.
 */
import { readNodeRegistration, requestUnstake, withdrawUnstaked } from '@tributary/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { parseKey, parseTokens } from '../args.js';
import { defineCommand } from '../command.js';
import { UsageError } from '../failure.js';
import { deploymentFrom, deploymentOptions, operatorKeyOption } from '../operator.js';
import { trib, when } from '../registration.js';

export const nodeUnstakeCommand = defineCommand({
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
  run: async ({ values, ui }) => {
    const modes = [values.amount !== undefined, values.all, values.withdraw].filter(Boolean).length;
    if (modes !== 1) {
      throw new UsageError(
        'node unstake needs one of --amount TRIB, --all or --withdraw',
        'see `tributary node unstake --help`',
      );
    }
    const { rpcUrl, addresses } = deploymentFrom(values);
    const operatorKey = parseKey(values.key, '--key');
    const operator = privateKeyToAccount(operatorKey).address;
    if (values.withdraw) {
      const result = await ui.step('Withdrawing unstaked tokens', () =>
        withdrawUnstaked({ rpcUrl, addresses, operatorKey }),
      );
      ui.result(result, () => ui.info(`withdrew ${trib(result.amount)} ${ui.dim(result.txHash)}`));
      return;
    }
    const amount = values.all
      ? (await readNodeRegistration({ client: rpcUrl, addresses, operator })).stake
      : parseTokens(values.amount!, '--amount');
    if (amount === 0n) throw new UsageError(`${operator} has nothing staked to unstake`);
    const result = await ui.step(`Requesting to unstake ${trib(amount)}`, () =>
      requestUnstake({ rpcUrl, addresses, operatorKey, amount }),
    );
    ui.result(result, () =>
      ui.info(
        `unstaking ${trib(result.amount)}: withdraw with \`tributary node unstake --withdraw\` ${when(result.availableAt)} ${ui.dim(result.txHash)}`,
      ),
    );
  },
});
