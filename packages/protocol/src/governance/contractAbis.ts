/** Each protocol contract's ABI, by the name `ProtocolAddresses` gives its address. */
import type { Abi } from 'viem';
import type { ProtocolAddresses } from '../deploy.js';
import {
  datanetRegistryAbi,
  governanceRewardsAbi,
  modelRegistryAbi,
  nodeRegistryAbi,
  paymentEscrowAbi,
  rewardDistributorAbi,
  tributaryGovernorAbi,
  tributaryTimelockAbi,
  tributaryTokenAbi,
} from '../generated/contracts.js';

export const protocolAbis: Record<keyof ProtocolAddresses, Abi> = {
  token: tributaryTokenAbi,
  timelock: tributaryTimelockAbi,
  datanetRegistry: datanetRegistryAbi,
  nodeRegistry: nodeRegistryAbi,
  modelRegistry: modelRegistryAbi,
  paymentEscrow: paymentEscrowAbi,
  rewardDistributor: rewardDistributorAbi,
  governor: tributaryGovernorAbi,
  governanceRewards: governanceRewardsAbi,
};
