/**
 * Plain words for templates and for any other protocol call, written for a voter who has not read
 * the contracts: what changes, for whom, and by how much.
 */
import type { Address } from 'viem';
import type { ProtocolAddresses } from '../deploy.js';
import {
  distributorFieldUnit,
  formatParameter,
  parameterWords,
  SINGLE_PARAMETERS,
  type SingleParameterName,
} from './parameters.js';
import type { ProposalTemplate } from './templates.js';
import { formatBps, formatTokens } from './words.js';

/** Names to show beside ids, when the caller knows them. */
export type DescribeLabels = {
  /** Model id (decimal) → its name. */
  models?: Record<string, string>;
};

const withReason = (reason: string) => (reason ? ` (reason: "${reason}")` : '');
const splitWords = (s: { computeBps: number; developerBps: number; dataBps: number }) =>
  `compute ${formatBps(s.computeBps)}, developer ${formatBps(s.developerBps)}, data ${formatBps(s.dataBps)}`;

/** What a template does, in one or two sentences. */
export function describeTemplate(t: ProposalTemplate, labels: DescribeLabels = {}): string {
  const model = (id: bigint) => {
    const name = labels.models?.[id.toString()];
    return `model ${id}${name ? ` ("${name}")` : ''}`;
  };
  switch (t.kind) {
    case 'delist-model':
      return `Delist ${model(t.modelId)}${withReason(t.reason)}: nodes stop serving it until governance relists it.`;
    case 'relist-model':
      return `Relist ${model(t.modelId)}${withReason(t.reason)}: it becomes deprecated, and its developer may reactivate it.`;
    case 'ban-contributor':
      return `Ban ${t.account} from contributing to any datanet.`;
    case 'unban-contributor':
      return `Lift the contribution ban on ${t.account}.`;
    case 'set-parameter': {
      const single = SINGLE_PARAMETERS[t.parameter as SingleParameterName];
      if (single) return `Set ${single.what} to ${formatParameter(single.unit, t.value)}.`;
      return `Set the ${parameterWords(t.parameter)} to ${formatParameter(distributorFieldUnit(t.parameter), t.value)} (other settlement parameters unchanged).`;
    }
    case 'set-settlement-parameters':
      return `Set the settlement parameters: ${Object.entries(t.parameters)
        .map(
          ([field, value]) =>
            `${parameterWords(field)} ${formatParameter(distributorFieldUnit(field), value)}`,
        )
        .join(', ')}.`;
    case 'treasury-grant':
      return `Pay ${t.recipients.map((r) => `${formatTokens(r.amount)} to ${r.account}`).join(', ')} from the treasury.`;
    case 'fund-voter-rewards':
      return `Move ${formatTokens(t.amount)} from the treasury into the voter-reward budget.`;
    case 'move-model': {
      const refs = t.datanets.map((d) => `datanet ${d.datanetId} version ${d.version}`).join(', ');
      const fees =
        t.maxLicenceFees > 0n
          ? ` The treasury pays at most ${formatTokens(t.maxLicenceFees)} in licence fees.`
          : '';
      return `Publish a new version of ${model(t.modelId)} built from ${refs} (artifact ${t.artifactHash.slice(0, 10)}…); nodes serve it from then on.${fees}`;
    }
    case 'set-model-split':
      return `Set the fee split of ${model(t.modelId)} to ${splitWords(t.split)}.`;
    case 'adopt-model':
      return `Adopt ${model(t.modelId)} into community governance (its developer offered it): from then on only proposals publish its versions and set its split, within the developer's floors.`;
    case 'release-model':
      return `Hand ${model(t.modelId)} back to its developer (end community governance).`;
    case 'slash-node':
      return `Slash ${formatTokens(t.amount)} of node ${t.operator}'s stake to ${t.recipient}${withReason(t.reason)}.`;
    case 'resolve-challenge':
      return t.upheld
        ? `Uphold the challenge of node ${t.node}'s epoch ${t.epoch}${withReason(t.reason)}: the epoch and later ones are voided and their payers refunded.`
        : `Reject the challenge of node ${t.node}'s epoch ${t.epoch}${withReason(t.reason)}: the epoch stands.`;
  }
}

const argWords = (value: unknown): string => {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(argWords).join(', ')}]`;
  if (value && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${argWords(v)}`)
      .join(', ')}}`;
  return String(value as Address);
};

/** A call no template describes: the contract, the function and its arguments. */
export const describeCall = (
  contract: keyof ProtocolAddresses,
  functionName: string,
  args: readonly unknown[],
) => `Call ${contract}.${functionName}(${args.map(argWords).join(', ')}).`;
