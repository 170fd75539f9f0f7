/**
 * Reading contributions as the API shows them.
 */
import type { ContributionStatus, ContributionView } from '@tributary/protocol';
import { getAddress } from 'viem';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import type { Queryable } from '../store/db.js';

export type { ContributionStatus, ContributionView };

export type ContributionRow = {
  id: bigint;
  datanet_id: string;
  contributor: string;
  content_hash: string;
  filename: string;
  media_type: string;
  bytes: number;
  tokens: number;
  status: ContributionStatus;
  indexed: boolean;
  created_at: Date;
  decided_at: Date | null;
  removed_at: Date | null;
  removal_reason: number | null;
};

export const contributionColumns = `id, datanet_id::text as datanet_id, contributor, content_hash, filename, media_type,
  bytes, tokens, status, indexed, created_at, decided_at, removed_at, removal_reason`;

export const contributionView = (row: ContributionRow): ContributionView => ({
  id: row.id.toString(),
  datanetId: row.datanet_id,
  contributor: getAddress(row.contributor),
  contentHash: `0x${row.content_hash}`,
  filename: row.filename,
  mediaType: row.media_type,
  bytes: row.bytes,
  tokens: row.tokens,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  decidedAt: row.decided_at?.toISOString() ?? null,
  removedAt: row.removed_at?.toISOString() ?? null,
  removalReason: row.removal_reason,
});

/** The contribution `id` (404 if unknown). */
export async function getContributionRow(db: Queryable, id: string): Promise<ContributionRow> {
  if (!/^\d{1,19}$/.test(id)) throw notFound(`contribution ${id}`, ['contribution ids are decimal integers']);
  const [row] = await db.query<ContributionRow>(
    `select ${contributionColumns} from contributions where id = $1`,
    [id],
  );
  if (!row) throw notFound(`contribution ${id}`);
  return row;
}

/** Contributions of a datanet, oldest first, optionally of one status. */
export async function listContributions(
  ctx: Context,
  datanetId: string,
  {
    status,
    limit = 500,
    offset = 0,
  }: { status?: ContributionStatus | undefined; limit?: number; offset?: number } = {},
): Promise<ContributionView[]> {
  const rows = await ctx.db.query<ContributionRow>(
    `select ${contributionColumns} from contributions where datanet_id = $1 and ($2::text is null or status = $2)
     order by id limit $3 offset $4`,
    [datanetId, status ?? null, limit, offset],
  );
  return rows.map(contributionView);
}
