/**
 * Projections: how each protocol event changes the node's tables. Each is an upsert keyed by the
 * entity, so replaying events is idempotent, and an entity can be rebuilt from its events after a
 * reorg removes some of them.
 */
import { communityProjections, governorProjections, unprojectGovernance } from '../governance/projections.js';
import type { Queryable } from '../store/db.js';

/** A decoded event as the indexer stores it (bigints as decimal strings). */
export type StoredEvent = {
  blockNumber: bigint;
  logIndex: number;
  blockTime: Date;
  txHash: string;
  eventName: string;
  args: Record<string, unknown>;
};

const lower = (value: unknown) => String(value).toLowerCase();
const str = (value: unknown) => String(value);

type Projection = (tx: Queryable, event: StoredEvent) => Promise<void>;

const datanetProjections: Record<string, Projection> = {
  async DatanetCreated(tx, { args, blockNumber, blockTime }) {
    await tx.query(
      `insert into datanets (id, owner, metadata_hash, policy, version_count, created_block, created_at)
       values ($1, $2, $3, $4, 0, $5, $6) on conflict (id) do nothing`,
      [str(args.datanetId), lower(args.owner), lower(args.metadataHash), args.policy, blockNumber, blockTime],
    );
  },
  async DatanetOwnershipTransferred(tx, { args }) {
    await tx.query('update datanets set owner = $2 where id = $1', [
      str(args.datanetId),
      lower(args.newOwner),
    ]);
  },
  async DatanetMetadataUpdated(tx, { args }) {
    await tx.query('update datanets set metadata_hash = $2 where id = $1', [
      str(args.datanetId),
      lower(args.metadataHash),
    ]);
  },
  async DatanetPolicyUpdated(tx, { args }) {
    await tx.query('update datanets set policy = $2 where id = $1', [str(args.datanetId), args.policy]);
  },
  async DatanetCuratorSet(tx, { args }) {
    if (args.enabled) {
      await tx.query(
        'insert into datanet_curators (datanet_id, account) values ($1, $2) on conflict do nothing',
        [str(args.datanetId), lower(args.curator)],
      );
    } else {
      await tx.query('delete from datanet_curators where datanet_id = $1 and account = $2', [
        str(args.datanetId),
        lower(args.curator),
      ]);
    }
  },
  async DatanetVersionCommitted(tx, { args, blockNumber, blockTime }) {
    const id = str(args.datanetId);
    await tx.query('update datanets set version_count = greatest(version_count, $2) where id = $1', [
      id,
      Number(args.version),
    ]);
    // A version this node prepared becomes committed; one committed elsewhere is recorded as the chain says.
    await tx.query(
      `insert into datanet_versions (datanet_id, version, parent_version, manifest_root, manifest_hash,
         contribution_count, token_count, status, author, block_number, committed_at)
       values ($1, $2, $3, $4, $5, $6, $7, 'committed', $8, $9, $10)
       on conflict (datanet_id, version) do update set status = 'committed', author = excluded.author,
         block_number = excluded.block_number, committed_at = excluded.committed_at,
         manifest_root = excluded.manifest_root, manifest_hash = excluded.manifest_hash`,
      [
        id,
        Number(args.version),
        Number(args.parentVersion),
        lower(args.manifestRoot),
        lower(args.manifestHash),
        Number(args.contributionCount),
        BigInt(str(args.tokenCount)),
        lower(args.author),
        blockNumber,
        blockTime,
      ],
    );
  },
  async ContributionRemoved(tx, { args, blockTime }) {
    await tx.query(
      `update contributions set status = 'removed', removed_at = coalesce(removed_at, $3),
         removed_by = coalesce(removed_by, $4), removal_reason = coalesce(removal_reason, $5)
       where datanet_id = $1 and id = $2 and status <> 'removed'`,
      [str(args.datanetId), str(args.contributionId), blockTime, lower(args.by), Number(args.reasonCode)],
    );
  },
};

