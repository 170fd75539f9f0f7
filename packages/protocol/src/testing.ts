/**
 * Test helpers shared by the packages: a fresh Anvil with the protocol deployed.
 */
import type { Address, Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS, type AnvilInstance, startAnvil } from './anvil.js';
import { type DeployConfig, deploy, devDeployConfig, type ProtocolAddresses } from './deploy.js';

export type TestChain = {
  anvil: AnvilInstance;
  addresses: ProtocolAddresses;
  chainId: number;
  /** Anvil's funded dev keys; index 0 deployed the protocol and holds the token supply. */
  keys: readonly Hex[];
  accounts: readonly Address[];
  stop(): Promise<void>;
};

/**
 * Starts Anvil on a free port and deploys the protocol with dev parameters.
 *
 * @example
 * const chain = await startTestChain();
 * afterAll(() => chain.stop());
 */
export async function startTestChain(config: Partial<DeployConfig> = {}): Promise<TestChain> {
  const anvil = await startAnvil();
  try {
    const { addresses, chainId } = await deploy({
      rpcUrl: anvil.rpcUrl,
      deployer: ANVIL_PRIVATE_KEYS[0],
      config: { ...devDeployConfig, ...config },
    });
    return {
      anvil,
      addresses,
      chainId,
      keys: ANVIL_PRIVATE_KEYS,
      accounts: ANVIL_PRIVATE_KEYS.map((key) => privateKeyToAccount(key).address),
      stop: () => anvil.stop(),
    };
  } catch (error) {
    await anvil.stop();
    throw error;
  }
}
