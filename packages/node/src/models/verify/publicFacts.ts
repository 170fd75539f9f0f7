/**
 * What a verifier reads about a model version and its datanet versions: from the node's public API,
 * and — when given an RPC URL — checked against the chain (ModelRegistry, DatanetRegistry), so a
 * node cannot vouch for itself.
 */
import { datanetRegistryAbi, modelRegistryAbi, type ProtocolAddresses } from '@tributary/protocol';
import { createPublicClient, type Hex, http } from 'viem';
import type { ArtifactFile, ModelConfig } from '../artifact.js';
import type { DerivedArtifact } from '../servedArtifact.js';

/** Where to read the chain (the node's `/v1/info` names both). */
export type ChainAccess = {
  rpcUrl: string;
  addresses: Pick<ProtocolAddresses, 'modelRegistry' | 'datanetRegistry'>;
};

/** GET `url` as JSON; throws with the status when it fails. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export type PublicModelVersion = {
  artifactHash: Hex;
  configHash: Hex;
  datanets: { datanetId: string; version: number }[];
  config: ModelConfig;
  files: ArtifactFile[] | null;
  derived: DerivedArtifact[];
};

/**
 * A model version's facts from the node, its hashes and datanets checked against the chain when
 * `chain` is given (a difference goes into `problems`, and the chain's values are kept).
 */
export async function publicModelVersion(
  base: string,
  modelId: string,
  version: number,
  chain: ChainAccess | undefined,
  problems: string[],
): Promise<PublicModelVersion> {
  const facts = await getJson<{
    artifactHash: Hex;
    configHash: Hex;
    datanets: { datanetId: string | number; version: string | number }[];
    config: ModelConfig | null;
    files: ArtifactFile[] | null;
    derived: DerivedArtifact[] | undefined;
  }>(`${base}/v1/models/${modelId}/versions/${version}`);
  if (!facts.config) throw new Error("the node does not publish this model version's configuration");
  const result: PublicModelVersion = {
    artifactHash: facts.artifactHash,
    configHash: facts.configHash,
    datanets: facts.datanets.map((d) => ({ datanetId: String(d.datanetId), version: Number(d.version) })),
    config: facts.config,
    files: facts.files ?? null,
    derived: facts.derived ?? [],
  };
  if (!chain) return result;
  const onChain = await publicClientOf(chain).readContract({
    address: chain.addresses.modelRegistry,
    abi: modelRegistryAbi,
    functionName: 'getModelVersion',
    args: [BigInt(modelId), version],
  });
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (!same(onChain.artifactHash, result.artifactHash))
    problems.push(`the node says artifact ${result.artifactHash}, the chain ${onChain.artifactHash}`);
  if (!same(onChain.configHash, result.configHash))
    problems.push(`the node says config hash ${result.configHash}, the chain ${onChain.configHash}`);
  return {
    ...result,
    artifactHash: onChain.artifactHash,
    configHash: onChain.configHash,
    datanets: onChain.datanets.map((d) => ({
      datanetId: d.datanetId.toString(),
      version: Number(d.version),
    })),
  };
}

/** A datanet version's manifest hash: from the chain when given, else from the node. */
export async function manifestHashOf(
  base: string,
  datanetId: string,
  version: number,
  chain: ChainAccess | undefined,
): Promise<Hex> {
  if (chain) {
    const onChain = await publicClientOf(chain).readContract({
      address: chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'getVersion',
      args: [BigInt(datanetId), BigInt(version)],
    });
    return onChain.manifestHash;
  }
  return (await getJson<{ manifestHash: Hex }>(`${base}/v1/datanets/${datanetId}/versions/${version}`))
    .manifestHash;
}

const publicClientOf = (chain: ChainAccess) => createPublicClient({ transport: http(chain.rpcUrl) });
