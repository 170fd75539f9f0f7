/**
 * Committing datanet versions. The node builds the manifest from the accepted contributions,
 * stores it, records the version as pending, and sends `commitVersion` as the datanet's curator.
 * The pending row and the stored signed transaction make it crash-safe: a restart finishes a
 * version instead of losing or repeating it.
 */
import { datanetRegistryAbi, type VersionView } from '@tributary/protocol';
import { type Address, getAddress, type Hex, parseEventLogs } from 'viem';
import { sendTransaction, TransactionError } from '../chain/transactions.js';
import type { Context } from '../context.js';
import { conflict, notFound } from '../errors.js';
import { crashPoint } from '../faults.js';
import { tokenCommitment } from '../models/evidence/tokenCommitments.js';
import { getDatanet, requireCurator, requireNodeIsCurator } from './datanetQueries.js';
import { acceptedItems, buildManifest } from './manifest.js';

export type { VersionView };

type VersionRow = {
  datanet_id: string;
  version: number;
  parent_version: number;
  manifest_root: string;
  manifest_hash: string;
  contribution_count: number;
  token_count: bigint;
  status: VersionView['status'];
  author: string | null;
  tx_purpose: string | null;
  block_number: bigint | null;
  committed_at: Date | null;
};

const versionColumns = `datanet_id::text as datanet_id, version, parent_version, manifest_root, manifest_hash,
  contribution_count, token_count, status, author, tx_purpose, block_number, committed_at`;

/**
 * Commits a new version of the datanet holding exactly its accepted contributions.
 *
 * @example
 * const version = await commitVersion(ctx, { datanetId: '1', author: owner });
 */
export async function commitVersion(
  ctx: Context,
  { datanetId, author }: { datanetId: string; author: Address },
): Promise<VersionView> {
  const datanet = await getDatanet(ctx, datanetId);
  requireCurator(datanet, author);
  requireNodeIsCurator(ctx, datanet);
  return ctx.locks.run(`datanet:${datanetId}`, async () => {
    const pending = await pendingVersion(ctx, datanetId);
    if (pending) return finishVersion(ctx, pending);
    const row = await prepareVersion(ctx, datanetId, { allowUnchanged: false });
    crashPoint('version:prepared');
    return finishVersion(ctx, row);
  });
}

/** The datanet's oldest version not yet on-chain: finished before a new one is prepared. */
async function pendingVersion(ctx: Context, datanetId: string): Promise<VersionRow | undefined> {
  const [row] = await ctx.db.query<VersionRow>(
    `select ${versionColumns} from datanet_versions where datanet_id = $1 and status = 'pending' order by version limit 1`,
    [datanetId],
  );
  return row;
}

/** Writes the manifest blob and the pending version row (one transaction). */
async function prepareVersion(
  ctx: Context,
  datanetId: string,
  { allowUnchanged }: { allowUnchanged: boolean },
): Promise<VersionRow> {
  const items = await acceptedItems(ctx.db, datanetId);
  for (const item of items) item.tokenRoot = (await tokenCommitment(ctx, item))?.tokenRoot;
  const manifest = buildManifest(datanetId, items);
  const manifestHash = `0x${await ctx.blobs.put(manifest.bytes)}` as Hex;
  return ctx.db.transaction(async (tx) => {
    const [latest] = await tx.query<{ version: number; manifest_root: string }>(
      "select version, manifest_root from datanet_versions where datanet_id = $1 and status = 'committed' order by version desc limit 1",
      [datanetId],
    );
    const [count] = await tx.query<{ version_count: number }>(
      'select version_count from datanets where id = $1',
      [datanetId],
    );
    if (!allowUnchanged && latest && latest.manifest_root === manifest.tree.root.toLowerCase()) {
      throw conflict(
        'NOTHING_TO_COMMIT',
        `datanet ${datanetId} has not changed since version ${latest.version}`,
        ['accept or take down contributions first'],
      );
    }
    const parent = Math.max(latest?.version ?? 0, count?.version_count ?? 0);
    const version = parent + 1;
    const purpose = `commitVersion:${datanetId}:${version}:${manifest.tree.root}`;
    const [row] = await tx.query<VersionRow>(
      `insert into datanet_versions (datanet_id, version, parent_version, manifest_root, manifest_hash, contribution_count,
         token_count, status, tx_purpose)
       values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) returning ${versionColumns}`,
      [
        datanetId,
        version,
        parent,
        manifest.tree.root.toLowerCase(),
        manifestHash,
        items.length,
        manifest.tokenCount,
        purpose,
      ],
    );
    for (const item of items) {
      await tx.query(
        'insert into version_contributions (datanet_id, version, contribution_id) values ($1, $2, $3)',
        [datanetId, version, item.id],
      );
    }
    return row!;
  });
}

/** Sends (or resumes) a pending version's transaction and records the version the chain gave it. */
async function finishVersion(ctx: Context, row: VersionRow): Promise<VersionView> {
  let receipt: Awaited<ReturnType<typeof sendTransaction>>;
  try {
    receipt = await sendTransaction(ctx, {
      purpose: row.tx_purpose!,
      address: ctx.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'commitVersion',
      args: [
        BigInt(row.datanet_id),
        row.manifest_root as Hex,
        BigInt(row.contribution_count),
        row.token_count,
        row.manifest_hash as Hex,
      ],
    });
  } catch (error) {
    if (error instanceof TransactionError && error.status === 409) {
      await ctx.db.query(
        "update datanet_versions set status = 'failed' where datanet_id = $1 and version = $2",
        [row.datanet_id, row.version],
      );
    }
    throw error;
  }
  const [event] = parseEventLogs({
    abi: datanetRegistryAbi,
    logs: receipt.logs,
    eventName: 'DatanetVersionCommitted',
  });
  const actual = Number(event?.args.version ?? row.version);
  if (actual !== row.version) await renumber(ctx, row, actual);
  await ctx.indexer.waitForBlock(receipt.blockNumber);
  return getVersion(ctx, row.datanet_id, actual);
}

