/**
 * A receipt's evidence, for anyone who has the answer: for each contribution the receipt pays, a
 * run of the answer's tokens and a proof that it lies in that contribution (its salted token tree,
 * whose root the datanet version's manifest commits on-chain). Reveals nothing of the contribution
 * beyond the run, which is in the answer anyway — so receipts of licensed datanets, and receipts
 * citing content taken down since, stay checkable by outsiders.
 */
import { tokenIds } from '@tributary/attribution';
import { commitmentOf } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { Context } from '../../context.js';
import { badRequest } from '../../errors.js';
import { getReceipt } from '../../receipts/receiptQueries.js';
import { evidenceSettled, forgetTokens } from './captureEvidence.js';
import { contributionTree } from './tokenCommitments.js';
import { longestSharedRun, type TokenRun } from './tokenRuns.js';
import { proveTokenRange, type TokenRangeProof } from './tokenTree.js';

/** The evidence for one paid contribution: a proven run, or why there is none. */
export type ContributionEvidence = {
  contributionId: string;
  /** Where the run is in the answer's tokens (`tokenIds` of the answer), with its proof. */
  outputStart: number | null;
  proof: TokenRangeProof | null;
  unavailable: string | null;
};

export type ReceiptEvidence = { receiptId: string; outputSha256: Hex; contributions: ContributionEvidence[] };

type EvidenceRow = {
  contribution_id: string;
  output_start: number;
  length: number;
  doc_offset: number;
  proof: TokenRangeProof | null;
};

/**
 * The evidence of receipt `receiptId` for `output` (400 unless `output`, with the commitments'
 * `salt`, is the receipt's answer: asking takes the salt, so the route confirms no guessed answer).
 */
export async function receiptEvidence(
  ctx: Context,
  receiptId: string,
  output: string,
  salt: Hex | undefined,
): Promise<ReceiptEvidence> {
  const { receipt } = await getReceipt(ctx, receiptId);
  const outputSha256 = commitmentOf(output, salt);
  if (outputSha256 !== receipt.output.sha256) {
    throw badRequest("the output given is not the receipt's answer (its commitment differs)", [
      'send the answer exactly as received, and the receipt’s salt (`prompt_salt` of the call)',
      `receipt output commitment ${receipt.output.sha256}`,
    ]);
  }
  await evidenceSettled(ctx);
  const rows = await ctx.db.query<EvidenceRow>(
    'select contribution_id::text as contribution_id, output_start, length, doc_offset, proof from receipt_evidence where receipt_id = $1',
    [receiptId],
  );
  const answer = tokenIds({ text: output });
  const contributions: ContributionEvidence[] = [];
  for (const c of receipt.attribution.contributions) {
    const row = rows.find((r) => r.contribution_id === c.contributionId);
    if (row?.proof) {
      contributions.push(kept(c.contributionId, row));
      continue;
    }
    const made = await proveNow(ctx, c.contributionId, row, answer);
    // Kept, so asking again builds no tree (a tree is linear in the contribution's length).
    if (row && made.proof) {
      await ctx.db.query(
        'update receipt_evidence set proof = $3 where receipt_id = $1 and contribution_id = $2',
        [receiptId, c.contributionId, JSON.stringify(made.proof)],
      );
    }
    contributions.push(made);
  }
  return { receiptId, outputSha256, contributions };
}

const kept = (contributionId: string, row: EvidenceRow): ContributionEvidence => ({
  contributionId,
  outputStart: row.output_start,
  proof: row.proof,
  unavailable: null,
});

const missing = (contributionId: string, unavailable: string): ContributionEvidence => ({
  contributionId,
  outputStart: null,
  proof: null,
  unavailable,
});

async function contentHashOf(ctx: Context, contributionId: string): Promise<string | null> {
  const [row] = await ctx.db.query<{ content_hash: string }>(
    'select content_hash from contributions where id = $1',
    [contributionId],
  );
  return row?.content_hash ?? null;
}

async function proveNow(
  ctx: Context,
  contributionId: string,
  row: EvidenceRow | undefined,
  answer: Uint32Array,
): Promise<ContributionEvidence> {
  const contentHash = await contentHashOf(ctx, contributionId);
  const tree = contentHash && (await contributionTree(ctx, { id: contributionId, contentHash }));
  if (!tree) {
    return missing(
      contributionId,
      'the contribution has no token commitment or its content is gone, and no proof was kept',
    );
  }
  const run: TokenRun | null = row
    ? { outputStart: row.output_start, length: row.length, docOffset: row.doc_offset }
    : longestSharedRun(answer, tree.tokens);
  if (!run) return missing(contributionId, 'no token of the answer occurs in the contribution');
  return {
    contributionId,
    outputStart: run.outputStart,
    proof: proveTokenRange(tree.tree, tree.key, run.docOffset, run.length),
    unavailable: null,
  };
}

/**
 * Before a contribution's content is deleted (takedown): makes and keeps the proof of every
 * receipt evidence that cites it, so those receipts stay checkable. Returns how many were kept.
 */
export async function preserveEvidence(
  ctx: Context,
  contributionId: string,
  contentHash: string,
): Promise<number> {
  await evidenceSettled(ctx);
  forgetTokens(ctx, contributionId);
  const rows = await ctx.db.query<EvidenceRow & { receipt_id: string }>(
    `select receipt_id, contribution_id::text as contribution_id, output_start, length, doc_offset, proof
     from receipt_evidence where contribution_id = $1 and proof is null`,
    [contributionId],
  );
  if (rows.length === 0) return 0;
  const tree = await contributionTree(ctx, { id: contributionId, contentHash });
  if (!tree) return 0;
  for (const row of rows) {
    const proof = proveTokenRange(tree.tree, tree.key, row.doc_offset, row.length);
    await ctx.db.query(
      'update receipt_evidence set proof = $3 where receipt_id = $1 and contribution_id = $2',
      [row.receipt_id, contributionId, JSON.stringify(proof)],
    );
  }
  return rows.length;
}
