/**
 * `tributary verify-epoch --node URL --epoch N` and
 * `tributary verify-receipt --node URL --receipt 0x… --prompt TEXT --output-file FILE`:
 * re-check a node's work from public data only. Exit code 1 when something does not hold.
 */

import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recomputeReceipt } from '@tributary/node';
import {
  type NodeInfo,
  nodeRegistryAbi,
  rewardDistributorAbi,
  verifyEpoch,
  verifyReceipt,
} from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { type Address, createPublicClient, http } from 'viem';
import { parseInteger, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../failure.js';
import { createUi } from '../ui.js';

const chainOf = (info: NodeInfo) => createPublicClient({ transport: http(info.rpcUrl) });

/** The key a node registered for signing receipts and epochs, read from the chain (not from the node). */
const signingKeyOf = (info: NodeInfo, node: Address) =>
  chainOf(info).readContract({
    address: info.addresses.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'signingKeyOf',
    args: [node],
  });

export async function runVerifyEpoch(options: {
  node: string;
  epoch: bigint;
  json: boolean;
}): Promise<boolean> {
  const ui = createUi({ json: options.json });
  const node = createTributaryClient({ url: options.node });
  const info = await node.info();
  const data = await node.epochData(options.epoch);
  const onChain = await chainOf(info).readContract({
    address: info.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'getEpoch',
    args: [data.node, options.epoch],
  });
  const expectedSigner = await signingKeyOf(info, data.node);
  const result = await ui.step(
    `Re-checking epoch ${options.epoch} of ${data.node} (${data.receipts.length} receipts)`,
    () => verifyEpoch({ data, rewardDistributor: info.addresses.rewardDistributor, expectedSigner, onChain }),
  );
  if (options.json)
    process.stdout.write(`${JSON.stringify({ valid: result.valid, problems: result.problems })}\n`);
  else if (result.valid)
    ui.info('valid: the published receipts recompute to the roots and debits the chain recorded');
  else for (const problem of result.problems) ui.info(`✖ ${problem}`);
  return result.valid;
}

export async function runVerifyReceipt(options: {
  node: string;
  receipt: string;
  prompt: string;
  output: string;
  json: boolean;
}): Promise<boolean> {
  const ui = createUi({ json: options.json });
  const node = createTributaryClient({ url: options.node });
  const info = await node.info();
  const { receipt, signature } = await node.getReceipt(options.receipt);
  const recomputed = await ui.step('Rebuilding the model from public snapshots and re-running the call', () =>
    recomputeReceipt({
      nodeUrl: options.node,
      receipt,
      prompt: options.prompt,
      output: options.output,
      workDir: join(tmpdir(), `tributary-verify-${process.pid}`),
    }),
  );
  const expectedSigner = await signingKeyOf(info, receipt.node);
  const result = await verifyReceipt({
    receipt,
    signature,
    rewardDistributor: info.addresses.rewardDistributor,
    expectedSigner,
    recomputeAttribution: async () => recomputed.contributions,
  });
  const problems = [
    ...result.problems,
    ...(recomputed.artifactMatches
      ? []
      : [
          `the rebuilt artifact hashes to ${recomputed.artifactHash}, not the registered ${receipt.model.artifactHash}`,
        ]),
    ...(recomputed.outputMatches ? [] : ["the output given does not hash to the receipt's output hash"]),
  ];
  if (options.json)
    process.stdout.write(`${JSON.stringify({ valid: problems.length === 0, problems, recomputed })}\n`);
  else if (problems.length === 0)
    ui.info('valid: signature, amounts, artifact and attribution all check out');
  else for (const problem of problems) ui.info(`✖ ${problem}`);
  return problems.length === 0;
}

const checkExitCodes = { 1: 'the check found problems (listed)' };

export const verifyEpochCommand = defineCommand({
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
  exitCodes: checkExitCodes,
  run: async ({ values, json }) => {
    const valid = await runVerifyEpoch({
      node: parseUrl(values.node, '--node'),
      epoch: parseInteger(values.epoch, '--epoch'),
      json,
    });
    return valid ? ExitCode.ok : ExitCode.checkFailed;
  },
});

export const verifyReceiptCommand = defineCommand({
  name: 'verify-receipt',
  summary: 'Re-check a receipt: rebuild the model from public snapshots and re-run the call',
  usage: 'verify-receipt --node URL --receipt 0x… (--prompt TEXT | --prompt-file F) --output-file F',
  description:
    "Checks the receipt's signature and amounts, rebuilds the model's artifact from the public\n" +
    'snapshots of its datanet versions (its hash must equal the one registered on-chain), re-runs the\n' +
    'call and recomputes the attribution. The payer has the prompt and the answer; the receipt only\n' +
    'their hashes.',
  options: {
    node: { type: 'string', value: 'URL', description: 'the node that served the call', required: true },
    receipt: {
      type: 'string',
      value: '0x…',
      description: 'the receipt id (attribution.receipt_id)',
      required: true,
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
        "tributary verify-receipt --node http://127.0.0.1:8787 --receipt 0x5f… --prompt 'Rivers' --output-file answer.txt",
    },
  ],
  exitCodes: checkExitCodes,
  run: async ({ values, json }) => {
    const prompt =
      values.prompt ?? (values['prompt-file'] ? readFileSync(values['prompt-file'], 'utf8') : undefined);
    if (prompt === undefined) {
      throw new UsageError(
        'verify-receipt needs --prompt TEXT or --prompt-file F',
        'see `tributary verify-receipt --help`',
      );
    }
    const valid = await runVerifyReceipt({
      node: parseUrl(values.node, '--node'),
      receipt: values.receipt,
      prompt,
      output: readFileSync(values['output-file'], 'utf8'),
      json,
    });
    return valid ? ExitCode.ok : ExitCode.checkFailed;
  },
});
