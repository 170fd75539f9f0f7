/**
 * Which nodes host a datanet, from the chain alone: the node that committed a version holds its
 * content, and so may the datanet's curators; NodeRegistry gives each one's endpoint (the
 * indexer keeps its NodeRegistered / NodeEndpointUpdated events).
 */
import { type Address, getAddress } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import type { Queryable } from '../store/db.js';

export type DatanetHost = { operator: Address; endpoint: string };

/** The endpoint `operator` last registered in NodeRegistry, or null if it is not a node. */
export async function nodeEndpoint(db: Queryable, operator: string): Promise<string | null> {
  const [row] = await db.query<{ endpoint: string }>(
    `select args->>'endpoint' as endpoint from chain_events
     where contract = 'nodeRegistry' and event_name in ('NodeRegistered', 'NodeEndpointUpdated')
       and lower(args->>'operator') = $1
     order by block_number desc, log_index desc limit 1`,
    [addressKey(operator)],
  );
  return row?.endpoint.replace(/\/$/, '') ?? null;
}

/**
 * Nodes other than this one that may serve datanet `datanetId` (version `version` first: its
 * committer), each with its registered endpoint, most likely first.
 */
export async function datanetHosts(
  ctx: Context,
  datanetId: string,
  version?: number,
): Promise<DatanetHost[]> {
  const authors = await ctx.db.query<{ author: string }>(
    `select author from datanet_versions where datanet_id = $1 and status = 'committed' and author is not null
     order by (version = $2) desc, version desc`,
    [datanetId, version ?? -1],
  );
  const curators = await ctx.db.query<{ account: string }>(
    'select account from datanet_curators where datanet_id = $1 order by account',
    [datanetId],
  );
  const self = addressKey(ctx.chain.operator.address);
  const candidates = [
    ...new Set([...authors.map((a) => a.author), ...curators.map((c) => c.account)].map(addressKey)),
  ];
  const hosts: DatanetHost[] = [];
  for (const operator of candidates) {
    if (operator === self) continue;
    const endpoint = await nodeEndpoint(ctx.db, operator);
    if (endpoint) hosts.push({ operator: getAddress(operator), endpoint });
  }
  return hosts;
}
