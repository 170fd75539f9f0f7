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
  type EpochData,
  type NodeInfo,
  nodeRegistryAbi,
  type Receipt,
  rewardDistributorAbi,
  verifyEpoch,
  verifyReceipt,
} from '@tributary/protocol';
import { createPublicClient, type Hex, http } from 'viem';
import { createUi } from '../ui.js';

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

const chainOf = (info: NodeInfo) => createPublicClient({ transport: http(info.rpcUrl) });

export async function verifyEpochCommand(options: {
  node: string;
  epoch: string;
  json: boolean;
}): Promise<boolean> {
  const ui = createUi({ json: options.json });
  const base = options.node.replace(/\/$/, '');
  const info = await getJson<NodeInfo>(`${base}/v1/info`);
  const data = await getJson<EpochData>(`${base}/v1/epochs/${options.epoch}/data`);
  const publicClient = chainOf(info);
  const onChain = await publicClient.readContract({
    address: info.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'getEpoch',
    args: [data.node, BigInt(options.epoch)],
  });
  const expectedSigner = await publicClient.readContract({
    address: info.addresses.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'signingKeyOf',
    args: [data.node],
  });
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
  json: boolean;
}): Promise<boolean> {
  const ui = createUi({ json: options.json });
  const base = options.node.replace(/\/$/, '');
  const info = await getJson<NodeInfo>(`${base}/v1/info`);
  const { receipt, signature } = await getJson<{ receipt: Receipt; signature: Hex }>(
    `${base}/v1/receipts/${options.receipt}`,
  );
  const recomputed = await ui.step('Rebuilding the model from public snapshots and re-running the call', () =>
    recomputeReceipt({
      nodeUrl: base,
      receipt,
      prompt: options.prompt,
      output: options.output,
      workDir: join(tmpdir(), `tributary-verify-${process.pid}`),
    }),
  );
  const publicClient = chainOf(info);
  const expectedSigner = await publicClient.readContract({
    address: info.addresses.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'signingKeyOf',
    args: [receipt.node],
  });
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

export const readText = (file: string) => readFileSync(file, 'utf8');
