/** `tributary node register`: what it accepts (it runs commands/nodeRegister.ts). */
import { optional, parseKey, parseTokens, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { deploymentOptions, operatorKeyOption } from './options.js';

export const nodeRegisterSpec = defineCommand({
  name: 'node register',
  summary: 'Register (or update) this node in NodeRegistry: endpoint, signing key consent, stake',
  usage: 'node register --endpoint URL [--stake TRIB] [--signing-key 0x…] [--escrow TRIB]',
  description:
    "The operator key is the node's identity and pays gas and stake (approve + stake, at least the\n" +
    'minimum). The signing key signs receipts and epochs; it signs an EIP-712 consent naming the\n' +
    "operator, so nobody can claim another node's key. --escrow deposits into the operator's own\n" +
    'PaymentEscrow account, which covers payers who cannot pay at settlement. Running it again moves\n' +
    'the endpoint, rotates the key or adds stake; what is already so is skipped.',
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
  run: async ({ values, json }) => {
    const options = {
      endpoint: parseUrl(values.endpoint, '--endpoint'),
      key: parseKey(values.key, '--key'),
      signingKey: optional(parseKey, values['signing-key'], '--signing-key'),
      stake: optional(parseTokens, values.stake, '--stake'),
      escrow: optional(parseTokens, values.escrow, '--escrow'),
      rpc: values.rpc,
      addresses: values.addresses,
      home: values.home,
      json,
    };
    await (await import('../commands/nodeRegister.js')).nodeRegisterCommand(options);
  },
});
