/**
 * The protocol contracts a node talks to: addresses from the deployment, ABIs from
 * `@tributary/protocol`.
 */
import {
  datanetRegistryAbi,
  governanceRewardsAbi,
  modelRegistryAbi,
  nodeRegistryAbi,
  type ProtocolAddresses,
  paymentEscrowAbi,
  rewardDistributorAbi,
  tributaryGovernorAbi,
  tributaryTimelockAbi,
  tributaryTokenAbi,
} from '@tributary/protocol';
import type { Abi, Address } from 'viem';

/** Every protocol contract with the ABI its events decode with. */
export function protocolContracts(
  addresses: ProtocolAddresses,
): { name: keyof ProtocolAddresses; address: Address; abi: Abi }[] {
  return [
    { name: 'token', address: addresses.token, abi: tributaryTokenAbi },
    { name: 'timelock', address: addresses.timelock, abi: tributaryTimelockAbi },
    { name: 'datanetRegistry', address: addresses.datanetRegistry, abi: datanetRegistryAbi },
    { name: 'nodeRegistry', address: addresses.nodeRegistry, abi: nodeRegistryAbi },
    { name: 'modelRegistry', address: addresses.modelRegistry, abi: modelRegistryAbi },
    { name: 'paymentEscrow', address: addresses.paymentEscrow, abi: paymentEscrowAbi },
    { name: 'rewardDistributor', address: addresses.rewardDistributor, abi: rewardDistributorAbi },
    { name: 'governor', address: addresses.governor, abi: tributaryGovernorAbi },
    { name: 'governanceRewards', address: addresses.governanceRewards, abi: governanceRewardsAbi },
  ];
}

/** Contracts whose events the indexer stores (token transfers are not needed and too many). */
export const INDEXED_CONTRACTS: readonly (keyof ProtocolAddresses)[] = [
  'datanetRegistry',
  'nodeRegistry',
  'modelRegistry',
  'paymentEscrow',
  'rewardDistributor',
  'governor',
  'governanceRewards',
];