const accountProjections: Record<string, Projection> = {
  async ContributorBanSet(tx, { args, blockTime }) {
    if (args.banned) {
      await tx.query(
        'insert into banned_accounts (account, banned_at) values ($1, $2) on conflict do nothing',
        [lower(args.account), blockTime],
      );
    } else {
      await tx.query('delete from banned_accounts where account = $1', [lower(args.account)]);
    }
  },
};

const modelProjections: Record<string, Projection> = {
  async ModelRegistered(tx, { args, blockNumber }) {
    await tx.query(
      `insert into models (id, developer, node, status, metadata_hash, pricing, split, version_count, created_block)
       values ($1, $2, $3, 0, $4, $5, $6, 0, $7) on conflict (id) do nothing`,
      [
        str(args.modelId),
        lower(args.developer),
        lower(args.node),
        lower(args.metadataHash),
        args.pricing,
        args.split,
        blockNumber,
      ],
    );
  },
  async ModelVersionPublished(tx, { args, blockNumber }) {
    await tx.query(
      `insert into model_versions (model_id, version, artifact_hash, config_hash, datanets, block_number)
       values ($1, $2, $3, $4, $5, $6) on conflict do nothing`,
      [
        str(args.modelId),
        Number(args.version),
        lower(args.artifactHash),
        lower(args.configHash),
        JSON.stringify(args.datanets),
        blockNumber,
      ],
    );
    await tx.query('update models set version_count = greatest(version_count, $2) where id = $1', [
      str(args.modelId),
      Number(args.version),
    ]);
  },
  async DatanetLicensed(tx, { args }) {
    await tx.query(
      'insert into model_licences (model_id, datanet_id, fee) values ($1, $2, $3) on conflict do nothing',
      [str(args.modelId), str(args.datanetId), str(args.fee)],
    );
  },
  async ModelPricingUpdated(tx, { args }) {
    await tx.query('update models set pricing = $2 where id = $1', [str(args.modelId), args.pricing]);
  },
  async ModelSplitUpdated(tx, { args }) {
    await tx.query('update models set split = $2 where id = $1', [str(args.modelId), args.split]);
  },
  async ModelNodeUpdated(tx, { args }) {
    await tx.query('update models set node = $2 where id = $1', [str(args.modelId), lower(args.node)]);
  },
  async ModelMetadataUpdated(tx, { args }) {
    await tx.query('update models set metadata_hash = $2 where id = $1', [
      str(args.modelId),
      lower(args.metadataHash),
    ]);
  },
  async ModelDeveloperTransferred(tx, { args }) {
    await tx.query('update models set developer = $2 where id = $1', [
      str(args.modelId),
      lower(args.newDeveloper),
    ]);
  },
  async ModelStatusChanged(tx, { args }) {
    await tx.query('update models set status = $2 where id = $1', [str(args.modelId), Number(args.status)]);
  },
};

const escrowProjections: Record<string, Projection> = {
  async Deposited(tx, { args }) {
    await tx.query(
      `insert into escrow_balances (payer, balance) values ($1, $2)
       on conflict (payer) do update set balance = escrow_balances.balance + excluded.balance`,
      [lower(args.payer), str(args.amount)],
    );
  },
  async Withdrawn(tx, { args }) {
    await tx.query('update escrow_balances set balance = balance - $2 where payer = $1', [
      lower(args.payer),
      str(args.amount),
    ]);
  },
  async Debited(tx, event) {
    await applyPage(tx, event, -1n);
  },
  async Refunded(tx, event) {
    await applyPage(tx, event, 1n); // a refund restores the balance and the allowance
  },
  async NodeAuthorized(tx, { args }) {
    await tx.query(
      `insert into escrow_authorizations (payer, node, remaining, expiry) values ($1, $2, $3, $4)
       on conflict (payer, node) do update set remaining = excluded.remaining, expiry = excluded.expiry`,
      [lower(args.payer), lower(args.node), str(args.cap), Number(args.expiry)],
    );
  },
  async NodeRevoked(tx, { args, blockTime }) {
    await tx.query(
      'update escrow_authorizations set expiry = least(expiry, $3) where payer = $1 and node = $2',
      [lower(args.payer), lower(args.node), Math.floor(blockTime.getTime() / 1000)],
    );
  },
};

