/**
 * Reading datanets as the API shows them, and who may act on one.
 */
import type { DatanetView, PolicyView } from '@tributary/protocol';
import { type Address, getAddress } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { forbidden, notFound } from '../errors.js';
import type { Queryable } from '../store/db.js';

export type { DatanetView, PolicyView };

type DatanetRow = {
  id: string;
  owner: string;
  metadata_hash: string;
  policy: {
    contributionMode: number;
    licence: number;
    minDataBps: number;
    contributionBond: string;
    licenceFee: string;
  };
  version_count: number;
  created_at: Date;
  document: Record<string, unknown> | null;
  curators: string[] | null;
};

const selectDatanets = `
  select d.id::text as id, d.owner, d.metadata_hash, d.policy, d.version_count, d.created_at, m.document,
    (select array_agg(c.account order by c.account) from datanet_curators c where c.datanet_id = d.id) as curators
  from datanets d left join datanet_metadata m on m.hash = d.metadata_hash`;

const toView = (row: DatanetRow): DatanetView => ({
  id: row.id,
  owner: getAddress(row.owner),
  curators: (row.curators ?? []).map((a) => getAddress(a)),
  metadataHash: row.metadata_hash,
  metadata: row.document,
  policy: {
    contributionMode: Number(row.policy.contributionMode) === 1 ? 'curated' : 'open',
    licence: Number(row.policy.licence) === 1 ? 'licensed' : 'open',
    minDataBps: Number(row.policy.minDataBps),
    contributionBond: String(row.policy.contributionBond),
    licenceFee: String(row.policy.licenceFee),
  },
  versionCount: row.version_count,
  createdAt: row.created_at.toISOString(),
});

/** The datanet `id`; 404 when the chain has no such datanet (yet). */
export async function getDatanet(
  ctx: Context | { db: Queryable },
  id: string,
  db: Queryable = ctx.db,
): Promise<DatanetView> {
  if (!/^\d{1,78}$/.test(id)) throw notFound(`datanet ${id}`, ['datanet ids are decimal integers']);
  const [row] = await db.query<DatanetRow>(`${selectDatanets} where d.id = $1`, [id]);
  if (!row) throw notFound(`datanet ${id}`, ['list datanets with GET /v1/datanets']);
  return toView(row);
}

/** Datanets, newest first. */
export async function listDatanets(ctx: Context, { limit = 100, offset = 0 } = {}): Promise<DatanetView[]> {
  const rows = await ctx.db.query<DatanetRow>(`${selectDatanets} order by d.id desc limit $1 offset $2`, [
    limit,
    offset,
  ]);
  return rows.map(toView);
}

/** Whether `account` owns or curates the datanet. */
export const canCurate = (datanet: DatanetView, account: Address) =>
  addressKey(datanet.owner) === addressKey(account) ||
  datanet.curators.some((c) => addressKey(c) === addressKey(account));

/** Throws 403 unless `account` owns or curates the datanet. */
export function requireCurator(datanet: DatanetView, account: Address): void {
  if (!canCurate(datanet, account)) {
    throw forbidden('NOT_CURATOR', `${account} is neither the owner nor a curator of datanet ${datanet.id}`, [
      `the owner is ${datanet.owner}`,
    ]);
  }
}

/** Throws 409 unless this node may send curator transactions for the datanet. */
export function requireNodeIsCurator(ctx: Context, datanet: DatanetView): void {
  if (!canCurate(datanet, ctx.chain.operator.address)) {
    throw forbidden(
      'NODE_NOT_CURATOR',
      `this node (${ctx.chain.operator.address}) cannot commit for datanet ${datanet.id}`,
      [
        `the owner makes it a curator with DatanetRegistry.setCurator(${datanet.id}, ${ctx.chain.operator.address}, true)`,
      ],
    );
  }
}

/** Whether `account` is on the governance penalty list. */
export async function isBanned(ctx: Context, account: Address): Promise<boolean> {
  const rows = await ctx.db.query('select 1 from banned_accounts where account = $1', [addressKey(account)]);
  return rows.length > 0;
}
