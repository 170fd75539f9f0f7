/**
 * Verification that anyone can run, from a node's public API (and the chain, when given):
 *
 * 1. The model version's configuration is bound to what is registered: model.json hashes to the
 *    registered config hash and is the model.json of the registered artifact's published file list.
 * 2. The receipt's takedown state is resolved: the contributions left out of what served the call
 *    (the node's derived artifact for that state), each taken down on-chain.
 * 3. If every other contribution of the model's datanet versions is public (open datanets, none
 *    taken down since the receipt), the served artifact is rebuilt from the public snapshots (the
 *    registered one, or the one without the takedown set) and must have the hash and index root
 *    the call used; the call is re-run on it (deterministic kinds; an upstream's answer is weighed
 *    again as given) and its attribution recomputed — mode `rebuild`.
 * 4. Otherwise (a licensed datanet, or content taken down since the receipt) the receipt is checked
 *    from its evidence: each paid contribution proven to hold a run of the answer — mode `evidence`.
 */
import { rm } from 'node:fs/promises';
import type { AttributionIndex } from '@tributary/attribution';
import { canonicalJson, commitmentOf, type Receipt } from '@tributary/protocol';
import { type Hex, sha256, toBytes } from 'viem';
import { artifactHashOf, configHashOf, type ModelConfig } from './artifact.js';
import { verifyEvidence } from './evidence/verifyEvidence.js';
import { createInfiniGramRunner } from './kinds/infiniGram.js';
import { createRetrievalRunner, recomputeRagAttribution } from './kinds/retrieval.js';
import { traceAnswer } from './runner.js';
import { takedownSet } from './takedownSet.js';
import type { TrainingDocument } from './trainingIndex.js';
import {
  type ChainAccess,
  getJson,
  type PublicModelVersion,
  publicModelVersion,
} from './verify/publicFacts.js';
import { writeArtifact } from './writeArtifact.js';

export type { ChainAccess } from './verify/publicFacts.js';

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
  /** Read registrations and manifest hashes from the chain instead of trusting the node for them. */
  chain?: ChainAccess | undefined;
};

export type RecomputeReceiptReturnType = {
  /** `rebuild`: the call re-run on the rebuilt model; `evidence`: checked from proofs (see above). */
  mode: 'rebuild' | 'evidence';
  /** The rebuilt artifact's hash (rebuild mode). */
  artifactHash: Hex | null;
  /** The artifact is the registered one (rebuilt, or bound through its file list in evidence mode). */
  artifactMatches: boolean;
  promptMatches: boolean;
  outputMatches: boolean;
  /** The takedown state the receipt names (none: count 0). */
  takedowns: { count: number; root: Hex };
  /** Recomputed (rebuild mode) or, in evidence mode, the receipt's own weights, each proven present. */
  contributions: { contributionId: string; ppm: number }[];
  /** What does not hold, beyond the flags above. */
  problems: string[];
};

type SnapshotItem = { contributionId: string; contributor: string; text?: string; removed?: boolean };

/** Re-checks a receipt's model and attribution from public data. */
export async function recomputeReceipt(p: RecomputeReceiptParameters): Promise<RecomputeReceiptReturnType> {
  const base = p.nodeUrl.replace(/\/$/, '');
  const problems: string[] = [];
  const facts = await publicModelVersion(
    base,
    p.receipt.model.id,
    p.receipt.model.version,
    p.chain,
    problems,
  );
  const { config } = facts;
  const bound = configBound(facts, p.receipt, problems);
  const takedowns = await receiptTakedowns(base, facts, p.receipt, problems);
  const common = {
    promptMatches: receiptInputMatches(p.receipt, p.prompt, p.promptSalt),
    outputMatches: commitmentOf(p.output, p.promptSalt) === p.receipt.output.sha256,
    takedowns: { count: takedowns.count, root: takedowns.root },
  };

  const documents = await publicDocuments(base, config, new Set(takedowns.ids));
  if (!documents) {
    problems.push(
      ...(await verifyEvidence({
        base,
        receipt: p.receipt,
        output: p.output,
        promptSalt: p.promptSalt,
        config,
        takedowns: new Set(takedowns.ids),
        chain: p.chain,
      })),
    );
    return {
      mode: 'evidence',
      artifactHash: null,
      artifactMatches: bound,
      ...common,
      contributions: p.receipt.attribution.contributions.map((c) => ({
        contributionId: c.contributionId,
        ppm: c.ppm,
      })),
      problems,
    };
  }
  try {
    const { artifactHash, index } = await writeArtifact({ dir: p.workDir, config, documents });
    let contributions: { contributionId: string; ppm: number }[];
    try {
      if (index.indexRoot.toLowerCase() !== p.receipt.model.indexRoot.toLowerCase()) {
        problems.push(
          `the rebuilt index root ${index.indexRoot} is not the receipt's ${p.receipt.model.indexRoot}`,
        );
      }
      contributions = await recomputeContributions(config, index, p);
    } finally {
      await index.close();
    }
    const expected =
      takedowns.count === 0
        ? facts.artifactHash
        : facts.derived.find((d) => d.takedownRoot === takedowns.root)?.servedHash;
    return {
      mode: 'rebuild',
      artifactHash,
      artifactMatches:
        artifactHash === expected &&
        (takedowns.count > 0 || artifactHash === p.receipt.model.artifactHash) &&
        bound,
      ...common,
      contributions: contributions.map((c) => ({ contributionId: c.contributionId, ppm: c.ppm })),
      problems,
    };
  } finally {
    await rm(p.workDir, { recursive: true, force: true });
  }
}

