/**
 * Daily per-account quotas (contributions, metadata documents), in a count and in bytes. A charge
 * is one guarded upsert: it adds to today's row only if the result stays within the limits, so
 * parallel requests from one account cannot pass a limit together (the row lock orders them on
 * PostgreSQL; PGlite runs one transaction at a time). Run it inside the transaction that stores
 * what is charged, so a failed store charges nothing.
 */
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import { rateLimited } from '../errors.js';
import type { Queryable } from '../store/db.js';

export type QuotaKind = 'contribution' | 'metadata';

export type ChargeQuotaParameters = {
  account: Address;
  kind: QuotaKind;
  bytes: number;
  maxCount: number;
  maxBytes: number;
};

const today = "(now() at time zone 'utc')::date";

/** Adds one item of `bytes` to today's quota of `account`; 429 (charging nothing) when over. */
export async function chargeQuota(db: Queryable, p: ChargeQuotaParameters): Promise<void> {
  const charged = await db.query(
    `insert into account_quotas (account, day, kind, count, bytes)
     select $1::text, ${today}, $2::text, 1, $3::bigint where $3::bigint <= $5::bigint
     on conflict (account, day, kind) do update set count = account_quotas.count + 1, bytes = account_quotas.bytes + excluded.bytes
     where account_quotas.count + 1 <= $4::int and account_quotas.bytes + excluded.bytes <= $5::bigint
     returning 1`,
    [addressKey(p.account), p.kind, p.bytes, p.maxCount, p.maxBytes],
  );
  if (charged.length === 0) throw await overQuota(db, p);
}

/** 429 now when one more item of `bytes` would not fit (a cheap check before work is done). */
export async function checkQuota(db: Queryable, p: ChargeQuotaParameters): Promise<void> {
  const [used] = await quotaUsed(db, p);
  if ((used?.count ?? 0) + 1 > p.maxCount || Number(used?.bytes ?? 0) + p.bytes > p.maxBytes) {
    throw await overQuota(db, p);
  }
}

const quotaUsed = (db: Queryable, p: Pick<ChargeQuotaParameters, 'account' | 'kind'>) =>
  db.query<{ count: number; bytes: bigint }>(
    `select count, bytes from account_quotas where account = $1 and day = ${today} and kind = $2`,
    [addressKey(p.account), p.kind],
  );

async function overQuota(db: Queryable, p: ChargeQuotaParameters) {
  const [used] = await quotaUsed(db, p);
  return rateLimited(`${p.account} is over today's ${p.kind} limit`, [
    `${used?.count ?? 0} ${p.kind}s and ${used?.bytes ?? 0} bytes today (UTC); this one is ${p.bytes} bytes`,
    `limits: ${p.maxCount} ${p.kind}s and ${p.maxBytes} bytes a day`,
  ]);
}
