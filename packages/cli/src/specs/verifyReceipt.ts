/** `tributary verify-receipt`: what it accepts (it runs commands/verify.ts). */
import { readFileSync } from 'node:fs';
import { optional, parseSalt, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../failure.js';

export const verifyReceiptSpec = defineCommand({
  name: 'verify-receipt',
  summary: 'Re-check a receipt: rebuild the model from public snapshots and re-run the call',
  usage:
    'verify-receipt --node URL --receipt 0x… --salt 0x… (--prompt TEXT | --prompt-file F) --output-file F',
  description:
    "Checks the receipt's signature and amounts, rebuilds the model's artifact from the public\n" +
    'snapshots of its datanet versions (its hash must equal the one registered on-chain), re-runs the\n' +
    'call and recomputes the attribution. The payer has the prompt and the answer; the receipt only\n' +
    'their salted hashes (sha256(salt ‖ text)): pass the salt the answer came with.',
  options: {
    node: { type: 'string', value: 'URL', description: 'the node that served the call', required: true },
    receipt: {
      type: 'string',
      value: '0x…',
      description: 'the receipt id (attribution.receipt_id)',
      required: true,
    },
    salt: {
      type: 'string',
      value: '0x…',
      description: "the commitments' salt (attribution.prompt_salt; absent for unsalted receipts)",
    },
    prompt: { type: 'string', value: 'TEXT', description: 'the prompt as sent' },
    'prompt-file': { type: 'string', value: 'F', description: 'or a file holding it' },
    'output-file': {
      type: 'string',
      value: 'F',
      description: 'a file holding the answer as received',
      required: true,
    },
  },
  examples: [
    {
      comment: 'Check an answer saved to answer.txt',
      command:
        "tributary verify-receipt --node http://127.0.0.1:8787 --receipt 0x5f… --salt 0x9c… --prompt 'Rivers' --output-file answer.txt",
    },
  ],
  exitCodes: { 1: 'the receipt does not check out (the problems are listed)' },
  run: async ({ values, json }) => {
    const prompt =
      values.prompt ?? (values['prompt-file'] ? readFileSync(values['prompt-file'], 'utf8') : undefined);
    if (prompt === undefined) {
      throw new UsageError(
        'verify-receipt needs --prompt TEXT or --prompt-file F',
        'see `tributary verify-receipt --help`',
      );
    }
    const options = {
      node: parseUrl(values.node, '--node'),
      receipt: values.receipt,
      salt: optional(parseSalt, values.salt, '--salt'),
      prompt,
      output: readFileSync(values['output-file'], 'utf8'),
      json,
    };
    const valid = await (await import('../commands/verify.js')).verifyReceiptCommand(options);
    return valid ? ExitCode.ok : ExitCode.checkFailed;
  },
});
