/**
 * The licence fees a model registration owes: each licensed datanet's current fee. Read just
 * before registering, and passed as `maxLicenceFees`, so an owner cannot raise a fee under a
 * pending registration.
 */
import type { Address, PublicClient } from 'viem';
import { Licence } from './eip712.js';
import { datanetRegistryAbi } from './generated/contracts.js';

export async function licenceFeesDue(
  publicClient: PublicClient,
  datanetRegistry: Address,
  datanets: readonly { datanetId: string | bigint }[],
): Promise<bigint> {
  let fees = 0n;
  for (const ref of datanets) {
    const datanet = await publicClient.readContract({
      address: datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'getDatanet',
      args: [BigInt(ref.datanetId)],
    });
    if (datanet.policy.licence === Licence.Licensed) fees += datanet.policy.licenceFee;
  }
  return fees;
}
