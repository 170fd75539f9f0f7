/**
 * Checking a receipt from its evidence, without the contributions' text (licensed, or taken down
 * since): every contribution it pays must be in one of the model's datanet versions (the version
 * manifest, whose sha256 is on-chain and whose Merkle root is the one in model.json), must not be
 * left out of the model (model.json's `excluded`, the receipt's takedown set), must be paid to the
 * contributor the manifest names, and must hold a run of the answer, proven against its token root.
 * What this cannot check without the text: the weights themselves (they need the whole index).
 */
import { tokenIds } from '@tributary/attribution';
import { buildManifestTree, type Receipt } from '@tributary/protocol';
import { type Hex, sha256 } from 'viem';
import type { ModelConfig } from '../artifact.js';
import { type ChainAccess, manifestHashOf } from '../verify/publicFacts.js';
import type { ReceiptEvidence } from './receiptEvidence.js';
import { tokenRootFromProof } from './tokenTree.js';

type ManifestContribution = {
  id: string;
  contributor: string;
  contentHash: Hex;
  tokens: number;
  tokenRoot?: Hex;
};

export type VerifyEvidenceParameters = {
  base: string;
  receipt: Receipt;
  output: string;
  /** The salt of the receipt's commitments (the payer has it; absent for receipts before salting). */
  promptSalt?: Hex | undefined;
  config: ModelConfig;
  /** Contributions left out of what served the call (the receipt's takedown set). */
  takedowns: ReadonlySet<string>;
  chain?: ChainAccess | undefined;
  /** The evidence to check (default: asked from the node for this answer). */
  evidence?: ReceiptEvidence | undefined;
};

/** The problems found (none: every paid contribution is proven to hold a run of the answer). */
export async function verifyEvidence(p: VerifyEvidenceParameters): Promise<string[]> {
  const problems: string[] = [];
  const manifests = new Map<string, Map<string, ManifestContribution>>();
  for (const ref of p.config.datanets) {
    const where = `datanet ${ref.datanetId} version ${ref.version}`;
    const response = await fetch(`${p.base}/v1/datanets/${ref.datanetId}/versions/${ref.version}/manifest`);
    if (!response.ok) {
      problems.push(`the manifest of ${where} answered ${response.status}`);
      continue;
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    const expected = await manifestHashOf(p.base, ref.datanetId, ref.version, p.chain);
    if (sha256(bytes).toLowerCase() !== expected.toLowerCase()) {
      problems.push(`the manifest of ${where} does not hash to its manifest hash ${expected}`);
      continue;
    }
    const manifest = JSON.parse(new TextDecoder().decode(bytes)) as { contributions: ManifestContribution[] };
    const tree = buildManifestTree(
      manifest.contributions.map((c) => ({
        contributionId: BigInt(c.id),
        contributor: c.contributor as Hex,
        contentHash: c.contentHash,
      })),
    );
    if (tree.root.toLowerCase() !== ref.manifestRoot.toLowerCase()) {
      problems.push(
        `the manifest of ${where} does not have the manifest root ${ref.manifestRoot} of model.json`,
      );
      continue;
    }
    manifests.set(ref.datanetId, new Map(manifest.contributions.map((c) => [c.id, c])));
  }

  let evidence = p.evidence;
  if (!evidence) {
    const response = await fetch(`${p.base}/v1/receipts/${p.receipt.requestId}/evidence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ output: p.output, ...(p.promptSalt ? { salt: p.promptSalt } : {}) }),
    });
    if (!response.ok) {
      const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
      const why = body?.error?.message ? `: ${body.error.message}` : '';
      const hint = p.promptSalt ? '' : " (pass the receipt's salt: --salt)";
      return [...problems, `the receipt's evidence answered ${response.status}${why}${hint}`];
    }
    evidence = (await response.json()) as ReceiptEvidence;
  }
  const answer = tokenIds({ text: p.output });
  const excluded = new Set(p.config.excluded);
  for (const paid of p.receipt.attribution.contributions) {
    const id = paid.contributionId;
    const entry = manifests.get(paid.datanetId)?.get(id);
    if (!entry) {
      problems.push(`contribution ${id} is not in the model's version of datanet ${paid.datanetId}`);
      continue;
    }
    if (excluded.has(id) || p.takedowns.has(id))
      problems.push(`contribution ${id} is paid but was left out of the model that served the call`);
    if (entry.contributor.toLowerCase() !== paid.contributor.toLowerCase())
      problems.push(
        `contribution ${id} is paid to ${paid.contributor}, the manifest names ${entry.contributor}`,
      );
    const proven = evidence.contributions.find((c) => c.contributionId === id);
    if (!proven?.proof || proven.outputStart === null) {
      problems.push(`contribution ${id} has no evidence: ${proven?.unavailable ?? 'none given'}`);
      continue;
    }
    if (!entry.tokenRoot) {
      problems.push(
        `the manifest commits no token root for contribution ${id} (a version older than token commitments)`,
      );
      continue;
    }
    const run = answer.slice(proven.outputStart, proven.outputStart + proven.proof.length);
    if (tokenRootFromProof(proven.proof, run, entry.tokens) !== entry.tokenRoot) {
      problems.push(
        `the evidence does not prove that contribution ${id} holds answer tokens ${proven.outputStart}…`,
      );
    }
  }
  return problems;
}
