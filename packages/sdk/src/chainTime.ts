/**
 * "Now" for deadlines a contract checks: the later of the wall clock and the chain's newest block
 * (a local chain whose clock was moved forward with `tributary dev time` runs ahead of the wall).
 */
import { createPublicClient, http } from 'viem';

export async function chainNow(rpcUrl: string): Promise<bigint> {
  const wall = BigInt(Math.floor(Date.now() / 1000));
  const block = await createPublicClient({ transport: http(rpcUrl) })
    .getBlock({ blockTag: 'latest' })
    .catch(() => null);
  return block && block.timestamp > wall ? block.timestamp : wall;
}
