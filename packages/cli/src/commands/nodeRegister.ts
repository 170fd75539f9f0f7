/**
 * `tributary node register`: registers the operator in NodeRegistry with its endpoint and
 * signing key (the key signs its consent), and stakes; run again to change the endpoint, rotate
 * the key or add stake (what is already so is skipped).
 */
import { readNodeRegistration, registerNode } from '@tributary/protocol';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type DeploymentOptions, deploymentFrom } from '../operator.js';
import { printRegistration } from '../registration.js';
import { createUi } from '../ui.js';

export type NodeRegisterOptions = DeploymentOptions & {
  endpoint: string;
  key: Hex;
  signingKey?: Hex | undefined;
  stake?: bigint | undefined;
  escrow?: bigint | undefined;
  json: boolean;
};

export async function nodeRegisterCommand(options: NodeRegisterOptions): Promise<void> {
  const ui = createUi({ json: options.json });
  const { rpcUrl, addresses } = deploymentFrom(options);
  const transactions: { step: string; hash: Hex }[] = [];
  await ui.step('Registering in NodeRegistry', (update) =>
    registerNode({
      rpcUrl,
      addresses,
      operatorKey: options.key,
      endpoint: options.endpoint,
      ...(options.signingKey ? { signingKey: options.signingKey } : {}),
      ...(options.stake !== undefined ? { stake: options.stake } : {}),
      ...(options.escrow !== undefined ? { ownEscrow: options.escrow } : {}),
      onTransaction: (step, hash) => {
        transactions.push({ step, hash });
        update(step);
      },
    }),
  );
  const registration = await readNodeRegistration({
    client: rpcUrl,
    addresses,
    operator: privateKeyToAccount(options.key).address,
  });
  ui.result({ registration, transactions }, () => {
    printRegistration(ui, registration);
    if (transactions.length === 0) ui.info(ui.dim('  nothing to change: already registered like this'));
    for (const t of transactions) ui.info(ui.dim(`  ${t.step.padEnd(18)} ${t.hash}`));
  });
}