/** Someone else committed first: our version got the next number on-chain. */
async function renumber(ctx: Context, row: VersionRow, actual: number) {
  ctx.logger.warn(
    { datanetId: row.datanet_id, planned: row.version, actual },
    'version number moved: another commit came first',
  );
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      'delete from datanet_versions where datanet_id = $1 and version = $2 and tx_purpose is null',
      [row.datanet_id, actual],
    );
    await tx.query(
      'update datanet_versions set version = $3, parent_version = $3 - 1 where datanet_id = $1 and version = $2',
      [row.datanet_id, row.version, actual],
    );
    await tx.query('update version_contributions set version = $3 where datanet_id = $1 and version = $2', [
      row.datanet_id,
      row.version,
      actual,
    ]);
  });
}

/** Finishes every pending version (at start, after a crash). */
export async function resumePendingVersions(ctx: Context): Promise<number> {
  const rows = await ctx.db.query<VersionRow>(
    `select ${versionColumns} from datanet_versions where status = 'pending' order by datanet_id, version`,
  );
  for (const row of rows) {
    await ctx.locks
      .run(`datanet:${row.datanet_id}`, () => finishVersion(ctx, row))
      .catch((error) => {
        ctx.logger.error(
          { err: error, datanetId: row.datanet_id, version: row.version },
          'could not finish a pending version',
        );
      });
  }
  return rows.length;
}

/** Commits a new version after a takedown, if the latest committed one still holds removed items. */
export async function commitAfterTakedown(ctx: Context, datanetId: string): Promise<VersionView | null> {
  return ctx.locks.run(`datanet:${datanetId}`, async () => {
    const pending = await pendingVersion(ctx, datanetId);
    if (pending) return finishVersion(ctx, pending);
    const stale = await ctx.db.query(
      `select 1 from version_contributions v join contributions c on c.id = v.contribution_id
       where v.datanet_id = $1 and c.status = 'removed'
         and v.version = (select max(version) from datanet_versions where datanet_id = $1 and status = 'committed') limit 1`,
      [datanetId],
    );
    if (stale.length === 0) return null;
    return finishVersion(ctx, await prepareVersion(ctx, datanetId, { allowUnchanged: true }));
  });
}

/** One version with its diff against its parent. */
export async function getVersion(ctx: Context, datanetId: string, version: number): Promise<VersionView> {
  const [row] = await ctx.db.query<VersionRow>(
    `select ${versionColumns} from datanet_versions where datanet_id = $1 and version = $2`,
    [datanetId, version],
  );
  if (!row) throw notFound(`version ${version} of datanet ${datanetId}`);
  return toView(row, await contributionIds(ctx, datanetId, [row.version, row.parent_version]));
}

/** The version history of a datanet, oldest first. */
export async function listVersions(ctx: Context, datanetId: string): Promise<VersionView[]> {
  await getDatanet(ctx, datanetId);
  const rows = await ctx.db.query<VersionRow>(
    `select ${versionColumns} from datanet_versions where datanet_id = $1 order by version`,
    [datanetId],
  );
  // One query for every version's contributions, not two per version.
  const ids = await contributionIds(
    ctx,
    datanetId,
    rows.flatMap((row) => [row.version, row.parent_version]),
  );
  return rows.map((row) => toView(row, ids));
}

/** The contribution ids of each of `versions`, in id order. */
async function contributionIds(
  ctx: Context,
  datanetId: string,
  versions: readonly number[],
): Promise<Map<number, string[]>> {
  const rows = await ctx.db.query<{ version: number; contribution_id: bigint }>(
    `select version, contribution_id from version_contributions
     where datanet_id = $1 and version = any($2::int[]) order by contribution_id`,
    [datanetId, versions],
  );
  const ids = new Map<number, string[]>();
  for (const row of rows) {
    const list = ids.get(row.version) ?? [];
    list.push(row.contribution_id.toString());
    ids.set(row.version, list);
  }
  return ids;
}

function toView(row: VersionRow, ids: ReadonlyMap<number, readonly string[]>): VersionView {
  const mine = ids.get(row.version) ?? [];
  const parent = ids.get(row.parent_version) ?? [];
  const [inMine, inParent] = [new Set(mine), new Set(parent)];
  return {
    datanetId: row.datanet_id,
    version: row.version,
    parentVersion: row.parent_version,
    manifestRoot: row.manifest_root as Hex,
    manifestHash: row.manifest_hash as Hex,
    contributionCount: row.contribution_count,
    tokenCount: Number(row.token_count),
    status: row.status,
    author: row.author ? getAddress(row.author) : null,
    blockNumber: row.block_number?.toString() ?? null,
    committedAt: row.committed_at?.toISOString() ?? null,
    added: mine.filter((id) => !inParent.has(id)),
    removed: parent.filter((id) => !inMine.has(id)),
  };
}
