/**
 * Test helper: registers a model in ModelRegistry exactly as a developer's wallet would, declaring
 * whatever datanet versions the test says (an honest developer declares the build's; an attacker
 * may not), paying the licence fees of licensed ones.
 */
import {
  ANVIL_PRIVATE_KEYS,
  createProtocolClients,
  licenceFeesDue,
  modelRegistryAbi,
  tributaryTokenAbi,
  writeAndWait,
} from '@tributary/protocol';
import { type Hex, parseEventLogs } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import type { RunningNode } from '../node.js';
import type { TestNetwork } from './testNetwork.js';
import { NODE_KEY } from './testNetwork.js';

export type RegisterOnChainParameters = {
  /** Anvil key index of the developer. */
  developer: number;
  artifactHash: Hex;
  configHash: Hex;
  datanets: { datanetId: string; version: number }[];
  pricing?: { pricePerInputToken: bigint; pricePerOutputToken: bigint };
  /** The in-process node, whose indexer the call waits for. */
  node: RunningNode;
};

/** Registers the model (served by the test node) and returns its id once the node has indexed it. */
export async function registerOnChain(net: TestNetwork, p: RegisterOnChainParameters): Promise<string> {
  const clients = await createProtocolClients({
    rpcUrl: net.chain.anvil.rpcUrl,
    account: ANVIL_PRIVATE_KEYS[p.developer] as Hex,
    pollingInterval: 50,
  });
  const { addresses } = net.chain;
  const fees = await licenceFeesDue(clients.publicClient, addresses.datanetRegistry, p.datanets);
  if (fees > 0n) {
    await writeAndWait(clients, {
      address: addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'approve',
      args: [addresses.modelRegistry, fees],
    });
  }
  const receipt = await writeAndWait(clients, {
    address: addresses.modelRegistry,
    abi: modelRegistryAbi,
    functionName: 'registerModel',
    args: [
      {
        node: privateKeyToAccount(NODE_KEY).address,
        metadataHash: p.configHash,
        pricing: p.pricing ?? { pricePerInputToken: 1_000_000_000n, pricePerOutputToken: 3_000_000_000n },
        split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
        artifactHash: p.artifactHash,
        configHash: p.configHash,
        datanets: p.datanets.map((d) => ({ datanetId: BigInt(d.datanetId), version: BigInt(d.version) })),
        maxLicenceFees: fees,
      },
    ],
  });
  const [event] = parseEventLogs({ abi: modelRegistryAbi, logs: receipt.logs, eventName: 'ModelRegistered' });
  await p.node.ctx.indexer.waitForBlock(receipt.blockNumber);
  return event!.args.modelId.toString();
}