/**
 * Whether model.json is the registered one: its hash is the config hash, and (when the node
 * publishes the artifact's file list) the list hashes to the artifact hash and holds this model.json.
 */
function configBound(facts: PublicModelVersion, receipt: Receipt, problems: string[]): boolean {
  const before = problems.length;
  if (configHashOf(facts.config).toLowerCase() !== facts.configHash.toLowerCase())
    problems.push(`model.json does not hash to the registered config hash ${facts.configHash}`);
  if (receipt.model.artifactHash.toLowerCase() !== facts.artifactHash.toLowerCase())
    problems.push(
      `the receipt names artifact ${receipt.model.artifactHash}, the registration ${facts.artifactHash}`,
    );
  if (facts.files) {
    const modelJson = facts.files.find((f) => f.path === 'model.json');
    if (artifactHashOf(facts.files).toLowerCase() !== facts.artifactHash.toLowerCase())
      problems.push('the published artifact file list does not hash to the registered artifact hash');
    else if (modelJson?.sha256 !== sha256(toBytes(canonicalJson(facts.config))).slice(2))
      problems.push("model.json is not the registered artifact's model.json");
  }
  return problems.length === before;
}

/** The receipt's takedown set: the ids the node published for its root, each removed on-chain. */
async function receiptTakedowns(
  base: string,
  facts: PublicModelVersion,
  receipt: Receipt,
  problems: string[],
): Promise<ReturnType<typeof takedownSet>> {
  const named = receipt.model.takedowns;
  if (!named || named.count === 0) return takedownSet([]);
  const derived = facts.derived.find((d) => d.takedownRoot === named.root);
  if (!derived) {
    problems.push(`the node publishes no takedown set with root ${named.root}`);
    return takedownSet([]);
  }
  const set = takedownSet(derived.takedowns);
  if (set.root !== named.root || set.count !== named.count)
    problems.push(`the published takedown set does not hash to the receipt's ${named.root}`);
  const removed = new Set<string>();
  for (const ref of facts.config.datanets) {
    const history = await getJson<{ history: { kind: string; details: { contributionId?: string } }[] }>(
      `${base}/v1/datanets/${ref.datanetId}/history`,
    );
    for (const h of history.history) if (h.kind === 'removed') removed.add(String(h.details.contributionId));
  }
  for (const id of set.ids) {
    if (!removed.has(id))
      problems.push(`contribution ${id} is in the takedown set but was never taken down on-chain`);
  }
  return set;
}

/**
 * The model's documents from the public snapshots, without the takedown set — or null when some
 * are not public (a licensed datanet, or content taken down after the receipt).
 */
async function publicDocuments(
  base: string,
  config: ModelConfig,
  takedowns: ReadonlySet<string>,
): Promise<TrainingDocument[] | null> {
  const excluded = new Set(config.excluded);
  const documents: TrainingDocument[] = [];
  for (const ref of config.datanets) {
    const response = await fetch(
      `${base}/v1/datanets/${ref.datanetId}/versions/${ref.version}/snapshot.jsonl`,
    );
    if (response.status === 401 || response.status === 403) return null;
    if (!response.ok)
      throw new Error(
        `the snapshot of datanet ${ref.datanetId} version ${ref.version} answered ${response.status}`,
      );
    for (const line of (await response.text()).split('\n')) {
      if (!line) continue;
      const item = JSON.parse(line) as SnapshotItem;
      if (excluded.has(item.contributionId) || takedowns.has(item.contributionId)) continue;
      if (item.removed || item.text === undefined) return null;
      documents.push({
        contributionId: item.contributionId,
        contributor: item.contributor,
        datanetId: ref.datanetId,
        text: item.text,
      });
    }
  }
  return documents;
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
  // An answer cut short (the client left) is weighed by its spans, whatever the kind: re-running
  // the model would give the whole answer, which the payer never got.
  if (config.kind === 'upstream' || p.receipt.output.finishReason === 'cancelled') {
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
