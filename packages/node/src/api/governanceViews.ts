/**
 * Response schemas of `/v1/governance` (the shapes of `@tributary/protocol`'s governance/views.ts),
 * for the OpenAPI document and the route tests.
 */
import { PROPOSAL_STATES } from '@tributary/protocol';
import { z } from 'zod';

const hexString = z.string().regex(/^0x[0-9a-fA-F]*$/);
const addressString = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = z.string().regex(/^\d+$/);
const unixSeconds = z.number().int();
const voteChoice = z.enum(['against', 'for', 'abstain']);

const nextStepView = z.object({
  step: z.enum(['wait', 'vote', 'queue', 'execute', 'claim', 'none']),
  opensAt: unixSeconds
    .nullable()
    .meta({ description: 'when the step becomes possible (null: now, or never)' }),
  message: z.string(),
});

export const proposalSummaryView = z
  .object({
    id: decimal,
    proposer: addressString,
    title: z.string(),
    state: z.enum(PROPOSAL_STATES),
    tally: z.object({ for: decimal, against: decimal, abstain: decimal }),
    quorum: decimal.meta({ description: 'votes needed (for + abstain) at the snapshot' }),
    voteStart: unixSeconds,
    voteEnd: unixSeconds,
    eta: unixSeconds.nullable(),
    createdAt: z.string(),
    summaries: z.array(z.string()).meta({ description: 'each action in plain words' }),
    next: nextStepView,
  })
  .meta({ id: 'ProposalSummary' });

export const proposalView = proposalSummaryView
  .extend({
    description: z.string(),
    descriptionHash: hexString,
    actions: z.array(
      z.object({
        target: addressString,
        value: decimal,
        data: hexString,
        contract: z.string().nullable(),
        functionName: z.string().nullable(),
        template: z.record(z.string(), z.unknown()).nullable(),
        summary: z.string(),
      }),
    ),
    votes: z.array(
      z.object({
        voter: addressString,
        support: voteChoice,
        weight: decimal,
        reason: z.string(),
        votedAt: z.string(),
        txHash: hexString,
      }),
    ),
    createdBlock: decimal,
    queuedAt: z.string().nullable(),
    executedAt: z.string().nullable(),
    canceledAt: z.string().nullable(),
    reward: z.object({
      period: decimal,
      periodEndsAt: unixSeconds,
      eligibility: z.enum(['Eligible', 'PeriodNotOver', 'TooOld', 'Canceled', 'NoDecisiveQuorum']),
    }),
  })
  .meta({ id: 'Proposal' });

export const governanceAccountView = z
  .object({
    account: addressString,
    balance: decimal,
    votes: decimal.meta({ description: 'voting power now' }),
    delegate: addressString.nullable().meta({ description: 'null: its tokens do not vote yet' }),
    proposalThreshold: decimal,
    canPropose: z.boolean(),
    votesCast: z.array(z.object({ proposalId: decimal, support: voteChoice, weight: decimal })),
    rewards: z.object({
      claimable: z.array(z.object({ proposalId: decimal, period: decimal, amount: decimal })),
      claimableTotal: decimal,
      upcoming: z.array(z.object({ proposalId: decimal, period: decimal, opensAt: unixSeconds })),
      claimed: z.array(
        z.object({ proposalId: decimal, period: decimal, amount: decimal, paidAt: z.string() }),
      ),
      claimedTotal: decimal,
    }),
  })
  .meta({ id: 'GovernanceAccount' });

export const governanceParametersView = z
  .object({
    clockMode: z.string(),
    votingDelay: z.number().int(),
    votingPeriod: z.number().int(),
    proposalThreshold: decimal,
    quorumPercent: decimal,
    quorum: decimal,
    timelockDelay: z.number().int(),
    treasury: z.object({ address: addressString, balance: decimal }),
    voterRewards: z.object({
      address: addressString,
      budget: decimal,
      rewardPerPeriod: decimal,
      periodSeconds: z.number().int(),
      startsAt: unixSeconds,
      totalPaid: decimal,
    }),
    governor: addressString,
    token: addressString,
  })
  .meta({ id: 'GovernanceParameters' });

/** What `/v1/protocol/totals` adds about the treasury and voter rewards. */
export const governanceTotalsView = {
  treasury: z.object({ address: addressString, balance: decimal }),
  protocolFees: z.object({
    accrued: decimal.meta({ description: 'protocol fees of final epochs not yet swept' }),
    swept: decimal,
    sweeps: z.number().int(),
  }),
  voterRewards: z.object({
    budget: decimal,
    paid: decimal,
    claims: z.number().int(),
    voters: z.number().int(),
    rewardPerPeriod: decimal,
    periodSeconds: z.number().int(),
  }),
};
