/**
 * Verification that anyone can run: rebuild a model's artifact from the public snapshots of its
 * datanet versions, check it against the artifact hash registered on-chain, and re-run a receipt's
 * call on it to recompute the attribution (for deterministic kinds; for upstream models the
 * answer's spans are traced again). Needs only a node's public API, no keys.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { attribute } from '@tributary/attribution';
import { canonicalJson, type Receipt } from '@tributary/protocol';
import { type Hex, sha256, toBytes } from 'viem';
import type { Config } from '../config.js';
import { hashArtifact, type ModelConfig } from './artifact.js';
import { buildKindFiles } from './kindFiles.js';
import { createInfiniGramRunner } from './kinds/infiniGram.js';
import { createRetrievalRunner } from './kinds/retrieval.js';
import { buildTrainingIndex, canonicalOrder, type TrainingDocument } from './trainingIndex.js';

export type RecomputeReceiptParameters = {
  /** A node's base URL (any node serving the datanets' snapshots). */
  nodeUrl: string;
  receipt: Receipt;
  /** The call's prompt (the payer has it; the receipt holds only its hash). */
  prompt: string;
  /** The answer (the payer has it). */
  output: string;
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
  await rm(p.workDir, { recursive: true, force: true });
  await mkdir(p.workDir, { recursive: true });
  try {
    await writeFile(join(p.workDir, 'model.json'), canonicalJson(config));
    const index = await buildTrainingIndex({ directory: join(p.workDir, 'index'), documents });
    await buildKindFiles({
      kind: config.kind,
      dir: p.workDir,
      documents: canonicalOrder(documents),
      params: config.params,
    });
    const artifactHash = await hashArtifact(p.workDir);
    const promptMatches = receiptInputMatches(p.receipt, p.prompt);
    const outputMatches = sha256(toBytes(p.output)) === p.receipt.output.sha256;
    let contributions: { contributionId: string; ppm: number }[];
    if (config.kind === 'upstream') {
      contributions = p.output.trim() ? attribute({ index, text: p.output }).contributions : [];
    } else {
      const runner =
        config.kind === 'infini-gram'
          ? createInfiniGramRunner({ index, params: config.params })
          : await createRetrievalRunner({
              index,
              dir: p.workDir,
              params: { ...config.params, upstream: undefined },
              config: { upstreams: {} } as unknown as Config,
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
      contributions = step.value.attribution.contributions;
    }
    await index.close();
    return {
      artifactHash,
      artifactMatches: artifactHash === version.artifactHash && artifactHash === p.receipt.model.artifactHash,
      promptMatches,
      outputMatches,
      contributions: contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
    };
  } finally {
    await rm(p.workDir, { recursive: true, force: true });
  }
}

/** The receipt's input hash covers the billed text: a completion's prompt, or chat lines. */
function receiptInputMatches(receipt: Receipt, prompt: string): boolean {
  return (
    sha256(toBytes(prompt)) === receipt.input.sha256 ||
    sha256(toBytes(`user: ${prompt}`)) === receipt.input.sha256
  );
}
