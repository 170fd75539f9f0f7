/**
 * How governance events change the node's tables: proposals, votes, voter rewards paid,
 * community-governed models and protocol fee sweeps. Upserts keyed by entity (replays change
 * nothing); `unprojectGovernance` undoes events a reorg removed.
 */
import type { StoredEvent } from '../chain/projections.js';
import type { Queryable } from '../store/db.js';

type Projection = (tx: Queryable, event: StoredEvent) => Promise<void>;

const lower = (value: unknown) => String(value).toLowerCase();
const str = (value: unknown) => String(value);

async function voteCast(tx: Queryable, { args, blockNumber, blockTime, txHash }: StoredEvent) {
  await tx.query(
    `insert into gov_votes (proposal_id, voter, support, weight, reason, block_number, voted_at, tx_hash)
     values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing`,
    [
      str(args.proposalId),
      lower(args.voter),
      Number(args.support),
      str(args.weight),
      str(args.reason ?? ''),
      blockNumber,
      blockTime,
      txHash,
    ],
  );
}

/** Governor and GovernanceRewards events. */
export const governorProjections: Record<string, Projection> = {
  async ProposalCreated(tx, { args, blockNumber, blockTime, txHash }) {
    await tx.query(
      `insert into gov_proposals (id, proposer, targets, vals, calldatas, description, vote_start, vote_end,
         created_block, created_at, tx_hash)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict (id) do nothing`,
      [
        str(args.proposalId),
        lower(args.proposer),
        JSON.stringify(args.targets),
        JSON.stringify(args.values),
        JSON.stringify(args.calldatas),
        str(args.description),
        BigInt(str(args.voteStart)),
        BigInt(str(args.voteEnd)),
        blockNumber,
        blockTime,
        txHash,
      ],
    );
  },
  VoteCast: voteCast,
  VoteCastWithParams: voteCast,
  async ProposalQueued(tx, { args, blockTime }) {
    await tx.query('update gov_proposals set eta = $2, queued_at = $3 where id = $1', [
      str(args.proposalId),
      BigInt(str(args.etaSeconds)),
      blockTime,
    ]);
  },
  async ProposalExecuted(tx, { args, blockTime }) {
    await tx.query('update gov_proposals set executed_at = $2 where id = $1', [
      str(args.proposalId),
      blockTime,
    ]);
  },
  async ProposalCanceled(tx, { args, blockTime }) {
    await tx.query('update gov_proposals set canceled_at = $2 where id = $1', [
      str(args.proposalId),
      blockTime,
    ]);
  },
  async VoterRewarded(tx, { args, blockNumber, blockTime }) {
    await tx.query(
      `insert into gov_voter_rewards (period, voter, proposal_id, weight, amount, block_number, paid_at)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
      [
        str(args.period),
        lower(args.voter),
        str(args.proposalId),
        str(args.weight),
        str(args.amount),
        blockNumber,
        blockTime,
      ],
    );
  },
  async ProtocolFeesSwept(tx, { args, blockNumber, logIndex, blockTime }) {
    await tx.query(
      `insert into protocol_fee_sweeps (block_number, log_index, treasury, amount, swept_at)
       values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [blockNumber, logIndex, lower(args.treasury), str(args.amount), blockTime],
    );
  },
};

/** ModelRegistry's community-governance events. */
export const communityProjections: Record<string, Projection> = {
  async CommunityGovernanceOffered(tx, { args }) {
    await tx.query(
      `insert into model_community (model_id, offered, adopted, bounds) values ($1, $2, false, $3)
       on conflict (model_id) do update set offered = $2, bounds = $3`,
      [str(args.modelId), Boolean(args.offered), JSON.stringify(args.bounds)],
    );
  },
  async CommunityGovernanceAdopted(tx, { args }) {
    const adopted = Boolean(args.adopted);
    // Handing a model back ends the offer too (the contract does the same).
    await tx.query(
      `update model_community set adopted = $2, offered = case when $2 then offered else false end where model_id = $1`,
      [str(args.modelId), adopted],
    );
  },
};

/** Undoes governance events a reorg removed (each entity is rebuilt from the events that remain). */
export async function unprojectGovernance(
  tx: Queryable,
  removed: readonly StoredEvent[],
  replay: (names: string[], key: string, value: string) => Promise<void>,
): Promise<void> {
  for (const { eventName, args, blockNumber, logIndex } of removed) {
    const proposal = str(args.proposalId);
    if (eventName === 'ProposalCreated')
      await tx.query('delete from gov_proposals where id = $1', [proposal]);
    if (eventName === 'VoteCast' || eventName === 'VoteCastWithParams')
      await tx.query('delete from gov_votes where proposal_id = $1 and voter = $2', [
        proposal,
        lower(args.voter),
      ]);
    if (eventName === 'ProposalQueued')
      await tx.query('update gov_proposals set eta = null, queued_at = null where id = $1', [proposal]);
    if (eventName === 'ProposalExecuted')
      await tx.query('update gov_proposals set executed_at = null where id = $1', [proposal]);
    if (eventName === 'ProposalCanceled')
      await tx.query('update gov_proposals set canceled_at = null where id = $1', [proposal]);
    if (eventName === 'VoterRewarded')
      await tx.query('delete from gov_voter_rewards where period = $1 and voter = $2', [
        str(args.period),
        lower(args.voter),
      ]);
    if (eventName === 'ProtocolFeesSwept')
      await tx.query('delete from protocol_fee_sweeps where block_number = $1 and log_index = $2', [
        blockNumber,
        logIndex,
      ]);
    if (eventName in communityProjections) {
      await tx.query('delete from model_community where model_id = $1', [str(args.modelId)]);
      await replay(Object.keys(communityProjections), 'modelId', str(args.modelId));
    }
  }
}