/**
 * A page of debits (sign -1) or refunds (+1) of one node: each payer's balance and its allowance
 * for the node move by its amount. `onlyPayer` limits it to one payer (rebuilding after a reorg).
 */
async function applyPage(tx: Queryable, { args }: StoredEvent, sign: 1n | -1n, onlyPayer?: string) {
  const payers = (args.payers as unknown[]).map(lower);
  const amounts = (args.amounts as unknown[]).map(str);
  for (const [i, payer] of payers.entries()) {
    if (onlyPayer !== undefined && payer !== onlyPayer) continue;
    const delta = (sign * BigInt(amounts[i]!)).toString();
    await tx.query('update escrow_balances set balance = balance + $2 where payer = $1', [payer, delta]);
    await tx.query(
      'update escrow_authorizations set remaining = remaining + $3 where payer = $1 and node = $2',
      [payer, lower(args.node), delta],
    );
  }
}

/** The payers an escrow event concerns (one, or a page of them). */
const escrowPayers = (args: Record<string, unknown>): string[] =>
  Array.isArray(args.payers) ? args.payers.map(lower) : [lower(args.payer)];

const distributorProjections: Record<string, Projection> = {
  async EpochOpened(tx, { args }) {
    await tx.query(
      `insert into chain_epochs (node, epoch, status, credits_root, receipts_root, total_fee) values ($1, $2, 'open', $3, $4, $5)
       on conflict (node, epoch) do update set status = 'open', credits_root = $3, receipts_root = $4, total_fee = $5`,
      [
        lower(args.node),
        str(args.epoch),
        lower(args.creditsRoot),
        lower(args.receiptsRoot),
        str(args.totalFee),
      ],
    );
  },
  async EpochSettled(tx, { args }) {
    await tx.query(
      "update chain_epochs set status = 'settled', claimable_at = $3 where node = $1 and epoch = $2",
      [lower(args.node), str(args.epoch), Number(args.claimableAt)],
    );
  },
  async EpochChallenged(tx, { args }) {
    await tx.query("update chain_epochs set status = 'challenged' where node = $1 and epoch = $2", [
      lower(args.node),
      str(args.epoch),
    ]);
  },
  async ChallengeRejected(tx, { args }) {
    await tx.query("update chain_epochs set status = 'settled' where node = $1 and epoch = $2", [
      lower(args.node),
      str(args.epoch),
    ]);
  },
  async ChallengeLapsed(tx, { args }) {
    await tx.query("update chain_epochs set status = 'settled' where node = $1 and epoch = $2", [
      lower(args.node),
      str(args.epoch),
    ]);
  },
  async EpochsVoided(tx, { args }) {
    await tx.query("update chain_epochs set status = 'voided' where node = $1 and epoch between $2 and $3", [
      lower(args.node),
      str(args.fromEpoch),
      str(args.toEpoch),
    ]);
  },
  async Claimed(tx, { args }) {
    await tx.query(
      `insert into reward_claims (node, account, claimed) values ($1, $2, $3)
       on conflict (node, account) do update set claimed = greatest(reward_claims.claimed, excluded.claimed)`,
      [lower(args.node), lower(args.account), str(args.cumulativeAmount)],
    );
  },
};

const projections: Record<string, Projection> = {
  ...distributorProjections,
  ...datanetProjections,
  ...accountProjections,
  ...modelProjections,
  ...escrowProjections,
  ...governorProjections,
  ...communityProjections,
};

/** Applies `event` to the projected tables (events without a projection are only stored). */
export async function project(tx: Queryable, event: StoredEvent): Promise<void> {
  await projections[event.eventName]?.(tx, event);
}

/**
 * Undoes events removed by a reorg: the entities they touched are rebuilt from the events that
 * remain. Versions this node prepared go back to pending (their transaction will be re-sent).
 */
