/**
 * `tributary node unstake`: starts unstaking (the tokens stay slashable through the delay), or
 * withdraws what finished unstaking.
 */
import { readNodeRegistration, requestUnstake, withdrawUnstaked } from '@tributary/protocol';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { UsageError } from '../failure.js';
import { type DeploymentOptions, deploymentFrom } from '../operator.js';
import { trib, when } from '../registration.js';
import { createUi } from '../ui.js';

export type NodeUnstakeOptions = DeploymentOptions & {
  key: Hex;
  /** Unstake this much, or the whole stake, or withdraw what finished unstaking. */
  mode: { amount: bigint } | 'all' | 'withdraw';
  json: boolean;
};

export async function nodeUnstakeCommand(options: NodeUnstakeOptions): Promise<void> {
  const ui = createUi({ json: options.json });
  const { rpcUrl, addresses } = deploymentFrom(options);
  const operatorKey = options.key;
  if (options.mode === 'withdraw') {
    const result = await ui.step('Withdrawing unstaked tokens', () =>
      withdrawUnstaked({ rpcUrl, addresses, operatorKey }),
    );
    ui.result(result, () => ui.info(`withdrew ${trib(result.amount)} ${ui.dim(result.txHash)}`));
    return;
  }
  const operator = privateKeyToAccount(operatorKey).address;
  const amount =
    options.mode === 'all'
      ? (await readNodeRegistration({ client: rpcUrl, addresses, operator })).stake
      : options.mode.amount;
  if (amount === 0n) throw new UsageError(`${operator} has nothing staked to unstake`);
  const result = await ui.step(`Requesting to unstake ${trib(amount)}`, () =>
    requestUnstake({ rpcUrl, addresses, operatorKey, amount }),
  );
  ui.result(result, () =>
    ui.info(
      `unstaking ${trib(result.amount)}: withdraw with \`tributary node unstake --withdraw\` ${when(result.availableAt)} ${ui.dim(result.txHash)}`,
    ),
  );
}
