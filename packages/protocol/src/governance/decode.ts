/**
 * The governor's actions → templates and plain words, so a proposal shows what it will do before
 * anyone votes. Calls no template describes still decode by the contract's ABI; calls to unknown
 * addresses are shown as raw calldata.
 */
import { type Abi, type Address, decodeFunctionData, type Hex, isAddressEqual } from 'viem';
import type { ProtocolAddresses } from '../deploy.js';
import { protocolAbis } from './contractAbis.js';
import { type DescribeLabels, describeCall, describeTemplate } from './describe.js';
import { DISTRIBUTOR_SETTER, SINGLE_PARAMETERS } from './parameters.js';
import type { ProposalAction, ProposalTemplate } from './templates.js';
import { reasonFromBytes32 } from './words.js';

/** One action, decoded. */
export type DecodedAction = ProposalAction & {
  /** The protocol contract called, or null for another address. */
  contract: keyof ProtocolAddresses | null;
  functionName: string | null;
  /** Decoded arguments (bigints as they are). */
  args: readonly unknown[] | null;
  /** The template this action is, when it is one. */
  template: ProposalTemplate | null;
  /** What it does, in plain words. */
  summary: string;
};

export type DecodeProposalParameters = {
  actions: readonly ProposalAction[];
  addresses: ProtocolAddresses;
  /** Names to show beside ids (a node knows its models' names). */
  labels?: DescribeLabels;
};

/**
 * Decodes each action.
 *
 * @example
 * decodeProposalActions({ actions, addresses })[0].summary; // "Delist model 2 (reason: "harmful")…"
 */
export function decodeProposalActions({
  actions,
  addresses,
  labels,
}: DecodeProposalParameters): DecodedAction[] {
  return actions.map((action) => {
    const contract =
      (Object.keys(addresses) as (keyof ProtocolAddresses)[]).find((name) =>
        isAddressEqual(addresses[name], action.target),
      ) ?? null;
    const raw = { ...action, contract, functionName: null, args: null, template: null };
    if (!contract) {
      return { ...raw, summary: `Call ${action.target} with ${action.data.length / 2 - 1} bytes of data` };
    }
    let decoded: { functionName: string; args?: readonly unknown[] };
    try {
      decoded = decodeFunctionData({ abi: protocolAbis[contract] as Abi, data: action.data });
    } catch {
      return {
        ...raw,
        summary: `Call ${contract} with data its interface does not describe (${action.data.slice(0, 10)})`,
      };
    }
    const args = decoded.args ?? [];
    const template = toTemplate(contract, decoded.functionName, args, addresses);
    const summary = template
      ? describeTemplate(template, labels)
      : describeCall(contract, decoded.functionName, args);
    const withValue = action.value > 0n ? `${summary} (sending ${action.value} wei)` : summary;
    return { ...raw, functionName: decoded.functionName, args, template, summary: withValue };
  });
}

const reason = (value: unknown) => reasonFromBytes32(value as Hex);

function toTemplate(
  contract: keyof ProtocolAddresses,
  fn: string,
  args: readonly unknown[],
  addresses: ProtocolAddresses,
): ProposalTemplate | null {
  const [a0, a1, a2, a3, a4] = args as unknown[];
  if (contract === 'modelRegistry') {
    if (fn === 'delist') return { kind: 'delist-model', modelId: a0 as bigint, reason: reason(a1) };
    if (fn === 'relist') return { kind: 'relist-model', modelId: a0 as bigint, reason: reason(a1) };
    if (fn === 'setCommunityGoverned')
      return { kind: a1 ? 'adopt-model' : 'release-model', modelId: a0 as bigint };
    if (fn === 'governanceSetSplit') {
      const s = a1 as { computeBps: number; developerBps: number; dataBps: number };
      return {
        kind: 'set-model-split',
        modelId: a0 as bigint,
        split: { computeBps: s.computeBps, developerBps: s.developerBps, dataBps: s.dataBps },
      };
    }
    if (fn === 'governancePublishVersion') {
      return {
        kind: 'move-model',
        modelId: a0 as bigint,
        artifactHash: (a1 as Hex).toLowerCase() as Hex,
        configHash: (a2 as Hex).toLowerCase() as Hex,
        datanets: (a3 as { datanetId: bigint; version: bigint }[]).map((d) => ({
          datanetId: d.datanetId,
          version: Number(d.version),
        })),
        maxLicenceFees: a4 as bigint,
      };
    }
  }
  if (contract === 'datanetRegistry' && fn === 'setBanned')
    return { kind: a1 ? 'ban-contributor' : 'unban-contributor', account: a0 as Address };
  if (contract === 'token' && fn === 'transfer') {
    if (isAddressEqual(a0 as Address, addresses.governanceRewards))
      return { kind: 'fund-voter-rewards', amount: a1 as bigint };
    return { kind: 'treasury-grant', recipients: [{ account: a0 as Address, amount: a1 as bigint }] };
  }
  if (contract === 'nodeRegistry' && fn === 'slash')
    return {
      kind: 'slash-node',
      operator: a0 as Address,
      amount: a1 as bigint,
      recipient: a2 as Address,
      reason: reason(a3),
    };
  if (contract === 'rewardDistributor' && fn === 'resolveChallenge')
    return {
      kind: 'resolve-challenge',
      node: a0 as Address,
      epoch: a1 as bigint,
      upheld: Boolean(a2),
      reason: reason(a3),
    };
  if (contract === 'rewardDistributor' && fn === DISTRIBUTOR_SETTER)
    return { kind: 'set-settlement-parameters', parameters: { ...(a0 as Record<string, bigint | Address>) } };
  for (const [name, p] of Object.entries(SINGLE_PARAMETERS)) {
    if (p.contract === contract && p.setter === fn)
      return { kind: 'set-parameter', parameter: name, value: BigInt(a0 as bigint) };
  }
  return null;
}
