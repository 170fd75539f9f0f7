/**
 * Checking a model lineage against the chain, trusting nothing the node wrote: the model and its
 * version in ModelRegistry (artifact and config hashes, datanet versions, developer, serving node,
 * status), each datanet version in DatanetRegistry (manifest root and hash, counts, author), the
 * contribution list against the manifest root, the serving node in NodeRegistry, and every
 * transaction named: mined, successful, and emitting the event it is cited for.
 */
import {
  type Abi,
  type Address,
  createPublicClient,
  decodeEventLog,
  http,
  isAddressEqual,
  type PublicClient,
} from 'viem';
import { ModelStatus } from './eip712.js';
import { datanetRegistryAbi, modelRegistryAbi, nodeRegistryAbi } from './generated/contracts.js';
import type { ChainRef, ModelLineage } from './lineage.js';
import { buildManifestTree } from './merkle.js';

export type VerifyLineageParameters = {
  lineage: ModelLineage;
  /** A public client of the chain, or its RPC URL. */
  client: PublicClient | string;
};

export type VerifyLineageReturnType = { valid: boolean; problems: string[]; checks: number };

const STATUS_NAMES = Object.fromEntries(Object.entries(ModelStatus).map(([k, v]) => [v, k.toLowerCase()]));
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Re-reads every on-chain claim of a lineage; lists what does not hold.
 *
 * @example
 * const { valid, problems } = await verifyLineage({ lineage, client: rpcUrl });
 */
