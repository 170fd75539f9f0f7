/**
 * Evidence kept for every receipt, found right after the call: for each contribution the receipt
 * pays, where the answer and the contribution share their longest token run. It is small (three
 * numbers) and lets the node prove, later and to anyone, that the run lies in the contribution —
 * even once the contribution is taken down and its content deleted (the proof is made and kept at
 * takedown time, see preserveEvidence). Runs in the background after the answer: calls are
 * gathered for a few milliseconds and stored with one statement, so serving pays no database
 * round trip per call for it.
 */
import type { Receipt } from '@tributary/protocol';
import type { Context } from '../../context.js';
import { contentTokens } from './tokenCommitments.js';
import { sharedRunFinder } from './tokenRuns.js';

type Job = { receiptId: string; cited: string[]; output: ArrayLike<number> };

type Queue = {
  jobs: Job[];
  timer: NodeJS.Timeout | null;
  /** The flush in progress (or the last one). */
  flushing: Promise<void>;
  /** Contribution tokens by contribution id, least recently used first. */
  tokens: Map<string, Uint32Array>;
  cachedTokens: number;
};

const queues = new WeakMap<Context, Queue>();
/** Contribution tokens kept in memory between calls (the same contributions are cited again and again). */
const CACHE_TOKENS = 4_000_000;
/** How long calls are gathered before their evidence is stored. */
const GATHER_MS = 20;
/** Longest stretch of evidence finding on the request thread before it lets other work run, ms. */
const YIELD_AFTER_MS = 0.5;
/** Rows per insert statement (5 parameters each). */
const ROWS_PER_INSERT = 500;

function queueOf(ctx: Context): Queue {
  let queue = queues.get(ctx);
  if (!queue) {
    queue = { jobs: [], timer: null, flushing: Promise.resolve(), tokens: new Map(), cachedTokens: 0 };
    queues.set(ctx, queue);
  }
  return queue;
}

/**
 * Queues finding the evidence of a stored receipt (nothing to find when it pays no contribution).
 * `output`: the charged text's token ids (tokenized by the worker that ran the model).
 */
export function captureEvidence(ctx: Context, receipt: Receipt, output: ArrayLike<number>): void {
  const cited = receipt.attribution.contributions.map((c) => c.contributionId);
  if (cited.length === 0) return;
  const queue = queueOf(ctx);
  queue.jobs.push({ receiptId: receipt.requestId, cited, output });
  if (!queue.timer) {
    queue.timer = setTimeout(() => void flush(ctx, queue), GATHER_MS);
    queue.timer.unref(); // the node's stop flushes what is left (evidenceSettled)
  }
}

/** Resolves once every queued capture is stored. */
export async function evidenceSettled(ctx: Context): Promise<void> {
  const queue = queueOf(ctx);
  await flush(ctx, queue);
}

/** Drops a contribution's tokens from memory (its content is being taken down). */
export function forgetTokens(ctx: Context, contributionId: string): void {
  const queue = queueOf(ctx);
  const tokens = queue.tokens.get(contributionId);
  if (!tokens) return;
  queue.tokens.delete(contributionId);
  queue.cachedTokens -= tokens.length;
}

function flush(ctx: Context, queue: Queue): Promise<void> {
  if (queue.timer) clearTimeout(queue.timer);
  queue.timer = null;
  const jobs = queue.jobs.splice(0);
  queue.flushing = queue.flushing
    .then(() => (jobs.length > 0 ? store(ctx, queue, jobs) : undefined))
    .catch((err) => ctx.logger.error({ err, receipts: jobs.length }, 'could not keep receipt evidence'));
  return queue.flushing;
}

async function store(ctx: Context, queue: Queue, jobs: Job[]): Promise<void> {
  const ids = [...new Set(jobs.flatMap((j) => j.cited))];
  await loadTokens(
    ctx,
    queue,
    ids.filter((id) => !queue.tokens.has(id)),
  );
  const rows: (string | number)[][] = [];
  let slice = performance.now();
  for (const job of jobs) {
    const find = sharedRunFinder(job.output);
    for (const id of job.cited) {
      // This runs on the request thread between calls: yielding every slice lets a call that
      // arrives meanwhile wait at most that long behind it (a gathered batch takes milliseconds).
      if (performance.now() - slice > YIELD_AFTER_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
      const doc = queue.tokens.get(id);
      const run = doc && find(doc);
      if (run) rows.push([job.receiptId, id, run.outputStart, run.length, run.docOffset]);
    }
  }
  for (let at = 0; at < rows.length; at += ROWS_PER_INSERT) {
    const batch = rows.slice(at, at + ROWS_PER_INSERT);
    const tuples = batch.map(
      (_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}, $${i * 5 + 5})`,
    );
    await ctx.db.query(
      `insert into receipt_evidence (receipt_id, contribution_id, output_start, length, doc_offset)
       values ${tuples.join(', ')} on conflict do nothing`,
      batch.flat(),
    );
  }
  touch(queue, ids);
}

async function loadTokens(ctx: Context, queue: Queue, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const rows = await ctx.db.query<{ id: string; content_hash: string }>(
    'select id::text as id, content_hash from contributions where id = any($1::bigint[])',
    [ids],
  );
  for (const row of rows) {
    const tokens = await contentTokens(ctx, row.content_hash);
    if (!tokens) continue;
    queue.tokens.set(row.id, tokens);
    queue.cachedTokens += tokens.length;
  }
}

/** Marks `ids` most recently used and evicts the least recently used beyond the cache size. */
function touch(queue: Queue, ids: readonly string[]): void {
  for (const id of ids) {
    const tokens = queue.tokens.get(id);
    if (!tokens) continue;
    queue.tokens.delete(id);
    queue.tokens.set(id, tokens);
  }
  for (const [id, tokens] of queue.tokens) {
    if (queue.cachedTokens <= CACHE_TOKENS) break;
    queue.tokens.delete(id);
    queue.cachedTokens -= tokens.length;
  }
}
