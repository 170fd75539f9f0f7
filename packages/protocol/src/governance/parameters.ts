/**
 * The protocol parameters governance may set, where each lives and how to show it. Single-value
 * setters are listed; the reward distributor's parameters are one struct, so setting one of its
 * fields reads the others from the chain (whatever fields the contract's ABI declares).
 */
import type { Abi } from 'viem';
import type { ProtocolAddresses } from '../deploy.js';
import {
  datanetRegistryAbi,
  governanceRewardsAbi,
  nodeRegistryAbi,
  paymentEscrowAbi,
  tributaryGovernorAbi,
  tributaryTimelockAbi,
} from '../generated/contracts.js';
import { formatBps, formatDuration, formatTokens } from './words.js';

/** How a parameter's value reads: token base units, basis points, seconds, a percentage, a count or an address. */
export type ParameterUnit = 'tokens' | 'bps' | 'seconds' | 'percent' | 'count' | 'address';

export type SingleParameter = {
  contract: keyof ProtocolAddresses;
  abi: Abi;
  setter: string;
  getter: string;
  unit: ParameterUnit;
  what: string;
  /** Largest value accepted (checked before anyone signs; the contract may bound it further). */
  max?: bigint;
};

/** Parameters with their own setter. */
export const SINGLE_PARAMETERS = {
  votingDelay: {
    contract: 'governor',
    abi: tributaryGovernorAbi,
    setter: 'setVotingDelay',
    getter: 'votingDelay',
    unit: 'seconds',
    what: 'the delay between proposing and voting',
  },
  votingPeriod: {
    contract: 'governor',
    abi: tributaryGovernorAbi,
    setter: 'setVotingPeriod',
    getter: 'votingPeriod',
    unit: 'seconds',
    what: 'how long a vote stays open',
  },
  proposalThreshold: {
    contract: 'governor',
    abi: tributaryGovernorAbi,
    setter: 'setProposalThreshold',
    getter: 'proposalThreshold',
    unit: 'tokens',
    what: 'the votes needed to propose',
  },
  quorumPercent: {
    contract: 'governor',
    abi: tributaryGovernorAbi,
    setter: 'updateQuorumNumerator',
    getter: 'quorumNumerator',
    unit: 'percent',
    what: 'the quorum (share of the supply that must vote for or abstain)',
    max: 100n,
  },
  timelockDelay: {
    contract: 'timelock',
    abi: tributaryTimelockAbi,
    setter: 'updateDelay',
    getter: 'getMinDelay',
    unit: 'seconds',
    what: 'the timelock delay between queueing and executing',
  },
  minStake: {
    contract: 'nodeRegistry',
    abi: nodeRegistryAbi,
    setter: 'setMinStake',
    getter: 'minStake',
    unit: 'tokens',
    what: "a node's minimum stake",
  },
  unstakeDelay: {
    contract: 'nodeRegistry',
    abi: nodeRegistryAbi,
    setter: 'setUnstakeDelay',
    getter: 'unstakeDelay',
    unit: 'seconds',
    what: 'how long a node waits to withdraw its stake',
  },
  unlockDelay: {
    contract: 'paymentEscrow',
    abi: paymentEscrowAbi,
    setter: 'setUnlockDelay',
    getter: 'unlockDelay',
    unit: 'seconds',
    what: "how long a payer's withdrawal waits",
  },
  settlementGrace: {
    contract: 'paymentEscrow',
    abi: paymentEscrowAbi,
    setter: 'setSettlementGrace',
    getter: 'settlementGrace',
    unit: 'seconds',
    what: 'how long after an authorization ends its calls can still be settled',
  },
  bondTimeout: {
    contract: 'datanetRegistry',
    abi: datanetRegistryAbi,
    setter: 'setBondTimeout',
    getter: 'bondTimeout',
    unit: 'seconds',
    what: 'how long a contribution bond waits for review',
  },
  bondAppealPeriod: {
    contract: 'datanetRegistry',
    abi: datanetRegistryAbi,
    setter: 'setBondAppealPeriod',
    getter: 'bondAppealPeriod',
    unit: 'seconds',
    what: 'how long a contributor can appeal the forfeit of its bond',
  },
  voterRewardPerPeriod: {
    contract: 'governanceRewards',
    abi: governanceRewardsAbi,
    setter: 'setRewardPerPeriod',
    getter: 'rewardPerPeriod',
    unit: 'tokens',
    what: 'the voter reward paid per reward period (to all voters together, at most)',
  },
} as const satisfies Record<string, SingleParameter>;

export type SingleParameterName = keyof typeof SINGLE_PARAMETERS;

/** The reward distributor's setter that takes every settlement parameter at once. */
export const DISTRIBUTOR_SETTER = 'setParameters';

/** The unit of a settlement parameter, from its field name. */
export function distributorFieldUnit(field: string): ParameterUnit {
  if (/Bps$/.test(field)) return 'bps';
  if (/(Window|Period|Delay|Grace|Timeout)$/.test(field)) return 'seconds';
  if (/(Bond|BondMin|Stake|Amount)$/.test(field)) return 'tokens';
  if (/^(treasury|.*Address)$/.test(field)) return 'address';
  return 'count';
}

/** A parameter value in words. */
export function formatParameter(unit: ParameterUnit, value: bigint | string): string {
  if (unit === 'address') return String(value);
  const n = BigInt(value);
  switch (unit) {
    case 'tokens':
      return formatTokens(n);
    case 'bps':
      return formatBps(n);
    case 'seconds':
      return formatDuration(n);
    case 'percent':
      return `${n}%`;
    default:
      return n.toString();
  }
}

/** Splits "protocolFeeBps" into "protocol fee bps" for sentences. */
export const parameterWords = (name: string) =>
  name
    .replace(/Bps$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
