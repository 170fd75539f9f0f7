/**
 * Evidence kept for every receipt, found right after the call: for each contribution the receipt
 * pays, where the answer and the contribution share their longest token run. It is small (three
 * numbers) and lets the node prove, later and to anyone, that the run lies in the contribution —
 * even once the contribution is taken down and its content deleted (the proof is made and kept at
 * takedown time, see preserveEvidence). Runs in the background after the answer, in call order.
 */
import { tokenIds } from '@tributary/attribution';
import type { Receipt } from '@tributary/protocol';
import type { Context } from '../../context.js';
import { contentTokens } from './tokenCommitments.js';
import { longestSharedRun } from './tokenRuns.js';

type Queue = { tail: Promise<void>; tokens: Map<string, Uint32Array>; cachedTokens: number };

const queues = new WeakMap<Context, Queue>();
/** Contribution tokens kept in memory between calls (the same contributions are cited again and again). */
const CACHE_TOKENS = 4_000_000;

function queueOf(ctx: Context): Queue {
  let queue = queues.get(ctx);
  if (!queue) {
    queue = { tail: Promise.resolve(), tokens: new Map(), cachedTokens: 0 };
    queues.set(ctx, queue);
  }
  return queue;
}

/** Queues finding the evidence of a stored receipt (nothing to find when it pays no contribution). */
export function captureEvidence(ctx: Context, receipt: Receipt, output: string): void {
  const cited = receipt.attribution.contributions.map((c) => c.contributionId);
  if (cited.length === 0) return;
  const queue = queueOf(ctx);
  queue.tail = queue.tail
    .then(() => capture(ctx, queue, receipt.requestId, cited, output))
    .catch((err) => ctx.logger.error({ err, receipt: receipt.requestId }, 'could not keep receipt evidence'));
}

/** Resolves once every queued capture is stored. */
export function evidenceSettled(ctx: Context): Promise<void> {
  return queueOf(ctx).tail;
}

/** Drops a contribution's tokens from memory (its content is being taken down). */
export function forgetTokens(ctx: Context, contentHash: string): void {
  const queue = queueOf(ctx);
  const tokens = queue.tokens.get(contentHash);
  if (!tokens) return;
  queue.tokens.delete(contentHash);
  queue.cachedTokens -= tokens.length;
}

async function capture(ctx: Context, queue: Queue, receiptId: string, cited: string[], output: string) {
  const answer = tokenIds({ text: output });
  const rows = await ctx.db.query<{ id: string; content_hash: string }>(
    'select id::text as id, content_hash from contributions where id = any($1::bigint[])',
    [cited],
  );
  const values: (string | number)[] = [];
  for (const row of rows) {
    const doc = await cachedTokens(ctx, queue, row.content_hash);
    const run = doc && longestSharedRun(answer, doc);
    if (run) values.push(row.id, run.outputStart, run.length, run.docOffset);
  }
  if (values.length === 0) return;
  const tuples = [];
  for (let i = 0; i < values.length; i += 4) tuples.push(`($1, $${i + 2}, $${i + 3}, $${i + 4}, $${i + 5})`);
  await ctx.db.query(
    `insert into receipt_evidence (receipt_id, contribution_id, output_start, length, doc_offset)
     values ${tuples.join(', ')} on conflict do nothing`,
    [receiptId, ...values],
  );
}

async function cachedTokens(ctx: Context, queue: Queue, contentHash: string): Promise<Uint32Array | null> {
  const hit = queue.tokens.get(contentHash);
  if (hit) {
    queue.tokens.delete(contentHash); // most recently used last
    queue.tokens.set(contentHash, hit);
    return hit;
  }
  const tokens = await contentTokens(ctx, contentHash);
  if (!tokens) return null;
  queue.tokens.set(contentHash, tokens);
  queue.cachedTokens += tokens.length;
  for (const [hash, old] of queue.tokens) {
    if (queue.cachedTokens <= CACHE_TOKENS) break;
    queue.tokens.delete(hash);
    queue.cachedTokens -= old.length;
  }
  return tokens;
}
