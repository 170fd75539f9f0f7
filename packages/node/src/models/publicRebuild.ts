/**
 * Verification that anyone can run: rebuild a model's artifact from the public snapshots of its
 * datanet versions, check it against the artifact hash registered on-chain, and re-run a receipt's
 * call on it to recompute the attribution (for deterministic kinds; an upstream's answer, RAG
 * included, is weighed again as given). Needs only a node's public API, no keys.
 */
import { rm } from 'node:fs/promises';
import type { AttributionIndex } from '@tributary/attribution';
import { commitmentOf, type Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { ModelConfig } from './artifact.js';
import { createInfiniGramRunner } from './kinds/infiniGram.js';
import { createRetrievalRunner, recomputeRagAttribution } from './kinds/retrieval.js';
import { traceAnswer } from './runner.js';
import type { TrainingDocument } from './trainingIndex.js';
import { writeArtifact } from './writeArtifact.js';

export type RecomputeReceiptParameters = {
  /** A node's base URL (any node serving the datanets' snapshots). */
  nodeUrl: string;
  receipt: Receipt;
  /** The call's prompt (the payer has it; the receipt holds only its hash). */
  prompt: string;
  /** The answer (the payer has it). */
  output: string;
  /** The salt of the receipt's commitments (the payer has it; absent for receipts before salting). */
  promptSalt?: Hex | undefined;
  /** Scratch directory (removed afterwards). */
  workDir: string;
};

export type RecomputeReceiptReturnType = {
  artifactHash: Hex;
  artifactMatches: boolean;
  promptMatches: boolean;
  outputMatches: boolean;
  contributions: { contributionId: string; ppm: number }[];
};

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Rebuilds the artifact of a receipt's model version and re-runs the call on it. */
export async function recomputeReceipt(p: RecomputeReceiptParameters): Promise<RecomputeReceiptReturnType> {
  const base = p.nodeUrl.replace(/\/$/, '');
  const version = await getJson<{ artifactHash: Hex; config: ModelConfig | null }>(
    `${base}/v1/models/${p.receipt.model.id}/versions/${p.receipt.model.version}`,
  );
  if (!version.config) throw new Error("the node does not publish this model version's configuration");
  const config = version.config;
  const excluded = new Set(config.excluded);
  const documents: TrainingDocument[] = [];
  for (const ref of config.datanets) {
    const response = await fetch(
      `${base}/v1/datanets/${ref.datanetId}/versions/${ref.version}/snapshot.jsonl`,
    );
    if (!response.ok)
      throw new Error(
        `the snapshot of datanet ${ref.datanetId} version ${ref.version} answered ${response.status}`,
      );
    for (const line of (await response.text()).split('\n')) {
      if (!line) continue;
      const item = JSON.parse(line) as {
        contributionId: string;
        contributor: string;
        text?: string;
        removed?: boolean;
      };
      if (item.removed || excluded.has(item.contributionId) || item.text === undefined) continue;
      documents.push({
        contributionId: item.contributionId,
        contributor: item.contributor,
        datanetId: ref.datanetId,
        text: item.text,
      });
    }
  }
  try {
    const { artifactHash, index } = await writeArtifact({ dir: p.workDir, config, documents });
    let contributions: { contributionId: string; ppm: number }[];
    try {
      contributions = await recomputeContributions(config, index, p);
    } finally {
      await index.close();
    }
    return {
      artifactHash,
      artifactMatches: artifactHash === version.artifactHash && artifactHash === p.receipt.model.artifactHash,
      promptMatches: receiptInputMatches(p.receipt, p.prompt, p.promptSalt),
      outputMatches: commitmentOf(p.output, p.promptSalt) === p.receipt.output.sha256,
      contributions: contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
    };
  } finally {
    await rm(p.workDir, { recursive: true, force: true });
  }
}

/**
 * The attribution of the receipt's call on the rebuilt model: deterministic kinds run the call
 * again; an answer from an upstream server (which nobody else can call) is taken as given, and its
 * spans (and, for RAG, the sources it cites) are weighed again.
 */
async function recomputeContributions(
  config: ModelConfig,
  index: AttributionIndex,
  p: RecomputeReceiptParameters,
): Promise<{ contributionId: string; ppm: number }[]> {
  if (config.kind === 'upstream') {
    return traceAnswer(index, p.output).contributions;
  }
  if (config.kind === 'retrieval' && typeof config.params.upstream === 'string') {
    const { prompt, output } = p;
    return recomputeRagAttribution({ index, dir: p.workDir, params: config.params, prompt, output });
  }
  const runner =
    config.kind === 'infini-gram'
      ? createInfiniGramRunner({ index })
      : await createRetrievalRunner({
          index,
          dir: p.workDir,
          params: config.params,
          config: { upstreams: {} },
        });
  const g = p.receipt.generation;
  const run = runner.run(
    {
      prompt: p.prompt,
      maxTokens: g.maxTokens,
      temperature: g.temperature,
      topK: g.topK ?? undefined,
      seed: g.seed ?? undefined,
      stop: g.stop,
    },
    new AbortController().signal,
  );
  let step = await run.next();
  while (!step.done) step = await run.next();
  return step.value.attribution.contributions;
}

/** The receipt's input commitment covers the billed text: a completion's prompt, or chat lines. */
function receiptInputMatches(receipt: Receipt, prompt: string, salt: Hex | undefined): boolean {
  return (
    commitmentOf(prompt, salt) === receipt.input.sha256 ||
    commitmentOf(`user: ${prompt}`, salt) === receipt.input.sha256
  );
}
