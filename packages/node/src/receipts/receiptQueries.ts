/**
 * Reading receipts and the activity log: who called which model version when, with what tokens
 * and fee — by model, payer or contributor.
 */
import type { ActivityEntry, Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { Context } from '../context.js';
import { badRequest, notFound } from '../errors.js';

export type ReceiptView = { id: string; receiptHash: Hex; signature: Hex; receipt: Receipt };

/** One receipt by its id (the request id). */
export async function getReceipt(ctx: Context, id: string): Promise<ReceiptView> {
  if (!/^0x[0-9a-f]{64}$/.test(id)) throw notFound(`receipt ${id}`, ['receipt ids are 0x + 64 hex digits']);
  const [row] = await ctx.db.query<{ id: string; receipt_hash: string; signature: string; receipt: Receipt }>(
    'select id, receipt_hash, signature, receipt from receipts where id = $1',
    [id],
  );
  if (!row) throw notFound(`receipt ${id}`);
  return {
    id: row.id,
    receiptHash: row.receipt_hash as Hex,
    signature: row.signature as Hex,
    receipt: row.receipt,
  };
}

export type ActivityFilter = {
  model?: string;
  payer?: string;
  contributor?: string;
  limit?: number;
  before?: string;
};

/** The activity log, newest first, filtered by model, payer or contributor. */
export async function listActivity(ctx: Context, filter: ActivityFilter): Promise<ActivityEntry[]> {
  if (!filter.model && !filter.payer && !filter.contributor) {
    throw badRequest('filter the activity by model, payer or contributor', ['e.g. /v1/activity?model=1']);
  }
  const limit = Math.min(filter.limit ?? 100, 1000);
  const rows = await ctx.db.query<{
    id: string;
    created_at: Date;
    epoch: bigint;
    payer: string;
    model_id: string;
    model_version: number;
    input_tokens: number;
    output_tokens: number;
    fee: string;
    earned: string | null;
  }>(
    `select r.id, r.created_at, r.epoch, r.payer, r.model_id::text as model_id, r.model_version, r.input_tokens,
            r.output_tokens, r.fee::text as fee,
            (select sum(rc.amount)::text from receipt_contributions rc where rc.receipt_id = r.id and rc.contributor = $3) as earned
     from receipts r
     where ($1::numeric is null or r.model_id = $1)
       and ($2::text is null or r.payer = $2)
       and ($3::text is null or exists (select 1 from receipt_contributions rc where rc.receipt_id = r.id and rc.contributor = $3))
       and ($4::timestamptz is null or r.created_at < $4)
     order by r.created_at desc, r.id limit $5`,
    [
      filter.model ?? null,
      filter.payer?.toLowerCase() ?? null,
      filter.contributor?.toLowerCase() ?? null,
      filter.before ?? null,
      limit,
    ],
  );
  return rows.map((r) => ({
    receiptId: r.id as Hex,
    time: r.created_at.toISOString(),
    epoch: r.epoch.toString(),
    payer: r.payer,
    modelId: r.model_id,
    modelVersion: r.model_version,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    fee: r.fee,
    ...(filter.contributor ? { earned: r.earned ?? '0' } : {}),
  }));
}