export async function unproject(tx: Queryable, removed: readonly StoredEvent[]): Promise<void> {
  const datanets = new Set<string>();
  const models = new Set<string>();
  const accounts = new Set<string>();
  const payers = new Set<string>();
  const nodes = new Set<string>();
  for (const event of removed) {
    if (event.eventName in distributorProjections) nodes.add(lower(event.args.node));
    if (event.eventName in escrowProjections) for (const p of escrowPayers(event.args)) payers.add(p);
    if (event.eventName in datanetProjections) datanets.add(str(event.args.datanetId));
    if (event.eventName in modelProjections) models.add(str(event.args.modelId));
    if (event.eventName in accountProjections) accounts.add(lower(event.args.account));
    if (event.eventName === 'DatanetVersionCommitted') {
      await tx.query(
        `update datanet_versions set status = 'pending', author = null, block_number = null, committed_at = null
         where datanet_id = $1 and version = $2 and tx_purpose is not null`,
        [str(event.args.datanetId), Number(event.args.version)],
      );
      await tx.query(
        "delete from datanet_versions where datanet_id = $1 and version = $2 and tx_purpose is null and status = 'committed'",
        [str(event.args.datanetId), Number(event.args.version)],
      );
    }
  }
  const replay = async (names: string[], key: string, value: string) => {
    const rows = await tx.query<StoredEventRow>(
      `select block_number, log_index, block_time, tx_hash, event_name, args from chain_events
       where event_name = any($1) and lower(args->>'${key}') = $2 order by block_number, log_index`,
      [names, value],
    );
    for (const row of rows) await project(tx, fromRow(row));
  };
  /** A payer's escrow rows from its own events and the pages of debits and refunds naming it. */
  const replayPayer = async (payer: string) => {
    const rows = await tx.query<StoredEventRow>(
      `select block_number, log_index, block_time, tx_hash, event_name, args from chain_events
       where event_name = any($1) and (lower(args->>'payer') = $2 or exists (
         select 1 from jsonb_array_elements_text(args->'payers') p where lower(p) = $2))
       order by block_number, log_index`,
      [Object.keys(escrowProjections), payer],
    );
    for (const row of rows) {
      const event = fromRow(row);
      if (Array.isArray(event.args.payers)) {
        await applyPage(tx, event, event.eventName === 'Debited' ? -1n : 1n, payer);
      } else {
        await project(tx, event);
      }
    }
  };
  await unprojectGovernance(tx, removed, replay);
  for (const id of datanets) {
    await tx.query('delete from datanets where id = $1', [id]);
    await tx.query('delete from datanet_curators where datanet_id = $1', [id]);
    await replay(Object.keys(datanetProjections), 'datanetId', id);
  }
  for (const id of models) {
    for (const table of [
      'models where id',
      'model_versions where model_id',
      'model_licences where model_id',
    ]) {
      await tx.query(`delete from ${table} = $1`, [id]);
    }
    await replay(Object.keys(modelProjections), 'modelId', id);
  }
  for (const account of accounts) {
    await tx.query('delete from banned_accounts where account = $1', [account]);
    await replay(Object.keys(accountProjections), 'account', account);
  }
  for (const node of nodes) {
    await tx.query('delete from chain_epochs where node = $1', [node]);
    await tx.query('delete from reward_claims where node = $1', [node]);
    await replay(Object.keys(distributorProjections), 'node', node);
  }
  for (const payer of payers) {
    await tx.query('delete from escrow_balances where payer = $1', [payer]);
    await tx.query('delete from escrow_authorizations where payer = $1', [payer]);
    await replayPayer(payer);
  }
}

export type StoredEventRow = {
  block_number: bigint;
  log_index: number;
  block_time: Date;
  tx_hash: string;
  event_name: string;
  args: Record<string, unknown>;
};

export const fromRow = (row: StoredEventRow): StoredEvent => ({
  blockNumber: row.block_number,
  logIndex: row.log_index,
  blockTime: row.block_time,
  txHash: row.tx_hash,
  eventName: row.event_name,
  args: row.args,
});
