/**
 * Reading receipts and the activity log: who called which model version when, with what tokens
 * and fee. Each party reads its own: payers their calls, contributors and developers their shares;
 * the public sees per-model aggregates.
 */
import type { ActivityEntry, Receipt } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { badRequest, forbidden, notFound } from '../errors.js';

export type ReceiptView = {
  id: string;
  receiptHash: Hex;
  signature: Hex;
  receipt: Receipt;
  promptSalt?: Hex;
};

/** One receipt by its id (the request id); its salt only for the payer. */
export async function getReceipt(
  ctx: Context,
  id: string,
  reader: Address | null = null,
): Promise<ReceiptView> {
  if (!/^0x[0-9a-f]{64}$/.test(id)) throw notFound(`receipt ${id}`, ['receipt ids are 0x + 64 hex digits']);
  const [row] = await ctx.db.query<{
    id: string;
    receipt_hash: string;
    signature: string;
    receipt: Receipt;
    payer: string;
    prompt_salt: string | null;
  }>('select id, receipt_hash, signature, receipt, payer, prompt_salt from receipts where id = $1', [id]);
  if (!row) throw notFound(`receipt ${id}`);
  const isPayer = reader !== null && addressKey(reader) === row.payer;
  return {
    id: row.id,
    receiptHash: row.receipt_hash as Hex,
    signature: row.signature as Hex,
    receipt: row.receipt,
    ...(isPayer && row.prompt_salt ? { promptSalt: row.prompt_salt as Hex } : {}),
  };
}

export type ActivityFilter = {
  /** The authenticated account: every view is of its own calls or shares. */
  account: Address;
  as?: 'payer' | 'contributor' | 'developer' | undefined;
  model?: string | undefined;
  payer?: Address | undefined;
  contributor?: Address | undefined;
  developer?: Address | undefined;
  limit?: number | undefined;
  before?: string | undefined;
};

type Role = 'payer' | 'contributor' | 'developer';

/** Which view a filter asks for; 403 when it names an account other than the caller's. */
function roleOf(filter: ActivityFilter): Role {
  const named = (['payer', 'contributor', 'developer'] as const).filter((r) => filter[r] !== undefined);
  for (const role of named) {
    if (addressKey(filter[role]!) !== addressKey(filter.account)) {
      throw forbidden(
        'NOT_YOUR_ACTIVITY',
        `${filter.account} may read only its own activity, not ${filter[role]}'s`,
        ['drop the filter to see your own calls; public usage: GET /v1/models/{id}/usage'],
      );
    }
  }
  const roles = new Set<Role>([...named, ...(filter.as ? [filter.as] : [])]);
  if (roles.size > 1) throw badRequest('ask for one view at a time (payer, contributor or developer)');
  return [...roles][0] ?? 'payer';
}

/**
 * The caller's activity, newest first: as payer, its calls; as contributor, the calls its
 * contributions were attributed in and what it earned; as developer, calls to its models and its
 * share. Only the payer's view names the payer.
 */
export async function listActivity(ctx: Context, filter: ActivityFilter): Promise<ActivityEntry[]> {
  const role = roleOf(filter);
  const me = addressKey(filter.account);
  const limit = Math.min(filter.limit ?? 100, 1000);
  const earned =
    role === 'contributor'
      ? '(select sum(rc.amount)::text from receipt_contributions rc where rc.receipt_id = r.id and rc.contributor = $1)'
      : role === 'developer'
        ? "(r.receipt->'split'->>'developer')"
        : 'null';
  const mine =
    role === 'payer'
      ? 'r.payer = $1'
      : role === 'contributor'
        ? 'exists (select 1 from receipt_contributions rc where rc.receipt_id = r.id and rc.contributor = $1)'
        : "lower(r.receipt->'split'->>'developerAccount') = $1";
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
            r.output_tokens, r.fee::text as fee, ${earned} as earned
     from receipts r
     where ${mine}
       and ($2::numeric is null or r.model_id = $2)
       and ($3::timestamptz is null or r.created_at < $3)
     order by r.created_at desc, r.id limit $4`,
    [me, filter.model ?? null, filter.before ?? null, limit],
  );
  return rows.map((r) => ({
    receiptId: r.id as Hex,
    time: r.created_at.toISOString(),
    epoch: r.epoch.toString(),
    ...(role === 'payer' ? { payer: r.payer } : {}),
    modelId: r.model_id,
    modelVersion: r.model_version,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    fee: r.fee,
    ...(role !== 'payer' ? { earned: r.earned ?? '0' } : {}),
  }));
}

export type UsageDay = {
  day: string;
  modelId: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  fees: string;
};

/** A model's calls, tokens and fees per UTC day (the last 90 days): what the public sees. */
export async function modelUsage(ctx: Context, modelId: string): Promise<UsageDay[]> {
  const rows = await ctx.db.query<{
    day: string;
    calls: number;
    input_tokens: string;
    output_tokens: string;
    fees: string;
  }>(
    `select to_char(date_trunc('day', created_at at time zone 'utc'), 'YYYY-MM-DD') as day, count(*)::int as calls,
            sum(input_tokens)::text as input_tokens, sum(output_tokens)::text as output_tokens, sum(fee)::text as fees
     from receipts where model_id = $1 group by 1 order by 1 desc limit 90`,
    [modelId],
  );
  return rows.map((r) => ({
    day: r.day,
    modelId,
    calls: r.calls,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    fees: r.fees,
  }));
}
