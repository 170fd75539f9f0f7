/**
 * Proposals as the node serves them: indexed rows (actions, votes, times) joined with what only the
 * chain knows now (state, tally, quorum), actions decoded into plain words.
 */
import {
  decodeProposalActions,
  descriptionHash,
  formatTokens,
  nextStep,
  type ProposalAction,
  type ProposalStateName,
  type ProposalSummaryView,
  type ProposalTemplateInput,
  type ProposalView,
  proposalTitle,
  tributaryTimelockAbi,
  voteChoice,
} from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { listServedModels } from '../models/servedModels.js';
import { chainNow, type ProposalChainState, readProposalState, rewardsContract } from './chainReads.js';

type ProposalRow = {
  id: string;
  proposer: string;
  targets: string[];
  vals: string[];
  calldatas: string[];
  description: string;
  vote_start: bigint;
  vote_end: bigint;
  created_block: bigint;
  created_at: Date;
  eta: bigint | null;
  queued_at: Date | null;
  executed_at: Date | null;
  canceled_at: Date | null;
};

const COLUMNS = `id::text as id, proposer, targets, vals, calldatas, description, vote_start, vote_end,
  created_block, created_at, eta, queued_at, executed_at, canceled_at`;

/** JSON-safe copy: bigints become decimal strings. */
const jsonSafe = <T>(value: unknown): T =>
  JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v))) as T;

const actionsOf = (row: ProposalRow): ProposalAction[] =>
  row.targets.map((target, i) => ({
    target: getAddress(target),
    value: BigInt(row.vals[i] ?? 0),
    data: row.calldatas[i] as Hex,
  }));

/** Why a defeated proposal lost, in words. */
function defeatReason({ tally, quorum }: ProposalChainState): string {
  const [f, a, ab, q] = [tally.for, tally.against, tally.abstain, quorum].map(BigInt) as [
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  if (f + ab < q)
    return `quorum not reached (${formatTokens(f + ab)} for or abstaining of ${formatTokens(q)} needed)`;
  return `more votes against (${formatTokens(a)}) than for (${formatTokens(f)})`;
}

async function timelockDelay(ctx: Context): Promise<number> {
  return Number(
    await ctx.chain.publicClient.readContract({
      address: ctx.chain.addresses.timelock,
      abi: tributaryTimelockAbi,
      functionName: 'getMinDelay',
    }),
  );
}

async function modelLabels(ctx: Context): Promise<Record<string, string>> {
  const models = await listServedModels(ctx).catch(() => []);
  return Object.fromEntries(models.map((m) => [m.id, m.name]));
}

function summaryView(
  row: ProposalRow,
  chain: ProposalChainState,
  summaries: string[],
  now: number,
  delay: number,
): ProposalSummaryView {
  const eta = row.eta === null ? null : Number(row.eta);
  return {
    id: row.id,
    proposer: getAddress(row.proposer),
    title: proposalTitle(row.description),
    state: chain.state,
    tally: chain.tally,
    quorum: chain.quorum,
    voteStart: Number(row.vote_start),
    voteEnd: Number(row.vote_end),
    eta,
    createdAt: row.created_at.toISOString(),
    summaries,
    next: nextStep({
      state: chain.state,
      voteStart: Number(row.vote_start),
      voteEnd: Number(row.vote_end),
      eta,
      timelockDelay: delay,
      now,
      outcome: chain.state === 'Defeated' ? defeatReason(chain) : undefined,
    }),
  };
}

/** Proposals, newest first, optionally only those in `state`. */
export async function listProposals(
  ctx: Context,
  { state, limit = 100 }: { state?: ProposalStateName; limit?: number } = {},
): Promise<ProposalSummaryView[]> {
  const rows = await ctx.db.query<ProposalRow>(
    `select ${COLUMNS} from gov_proposals order by created_block desc, id desc limit $1`,
    [state ? 1000 : limit],
  );
  const [now, delay, models] = await Promise.all([chainNow(ctx), timelockDelay(ctx), modelLabels(ctx)]);
  const views = await Promise.all(
    rows.map(async (row) => {
      const chain = await readProposalState(ctx, BigInt(row.id), row.vote_start);
      const decoded = decodeProposalActions({
        actions: actionsOf(row),
        addresses: ctx.chain.addresses,
        labels: { models },
      });
      return summaryView(
        row,
        chain,
        decoded.map((d) => d.summary),
        now,
        delay,
      );
    }),
  );
  return (state ? views.filter((v) => v.state === state) : views).slice(0, limit);
}

/** One proposal with its decoded actions, votes and reward status; 404 when unknown. */
export async function getProposal(ctx: Context, id: bigint): Promise<ProposalView> {
  const [row] = await ctx.db.query<ProposalRow>(`select ${COLUMNS} from gov_proposals where id = $1`, [
    id.toString(),
  ]);
  if (!row) {
    throw notFound(`proposal ${id}`, [
      '`GET /v1/governance/proposals` lists them (the node may still be indexing)',
    ]);
  }
  const { publicClient } = ctx.chain;
  const rewards = rewardsContract(ctx);
  const [chain, now, delay, models, votes, period, eligibility] = await Promise.all([
    readProposalState(ctx, id, row.vote_start),
    chainNow(ctx),
    timelockDelay(ctx),
    modelLabels(ctx),
    ctx.db.query<{
      voter: string;
      support: number;
      weight: string;
      reason: string;
      voted_at: Date;
      tx_hash: string;
    }>(
      `select voter, support, weight::text as weight, reason, voted_at, tx_hash from gov_votes
       where proposal_id = $1 order by block_number, voter`,
      [id.toString()],
    ),
    publicClient.readContract({ ...rewards, functionName: 'periodOf', args: [id] }),
    publicClient.readContract({ ...rewards, functionName: 'eligibility', args: [id] }),
  ]);
  const decoded = decodeProposalActions({
    actions: actionsOf(row),
    addresses: ctx.chain.addresses,
    labels: { models },
  });
  return {
    ...summaryView(
      row,
      chain,
      decoded.map((d) => d.summary),
      now,
      delay,
    ),
    description: row.description,
    descriptionHash: descriptionHash(row.description),
    actions: decoded.map((d) => ({
      target: d.target,
      value: d.value.toString(),
      data: d.data,
      contract: d.contract,
      functionName: d.functionName,
      template: d.template ? jsonSafe<ProposalTemplateInput>(d.template) : null,
      summary: d.summary,
    })),
    votes: votes.map((v) => ({
      voter: getAddress(v.voter) as Address,
      support: voteChoice(v.support),
      weight: v.weight,
      reason: v.reason,
      votedAt: v.voted_at.toISOString(),
      txHash: v.tx_hash as Hex,
    })),
    createdBlock: row.created_block.toString(),
    queuedAt: row.queued_at?.toISOString() ?? null,
    executedAt: row.executed_at?.toISOString() ?? null,
    canceledAt: row.canceled_at?.toISOString() ?? null,
    reward: {
      period: period[0].toString(),
      periodEndsAt: Number(period[1]),
      eligibility:
        (['Eligible', 'PeriodNotOver', 'TooOld', 'Canceled', 'NoDecisiveQuorum'] as const)[eligibility] ??
        'TooOld',
    },
  };
}
