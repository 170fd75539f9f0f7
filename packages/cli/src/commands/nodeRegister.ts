/**
 * `tributary node register`: registers the operator in NodeRegistry with its endpoint and
 * signing key (the key signs its consent), and stakes; run again to change the endpoint, rotate
 * the key or add stake (what is already so is skipped).
 */
import { readNodeRegistration, registerNode } from '@tributary/protocol';
import type { Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { parseKey, parseTokens, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { deploymentFrom, deploymentOptions, operatorKeyOption } from '../operator.js';
import { printRegistration } from '../registration.js';

export const nodeRegisterCommand = defineCommand({
  name: 'node register',
  summary: 'Register (or update) this node in NodeRegistry: endpoint, signing key consent, stake',
  usage: 'node register --endpoint URL [--stake TRIB] [--signing-key 0x…] [--escrow TRIB]',
  description:
    "The operator key is the node's identity and pays gas and stake (approve + stake, at least the\n" +
    'minimum). The signing key signs receipts and epochs; it signs an EIP-712 consent naming the\n' +
    "operator, so nobody can claim another node's key. --escrow deposits into the operator's own\n" +
    'PaymentEscrow account, which covers payers who cannot pay at settlement.',
  options: {
    endpoint: {
      type: 'string',
      value: 'URL',
      description: "the node API's public URL",
      env: 'PUBLIC_URL',
      required: true,
    },
    stake: { type: 'string', value: 'TRIB', description: 'stake to hold (default: the minimum)' },
    'signing-key': {
      type: 'string',
      value: '0x…',
      description: 'the receipt-signing key (default: the operator key)',
      env: 'SIGNING_KEY',
    },
    escrow: { type: 'string', value: 'TRIB', description: "the operator's own escrow to hold" },
    key: operatorKeyOption,
    ...deploymentOptions,
  },
  examples: [
    {
      comment: 'Register dev account 8 on the network of `tributary dev`, staking 2,000 TRIB',
      command:
        'OPERATOR_KEY=0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97 tributary node register --endpoint http://127.0.0.1:8788 --stake 2000 --addresses .tributary/addresses.json',
    },
    {
      comment: 'Move the node to a new URL',
      command: 'tributary node register --endpoint https://node.example.org',
    },
  ],
  run: async ({ values, ui }) => {
    const { rpcUrl, addresses } = deploymentFrom(values);
    const operatorKey = parseKey(values.key, '--key');
    const transactions: { step: string; hash: Hex }[] = [];
    await ui.step('Registering in NodeRegistry', (update) =>
      registerNode({
        rpcUrl,
        addresses,
        operatorKey,
        endpoint: parseUrl(values.endpoint, '--endpoint'),
        ...(values['signing-key'] ? { signingKey: parseKey(values['signing-key'], '--signing-key') } : {}),
        ...(values.stake ? { stake: parseTokens(values.stake, '--stake') } : {}),
        ...(values.escrow ? { ownEscrow: parseTokens(values.escrow, '--escrow') } : {}),
        onTransaction: (step, hash) => {
          transactions.push({ step, hash });
          update(step);
        },
      }),
    );
    const registration = await readNodeRegistration({
      client: rpcUrl,
      addresses,
      operator: privateKeyToAccount(operatorKey).address,
    });
    ui.result({ registration, transactions }, () => {
      printRegistration(ui, registration);
      if (transactions.length === 0) ui.info(ui.dim('  nothing to change: already registered like this'));
      for (const t of transactions) ui.info(ui.dim(`  ${t.step.padEnd(18)} ${t.hash}`));
    });
  },
});
