/**
 * Proposals as the governor sees them: ids, descriptions, states, vote choices, and what the next
 * step is and when it opens — the words a CLI or a web page shows when an action is not yet possible.
 */
import { encodeAbiParameters, type Hex, hexToBigInt, keccak256, toHex } from 'viem';
import type { DecodedAction } from './decode.js';
import type { ProposalAction } from './templates.js';
import { formatDuration } from './words.js';

/** OpenZeppelin's `IGovernor.ProposalState`, by number. */
export const PROPOSAL_STATES = [
  'Pending',
  'Active',
  'Canceled',
  'Defeated',
  'Succeeded',
  'Queued',
  'Expired',
  'Executed',
] as const;
export type ProposalStateName = (typeof PROPOSAL_STATES)[number];

/** Vote choices as GovernorCountingSimple numbers them. */
export const VoteSupport = { against: 0, for: 1, abstain: 2 } as const;
export type VoteChoice = keyof typeof VoteSupport;
export const voteChoice = (support: number): VoteChoice =>
  (['against', 'for', 'abstain'] as const)[support] ?? 'abstain';

/** `keccak256` of a description, as `queue` and `execute` take it. */
export const descriptionHash = (description: string): Hex => keccak256(toHex(description));

/** The id the governor gives a proposal: `hashProposal(targets, values, calldatas, descriptionHash)`. */
export function proposalIdOf(actions: readonly ProposalAction[], description: string): bigint {
  return hexToBigInt(
    keccak256(
      encodeAbiParameters(
        [{ type: 'address[]' }, { type: 'uint256[]' }, { type: 'bytes[]' }, { type: 'bytes32' }],
        [
          actions.map((a) => a.target),
          actions.map((a) => a.value),
          actions.map((a) => a.data),
          descriptionHash(description),
        ],
      ),
    ),
  );
}

/**
 * A proposal's description: a Markdown title (what lists show, as Tally does), the proposer's text,
 * and what each action does in plain words — so the words are part of what is voted on.
 */
export function proposalDescription(
  { title, body }: { title: string; body?: string },
  actions: readonly Pick<DecodedAction, 'summary'>[],
): string {
  const steps = actions.map((a, i) => `${i + 1}. ${a.summary}`).join('\n');
  return `# ${title.trim()}\n\n${body?.trim() ? `${body.trim()}\n\n` : ''}## Actions\n\n${steps}\n`;
}

/** The first Markdown heading (or line) of a description. */
export const proposalTitle = (description: string): string =>
  (description.split('\n').find((l) => l.trim()) ?? '').replace(/^#+\s*/, '').trim();

/** What can happen next to a proposal, and from when. */
export type NextStep = {
  step: 'wait' | 'vote' | 'queue' | 'execute' | 'claim' | 'none';
  /** Unix seconds when `step` becomes possible (null: now, or never). */
  opensAt: number | null;
  message: string;
};

export type NextStepParameters = {
  state: ProposalStateName;
  voteStart: number;
  voteEnd: number;
  /** Unix seconds the timelock allows execution (once queued). */
  eta: number | null;
  /** The timelock's delay, for a proposal not yet queued. */
  timelockDelay: number;
  now: number;
  /** For a defeated proposal: why, in words. */
  outcome?: string;
};

const at = (time: number, now: number) =>
  time > now
    ? `${new Date(time * 1000).toISOString()} (in ${formatDuration(time - now)})`
    : new Date(time * 1000).toISOString();

/** The next step of a proposal in its state, in words. */
export function nextStep(p: NextStepParameters): NextStep {
  switch (p.state) {
    case 'Pending':
      return {
        step: 'wait',
        opensAt: p.voteStart + 1,
        message: `voting opens at ${at(p.voteStart + 1, p.now)}`,
      };
    case 'Active':
      return {
        step: 'vote',
        opensAt: null,
        message: `voting is open until ${at(p.voteEnd, p.now)}; if it passes it can be queued after that`,
      };
    case 'Succeeded':
      return {
        step: 'queue',
        opensAt: null,
        message: `it passed: queue it now; the timelock then waits ${formatDuration(p.timelockDelay)} before it can be executed`,
      };
    case 'Queued':
      return p.eta !== null && p.eta > p.now
        ? {
            step: 'execute',
            opensAt: p.eta,
            message: `it is queued: it can be executed at ${at(p.eta, p.now)}`,
          }
        : {
            step: 'execute',
            opensAt: null,
            message: 'it is queued and its delay has passed: execute it now',
          };
    case 'Executed':
      return {
        step: 'claim',
        opensAt: null,
        message: 'it was executed; voters claim their rewards once its reward period ends',
      };
    case 'Defeated':
      return { step: 'none', opensAt: null, message: `it was defeated${p.outcome ? `: ${p.outcome}` : ''}` };
    case 'Canceled':
      return { step: 'none', opensAt: null, message: 'it was canceled' };
    case 'Expired':
      return { step: 'none', opensAt: null, message: 'it expired before it was executed' };
  }
}
