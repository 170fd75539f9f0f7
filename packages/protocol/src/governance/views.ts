/**
 * Governance over the node's HTTP API, in types: the node produces these shapes (bigints as
 * decimal strings) and the SDK and CLI consume them.
 */
import type { Address, Hex } from 'viem';
import type { NextStep, ProposalStateName, VoteChoice } from './proposal.js';
import type { ProposalTemplateInput } from './templates.js';

export type TallyView = { for: string; against: string; abstain: string };

/** A proposal in a list. */
export type ProposalSummaryView = {
  id: string;
  proposer: Address;
  title: string;
  state: ProposalStateName;
  tally: TallyView;
  /** Votes needed (for + abstain) at the proposal's snapshot. */
  quorum: string;
  /** Unix seconds: votes count from after `voteStart` until `voteEnd` included. */
  voteStart: number;
  voteEnd: number;
  /** Unix seconds the timelock allows execution, once queued. */
  eta: number | null;
  createdAt: string;
  /** Each action in plain words. */
  summaries: string[];
  next: NextStep;
};

/** One action of a proposal, decoded (JSON: amounts as strings). */
export type ProposalActionView = {
  target: Address;
  value: string;
  data: Hex;
  contract: string | null;
  functionName: string | null;
  template: ProposalTemplateInput | null;
  summary: string;
};

export type VoteView = {
  voter: Address;
  support: VoteChoice;
  weight: string;
  reason: string;
  votedAt: string;
  txHash: Hex;
};

/** One proposal with its actions, votes and voter-reward status. */
export type ProposalView = ProposalSummaryView & {
  description: string;
  descriptionHash: Hex;
  actions: ProposalActionView[];
  votes: VoteView[];
  createdBlock: string;
  queuedAt: string | null;
  executedAt: string | null;
  canceledAt: string | null;
  reward: {
    period: string;
    /** Unix seconds: claims open when the reward period ends. */
    periodEndsAt: number;
    eligibility: 'Eligible' | 'PeriodNotOver' | 'TooOld' | 'Canceled' | 'NoDecisiveQuorum';
  };
};

/** A voter reward the account can claim now (through `proposalId`, once per period). */
export type ClaimableRewardView = { proposalId: string; period: string; amount: string };

/** An account's part in governance. */
export type GovernanceAccountView = {
  account: Address;
  balance: string;
  /** Voting power now (delegated to this account, its own included if it delegated to itself). */
  votes: string;
  /** Who this account's tokens vote through (null: nobody; its tokens do not vote yet). */
  delegate: Address | null;
  proposalThreshold: string;
  canPropose: boolean;
  votesCast: { proposalId: string; support: VoteChoice; weight: string }[];
  rewards: {
    claimable: ClaimableRewardView[];
    claimableTotal: string;
    /** Votes whose reward period has not ended yet: claims open at `opensAt`. */
    upcoming: { proposalId: string; period: string; opensAt: number }[];
    claimed: { proposalId: string; period: string; amount: string; paidAt: string }[];
    claimedTotal: string;
  };
};

/** The governance settings now. */
export type GovernanceParametersView = {
  clockMode: string;
  votingDelay: number;
  votingPeriod: number;
  proposalThreshold: string;
  quorumPercent: string;
  /** Votes needed now (for + abstain). */
  quorum: string;
  timelockDelay: number;
  treasury: { address: Address; balance: string };
  voterRewards: {
    address: Address;
    budget: string;
    rewardPerPeriod: string;
    periodSeconds: number;
    startsAt: number;
    totalPaid: string;
  };
  governor: Address;
  token: Address;
};
