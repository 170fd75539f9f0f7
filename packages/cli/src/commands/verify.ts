/**
 * `tributary verify-epoch --node URL --epoch N` and
 * `tributary verify-receipt --node URL --receipt 0x… --prompt TEXT --output-file FILE`:
 * re-check a node's work from public data only. Exit code 1 when something does not hold.
 */
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
import { type Address, createPublicClient, type Hex, http } from 'viem';
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

export async function verifyEpochCommand(options: {
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

export async function verifyReceiptCommand(options: {
  node: string;
  receipt: string;
  prompt: string;
  output: string;
  /** The receipt's commitment salt (the answer's `attribution.prompt_salt`). */
  salt?: Hex | undefined;
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
      promptSalt: options.salt,
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
