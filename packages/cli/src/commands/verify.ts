/**
 * `tributary verify-epoch --node URL --epoch N` and
 * `tributary verify-receipt --node URL --receipt 0x… --prompt TEXT --output-file FILE`:
 * re-check a node's work from public data only. Exit code 1 when something does not hold.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tokenIds } from '@tributary/attribution';
import { recomputeReceipt } from '@tributary/node';
import {
  commitmentOf,
  EpochStatus,
  type NodeInfo,
  nodeRegistryAbi,
  type PreviousEpoch,
  type Receipt,
  rewardDistributorAbi,
  verifyEpoch,
  verifyReceipt,
} from '@tributary/protocol';
import { createTributaryClient, type TributaryClient } from '@tributary/sdk';
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

/** Reads an epoch of `node` from the RewardDistributor. */
const epochOnChain = (info: NodeInfo, node: Address, epoch: bigint) =>
  chainOf(info).readContract({
    address: info.addresses.rewardDistributor,
    abi: rewardDistributorAbi,
    functionName: 'getEpoch',
    args: [node, epoch],
  });

/**
 * The node's last epoch before `epoch` that the chain did not void (voids skip epochs), with its
 * published data: the credits `epoch` must build on. Null when there is none.
 */
async function previousEpochOf(
  info: NodeInfo,
  client: TributaryClient,
  node: Address,
  epoch: bigint,
): Promise<PreviousEpoch | null> {
  for (let k = epoch - 1n; k >= 1n; k--) {
    const onChain = await epochOnChain(info, node, k);
    if (onChain.status === EpochStatus.Voided) continue;
    return { data: await client.epochData(k), creditsRoot: onChain.creditsRoot };
  }
  return null;
}

export async function verifyEpochCommand(options: {
  node: string;
  epoch: bigint;
  json: boolean;
}): Promise<boolean> {
  const ui = createUi({ json: options.json });
  const node = createTributaryClient({ url: options.node });
  const info = await node.info();
  const data = await node.epochData(options.epoch);
  const onChain = await epochOnChain(info, data.node, options.epoch);
  const expectedSigner = await signingKeyOf(info, data.node);
  const previous = await previousEpochOf(info, node, data.node, options.epoch);
  const result = await ui.step(
    `Re-checking epoch ${options.epoch} of ${data.node} (${data.receipts.length} receipts)`,
    () =>
      verifyEpoch({
        data,
        rewardDistributor: info.addresses.rewardDistributor,
        expectedSigner,
        onChain,
        previous,
      }),
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
      chain: { rpcUrl: info.rpcUrl, addresses: info.addresses },
    }),
  );
  const expectedSigner = await signingKeyOf(info, receipt.node);
  const result = await verifyReceipt({
    receipt,
    signature,
    rewardDistributor: info.addresses.rewardDistributor,
    expectedSigner,
    recomputeAttribution: async () => recomputed.contributions,
    // The texts' hashes are checked and their tokens recounted: an inflated bill does not verify.
    texts: {
      input: billedInput(receipt, options.prompt, options.salt),
      output: options.output,
      countTokens: (text) => tokenIds({ text }).length,
      salt: options.salt,
    },
  });
  const problems = [
    ...result.problems,
    ...(recomputed.artifactMatches
      ? []
      : [
          `the rebuilt artifact hashes to ${recomputed.artifactHash}, not the registered ${receipt.model.artifactHash}`,
        ]),
    ...recomputed.problems,
  ];
  if (options.json)
    process.stdout.write(`${JSON.stringify({ valid: problems.length === 0, problems, recomputed })}\n`);
  else if (problems.length === 0 && recomputed.mode === 'evidence')
    ui.info(
      'valid: signature, amounts and registration check out, and every paid contribution is proven to hold a run of the answer (its text is not public, so the weights were not recomputed)',
    );
  else if (problems.length === 0)
    ui.info('valid: signature, amounts, artifact and attribution all check out');
  else for (const problem of problems) ui.info(`✖ ${problem}`);
  return problems.length === 0;
}

/** The text a call was billed for: a completion's prompt, or a one-message chat's `user: …` line. */
function billedInput(receipt: Receipt, prompt: string, salt: Hex | undefined): string {
  const chat = `user: ${prompt}`;
  return commitmentOf(chat, salt) === receipt.input.sha256 ? chat : prompt;
}
