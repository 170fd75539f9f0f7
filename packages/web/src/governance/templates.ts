/**
 * Proposal templates: a governed action as a form, encoded to the call the timelock will make,
 * and any proposal's calls decoded back to plain words (so voters read what they vote on).
 * The protocol package is to grow the full set (issue 12); these are the ones the app offers now.
 */
import {
  datanetRegistryAbi,
  governanceRewardsAbi,
  modelRegistryAbi,
  type NodeInfo,
} from '@tributary/protocol';
import {
  type Address,
  decodeFunctionData,
  encodeFunctionData,
  type Hex,
  hexToString,
  isAddress,
  parseEther,
  stringToHex,
} from 'viem';
import { formatTrib } from '../ui/format';

export type Field = { name: string; label: string; placeholder?: string };
export type Call = { target: Address; value: bigint; calldata: Hex };

export type Template = {
  id: string;
  title: string;
  fields: Field[];
  encode: (info: NodeInfo, values: Record<string, string>) => Call;
};

const need = (ok: boolean, problem: string) => {
  if (!ok) throw new Error(problem);
};

export const TEMPLATES: Template[] = [
  {
    id: 'ban',
    title: 'Ban a contributor',
    fields: [{ name: 'account', label: 'Account to ban', placeholder: '0x…' }],
    encode: (info, v) => {
      need(isAddress(v.account ?? ''), 'the account is not an address (0x and 40 hex digits)');
      return {
        target: info.addresses.datanetRegistry,
        value: 0n,
        calldata: encodeFunctionData({
          abi: datanetRegistryAbi,
          functionName: 'setBanned',
          args: [v.account as Address, true],
        }),
      };
    },
  },
  {
    id: 'unban',
    title: 'Lift a contributor’s ban',
    fields: [{ name: 'account', label: 'Account to unban', placeholder: '0x…' }],
    encode: (info, v) => {
      need(isAddress(v.account ?? ''), 'the account is not an address (0x and 40 hex digits)');
      return {
        target: info.addresses.datanetRegistry,
        value: 0n,
        calldata: encodeFunctionData({
          abi: datanetRegistryAbi,
          functionName: 'setBanned',
          args: [v.account as Address, false],
        }),
      };
    },
  },
  {
    id: 'delist',
    title: 'Delist a model',
    fields: [
      { name: 'modelId', label: 'Model id', placeholder: '1' },
      { name: 'reason', label: 'Reason (31 characters at most)', placeholder: 'licence breach' },
    ],
    encode: (info, v) => {
      need(/^\d+$/.test(v.modelId ?? ''), 'the model id is a number');
      need(
        (v.reason ?? '').length > 0 && (v.reason ?? '').length <= 31,
        'give a reason of 1 to 31 characters',
      );
      return {
        target: info.addresses.modelRegistry,
        value: 0n,
        calldata: encodeFunctionData({
          abi: modelRegistryAbi,
          functionName: 'delist',
          args: [BigInt(v.modelId!), stringToHex(v.reason!, { size: 32 })],
        }),
      };
    },
  },
  {
    id: 'voterReward',
    title: 'Set the voter reward per period',
    fields: [{ name: 'amount', label: 'Reward per period (TRIB)', placeholder: '1000' }],
    encode: (info, v) => {
      need(/^\d+(\.\d+)?$/.test(v.amount ?? ''), 'the amount is a number of TRIB');
      return {
        target: info.addresses.governanceRewards,
        value: 0n,
        calldata: encodeFunctionData({
          abi: governanceRewardsAbi,
          functionName: 'setRewardPerPeriod',
          args: [parseEther(v.amount!)],
        }),
      };
    },
  },
];

/** A call in plain words, or its raw form when no known contract function matches. */
export function describeCall(info: NodeInfo, call: { target: Address; calldata: Hex }): string {
  const is = (a: Address) => a.toLowerCase() === call.target.toLowerCase();
  try {
    if (is(info.addresses.datanetRegistry)) {
      const d = decodeFunctionData({ abi: datanetRegistryAbi, data: call.calldata });
      if (d.functionName === 'setBanned') {
        const [account, banned] = d.args as [Address, boolean];
        return banned ? `Ban ${account} from contributing to any datanet` : `Lift the ban on ${account}`;
      }
      return `DatanetRegistry.${d.functionName}(${(d.args ?? []).join(', ')})`;
    }
    if (is(info.addresses.modelRegistry)) {
      const d = decodeFunctionData({ abi: modelRegistryAbi, data: call.calldata });
      if (d.functionName === 'delist') {
        const [id, reason] = d.args as [bigint, Hex];
        const words = hexToString(reason, { size: 32 });
        return `Delist model #${id} (reason: ${words})`;
      }
      return `ModelRegistry.${d.functionName}(${(d.args ?? []).join(', ')})`;
    }
    if (is(info.addresses.governanceRewards)) {
      const d = decodeFunctionData({ abi: governanceRewardsAbi, data: call.calldata });
      if (d.functionName === 'setRewardPerPeriod')
        return `Pay voters ${formatTrib(d.args[0] as bigint)} per period`;
      return `GovernanceRewards.${d.functionName}(${(d.args ?? []).join(', ')})`;
    }
  } catch {
    // falls through to the raw call
  }
  return `Call ${call.target} with ${call.calldata.slice(0, 10)}… (not a known action: check it before voting)`;
}
