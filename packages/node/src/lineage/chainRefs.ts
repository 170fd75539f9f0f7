/**
 * Reading indexed protocol events as lineage evidence: each with the transaction, block and time
 * a reader can look up on-chain.
 */
import type { ChainRef } from '@tributary/protocol';
import type { Hex } from 'viem';
import type { Queryable } from '../store/db.js';

export type EventRow = {
  tx_hash: string;
  block_number: bigint;
  block_time: Date;
  event_name: string;
  contract: string;
  args: Record<string, unknown>;
};

export const chainRef = (row: EventRow): ChainRef => ({
  txHash: row.tx_hash as Hex,
  blockNumber: row.block_number.toString(),
  time: row.block_time.toISOString(),
});

/** Events of `contract` named `names` whose `args[key]` equals `value` (decimal ids, any-case addresses). */
export function eventsWhere(
  db: Queryable,
  contract: string,
  names: readonly string[],
  filters: Record<string, string> = {},
): Promise<EventRow[]> {
  const keys = Object.keys(filters);
  const where = keys
    .map((key, i) => `lower(args->>'${key.replace(/\W/g, '')}') = lower($${i + 3})`)
    .join(' and ');
  return db.query<EventRow>(
    `select tx_hash, block_number, block_time, event_name, contract, args from chain_events
     where contract = $1 and event_name = any($2)${where ? ` and ${where}` : ''}
     order by block_number, log_index`,
    [contract, names, ...keys.map((k) => filters[k]!)],
  );
}
