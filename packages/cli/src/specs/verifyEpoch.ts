/** `tributary verify-epoch`: what it accepts (it runs commands/verify.ts). */
import { parseInteger, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode } from '../failure.js';

export const verifyEpochSpec = defineCommand({
  name: 'verify-epoch',
  summary: 'Re-check an epoch a node settled, from its published data and the chain',
  usage: 'verify-epoch --node URL --epoch N',
  description:
    "Recomputes the epoch's receipts root, credits root and debits from the data the node published,\n" +
    'checks every receipt signature against the key NodeRegistry holds for the node, and compares\n' +
    'with what RewardDistributor recorded. Needs no keys.',
  options: {
    node: { type: 'string', value: 'URL', description: 'the node that settled the epoch', required: true },
    epoch: { type: 'string', value: 'N', description: 'the epoch number', required: true },
  },
  examples: [{ command: 'tributary verify-epoch --node http://127.0.0.1:8787 --epoch 1' }],
  exitCodes: { 1: 'the epoch does not check out (the problems are listed)' },
  run: async ({ values, json }) => {
    const options = {
      node: parseUrl(values.node, '--node'),
      epoch: parseInteger(values.epoch, '--epoch'),
      json,
    };
    const valid = await (await import('../commands/verify.js')).verifyEpochCommand(options);
    return valid ? ExitCode.ok : ExitCode.checkFailed;
  },
});
