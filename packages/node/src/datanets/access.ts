/**
 * Who may read a contribution's content. Open datanets: anyone. Licensed datanets: the owner and
 * curators, the contributor (own items), and the node serving a model that licensed the datanet
 * (as ModelRegistry recorded it).
 */
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { forbidden, unauthorized } from '../errors.js';
import type { ContributionRow } from './contributionQueries.js';
import { canCurate, type DatanetView } from './datanetQueries.js';

/** Throws 401/403 unless `reader` (null when anonymous) may read the contribution's content. */
export async function requireReadAccess(
  ctx: Context,
  datanet: DatanetView,
  row: Pick<ContributionRow, 'contributor'> | null,
  reader: Address | null,
): Promise<void> {
  if (datanet.policy.licence === 'open') return;
  if (!reader) {
    throw unauthorized('UNAUTHENTICATED', `datanet ${datanet.id} is licensed: its content needs an API key`, [
      'readers: the owner, curators, contributors (own items) and nodes of models that licensed it',
    ]);
  }
  if (canCurate(datanet, reader)) return;
  if (row && addressKey(row.contributor) === addressKey(reader)) return;
  const licensed = await ctx.db.query(
    `select 1 from models m join model_licences l on l.model_id = m.id
     where l.datanet_id = $1 and m.node = $2 and m.status <> 2 limit 1`,
    [datanet.id, addressKey(reader)],
  );
  if (licensed.length > 0) return;
  throw forbidden('NOT_LICENSED', `${reader} may not read licensed datanet ${datanet.id}`, [
    'register a model against it (paying its licence fee) served by this account, or ask the owner',
  ]);
}