export async function verifyLineage(p: VerifyLineageParameters): Promise<VerifyLineageReturnType> {
  const client = typeof p.client === 'string' ? createPublicClient({ transport: http(p.client) }) : p.client;
  const l = p.lineage;
  const problems: string[] = [];
  let checks = 0;
  const check = (ok: boolean, problem: string) => {
    checks += 1;
    if (!ok) problems.push(problem);
  };
  /** The transaction succeeded in that block and emitted `eventName` from `address` with `args`. */
  const cited = async (
    what: string,
    ref: ChainRef,
    address: Address,
    abi: Abi,
    eventName: string,
    args: Record<string, unknown>,
  ) => {
    const receipt = await client.getTransactionReceipt({ hash: ref.txHash }).catch(() => null);
    if (!receipt) return check(false, `${what}: transaction ${ref.txHash} is not on this chain`);
    check(receipt.status === 'success', `${what}: transaction ${ref.txHash} reverted`);
    check(
      receipt.blockNumber.toString() === ref.blockNumber,
      `${what}: ${ref.txHash} is in block ${receipt.blockNumber}, not ${ref.blockNumber}`,
    );
    const found = receipt.logs.some((log) => {
      if (!same(log.address, address)) return false;
      try {
        const event = decodeEventLog({ abi, data: log.data, topics: log.topics });
        return (
          event.eventName === eventName &&
          Object.entries(args).every(
            ([k, v]) =>
              String((event.args as unknown as Record<string, unknown>)[k]).toLowerCase() ===
              String(v).toLowerCase(),
          )
        );
      } catch {
        return false;
      }
    });
    check(found, `${what}: transaction ${ref.txHash} emitted no ${eventName} for it`);
  };

  check((await client.getChainId()) === l.chainId, `the RPC is not chain ${l.chainId}`);
  const modelId = BigInt(l.model.id);
  const modelRegistry = { address: l.contracts.modelRegistry, abi: modelRegistryAbi } as const;
  const model = await client.readContract({ ...modelRegistry, functionName: 'getModel', args: [modelId] });
  check(isAddressEqual(model.developer, l.model.developer), `the developer on-chain is ${model.developer}`);
  check(isAddressEqual(model.node, l.servingNode.operator), `the serving node on-chain is ${model.node}`);
  check(
    STATUS_NAMES[model.status] === l.model.status,
    `the status on-chain is ${STATUS_NAMES[model.status]}`,
  );
  check(model.versionCount === l.model.versionCount, `the model has ${model.versionCount} versions on-chain`);
  const version = await client.readContract({
    ...modelRegistry,
    functionName: 'getModelVersion',
    args: [modelId, l.model.version],
  });
  check(
    same(version.artifactHash, l.model.artifactHash),
    `the artifact hash on-chain is ${version.artifactHash}`,
  );
  check(same(version.configHash, l.model.configHash), `the config hash on-chain is ${version.configHash}`);
  const refs = version.datanets.map((d) => `${d.datanetId}@${d.version}`).sort();
  const listed = l.datanets.map((d) => `${d.datanetId}@${d.version}`).sort();
  check(
    refs.join() === listed.join(),
    `the model version was built from ${refs.join(', ')} on-chain, not ${listed.join(', ')}`,
  );
  await cited(
    'registration',
    l.model.registered,
    l.contracts.modelRegistry,
    modelRegistryAbi,
    'ModelRegistered',
    {
      modelId,
    },
  );
  await cited(
    'version',
    l.model.published,
    l.contracts.modelRegistry,
    modelRegistryAbi,
    'ModelVersionPublished',
    {
      modelId,
      version: l.model.version,
      artifactHash: l.model.artifactHash,
    },
  );

  const node = await client.readContract({
    address: l.contracts.nodeRegistry,
    abi: nodeRegistryAbi,
    functionName: 'getNode',
    args: [l.servingNode.operator],
  });
  if (l.servingNode.endpoint !== null) {
    check(
      same(node.endpoint.replace(/\/$/, ''), l.servingNode.endpoint),
      `the serving node registered ${node.endpoint}`,
    );
  }
  if (l.servingNode.signingKey !== null) {
    check(
      isAddressEqual(node.signingKey, l.servingNode.signingKey),
      `the serving node's signing key is ${node.signingKey}`,
    );
  }

  for (const d of l.datanets) {
    const what = `datanet ${d.datanetId} version ${d.version}`;
    const onChain = await client.readContract({
      address: l.contracts.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'getVersion',
      args: [BigInt(d.datanetId), BigInt(d.version)],
    });
    check(
      same(onChain.manifestRoot, d.manifestRoot),
      `${what}: the manifest root on-chain is ${onChain.manifestRoot}`,
    );
    check(
      same(onChain.manifestHash, d.manifestHash),
      `${what}: the manifest hash on-chain is ${onChain.manifestHash}`,
    );
    check(
      Number(onChain.contributionCount) === d.contributionCount,
      `${what}: ${onChain.contributionCount} contributions on-chain`,
    );
    check(Number(onChain.tokenCount) === d.tokenCount, `${what}: ${onChain.tokenCount} tokens on-chain`);
    check(isAddressEqual(onChain.author, d.committed.by), `${what}: committed by ${onChain.author} on-chain`);
    await cited(
      what,
      d.committed,
      l.contracts.datanetRegistry,
      datanetRegistryAbi,
      'DatanetVersionCommitted',
      {
        datanetId: d.datanetId,
        version: d.version,
        manifestRoot: d.manifestRoot,
      },
    );
    if (d.contributions) {
      const root = buildManifestTree(
        d.contributions.map((c) => ({
          contributionId: BigInt(c.contributionId),
          contributor: c.contributor,
          contentHash: c.contentHash,
        })),
      ).root;
      check(
        same(root, d.manifestRoot),
        `${what}: the contributions listed rebuild root ${root}, not the manifest root`,
      );
    }
    for (const t of d.takedowns) {
      await cited(
        `takedown of ${t.contributionId}`,
        t,
        l.contracts.datanetRegistry,
        datanetRegistryAbi,
        'ContributionRemoved',
        {
          datanetId: d.datanetId,
          contributionId: t.contributionId,
        },
      );
    }
    if (d.licencePaid) {
      await cited(
        `licence of ${what}`,
        d.licencePaid,
        l.contracts.modelRegistry,
        modelRegistryAbi,
        'DatanetLicensed',
        {
          modelId,
          datanetId: d.datanetId,
          fee: d.licencePaid.fee,
        },
      );
    }
  }
  for (const g of l.governance.filter((e) => e.kind === 'model-status')) {
    await cited(g.summary, g, l.contracts.modelRegistry, modelRegistryAbi, 'ModelStatusChanged', { modelId });
  }
  return { valid: problems.length === 0, problems, checks };
}
