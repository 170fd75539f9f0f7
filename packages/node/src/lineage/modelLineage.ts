/**
 * Assembling a model version's lineage (see @tributary/protocol lineage.ts) from what this node
 * indexed from the chain, the datanet manifests (its own, copied, or fetched from a hosting node
 * and checked against the chain), the model's configuration, and — when this node serves the
 * model — its receipts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  LINEAGE_FORMAT,
  type LineageContribution,
  type LineageDatanet,
  type ModelLineage,
  nodeRegistryAbi,
  REMOVAL_REASONS,
} from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { getDatanet } from '../datanets/datanetQueries.js';
import { type ManifestItem, versionItems } from '../datanets/manifest.js';
import { getVersion } from '../datanets/versions.js';
import { badRequest, notFound } from '../errors.js';
import { type ModelConfig, readModelConfig } from '../models/artifact.js';
import { artifactDir } from '../models/servedModels.js';
import { type DatanetHost, datanetHosts, nodeEndpoint } from '../remote/hosts.js';
import { fetchVerifiedManifest, versionSource } from '../remote/mirrorVersion.js';
import { chainRef, eventsWhere } from './chainRefs.js';
import { lineageGovernance } from './lineageGovernance.js';
import { lineageUsage } from './lineageUsage.js';

const STATUS = ['active', 'deprecated', 'delisted'] as const;

type ModelRow = {
  developer: string;
  node: string;
  status: number;
  pricing: { pricePerInputToken: string; pricePerOutputToken: string };
  split: { computeBps: number; developerBps: number; dataBps: number };
  version_count: number;
};

/**
 * The lineage of model `modelId` at `version` (default: its latest).
 *
 * @example
 * const lineage = await buildModelLineage(ctx, '3');
 */
export async function buildModelLineage(
  ctx: Context,
  modelId: string,
  version?: number,
): Promise<ModelLineage> {
  const [model] = await ctx.db.query<ModelRow>(
    'select developer, node, status, pricing, split, version_count from models where id = $1',
    [modelId],
  );
  if (!model) throw notFound(`model ${modelId}`, ['the node indexes ModelRegistry: is the id right?']);
  const v = version ?? model.version_count;
  if (v < 1 || v > model.version_count) {
    throw badRequest(`model ${modelId} has versions 1 to ${model.version_count}, not ${v}`);
  }
  const [row] = await ctx.db.query<{
    artifact_hash: Hex;
    config_hash: Hex;
    datanets: { datanetId: string; version: string }[];
  }>('select artifact_hash, config_hash, datanets from model_versions where model_id = $1 and version = $2', [
    modelId,
    v,
  ]);
  const [registered] = await eventsWhere(ctx.db, 'modelRegistry', ['ModelRegistered'], { modelId });
  const published = (await eventsWhere(ctx.db, 'modelRegistry', ['ModelVersionPublished'], { modelId })).find(
    (e) => Number(e.args.version) === v,
  );
  const servingNode = getAddress(model.node);
  const servingEndpoint = await nodeEndpoint(ctx.db, servingNode);
  const self = addressKey(servingNode) === addressKey(ctx.chain.operator.address);
  const config = await modelConfig(ctx, row!.artifact_hash, self ? null : servingEndpoint, modelId, v);

  const datanets: LineageDatanet[] = [];
  for (const ref of row!.datanets) {
    datanets.push(
      await lineageDatanet(ctx, modelId, { datanetId: String(ref.datanetId), version: Number(ref.version) }),
    );
  }
  const contributors = datanets.flatMap((d) => d.contributions?.map((c) => addressKey(c.contributor)) ?? []);
  const governance = await lineageGovernance(ctx, {
    modelId,
    datanetIds: new Set(datanets.map((d) => d.datanetId)),
    accounts: new Set([...contributors, addressKey(model.developer), addressKey(model.node)]),
    servingNode: addressKey(model.node),
  });
  const signingKey = await ctx.chain.publicClient
    .readContract({
      address: ctx.chain.addresses.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'getNode',
      args: [servingNode],
    })
    .then((n) => (n.registered ? n.signingKey : null));
  const snapshotUrls = datanets.flatMap((d) => (d.snapshotUrl ? [d.snapshotUrl] : []));
  const configUrl = servingEndpoint ? `${servingEndpoint}/v1/models/${modelId}/versions/${v}` : null;

  return {
    format: LINEAGE_FORMAT,
    generatedAt: new Date().toISOString(),
    generatedBy: ctx.chain.operator.address,
    chainId: ctx.chain.chainId,
    contracts: {
      modelRegistry: ctx.chain.addresses.modelRegistry,
      datanetRegistry: ctx.chain.addresses.datanetRegistry,
      nodeRegistry: ctx.chain.addresses.nodeRegistry,
      rewardDistributor: ctx.chain.addresses.rewardDistributor,
      governor: ctx.chain.addresses.governor,
    },
    model: {
      id: modelId,
      version: v,
      versionCount: model.version_count,
      name: config?.name ?? null,
      kind: config?.kind ?? null,
      params: config?.params ?? null,
      tokenizer: config?.tokenizer ?? null,
      excluded: config?.excluded ?? null,
      status: STATUS[model.status] ?? 'delisted',
      developer: getAddress(model.developer),
      artifactHash: row!.artifact_hash,
      configHash: row!.config_hash,
      pricing: {
        pricePerInputToken: String(model.pricing.pricePerInputToken),
        pricePerOutputToken: String(model.pricing.pricePerOutputToken),
      },
      split: {
        computeBps: Number(model.split.computeBps),
        developerBps: Number(model.split.developerBps),
        dataBps: Number(model.split.dataBps),
      },
      registered: chainRef(registered!),
      published: chainRef(published!),
    },
    servingNode: { operator: servingNode, endpoint: servingEndpoint, signingKey },
    datanets,
    rebuild: {
      configUrl,
      snapshotUrls,
      steps: [
        `Read the model's configuration (model.json)${configUrl ? ` from ${configUrl}` : ''}; its canonical JSON hashes to the config hash.`,
        `Download each datanet version's snapshot (${snapshotUrls.length ? snapshotUrls.join(', ') : 'from a node hosting it'}); every line's text hashes to a content hash whose Merkle tree has the manifest root on-chain.`,
        `Leave out the contributions the configuration excludes${config?.excluded.length ? ` (${config.excluded.join(', ')})` : ''} and those taken down without text.`,
        'Build the attribution index and kind files as any Tributary node does (packages/node writeArtifact: documents in datanet then contribution id order) and hash the directory: it must equal the artifact hash on-chain.',
        'Or let the CLI do all of this for a receipt of the model: `tributary verify-receipt --node URL --receipt 0x… --prompt … --output-file …` rebuilds the artifact and compares the hashes.',
      ],
    },
    governance,
    usage: self ? await lineageUsage(ctx, modelId, v) : null,
    usageFrom:
      self || !servingEndpoint ? null : `${servingEndpoint}/v1/models/${modelId}/lineage?version=${v}`,
  };
}

/** model.json from this node's artifact, else from the serving node (public), else unknown. */
async function modelConfig(
  ctx: Context,
  artifactHash: string,
  servingEndpoint: string | null,
  modelId: string,
  version: number,
): Promise<ModelConfig | null> {
  const dir = artifactDir(ctx, artifactHash);
  if (existsSync(join(dir, 'model.json'))) return readModelConfig(dir);
  if (!servingEndpoint) return null;
  try {
    const response = await fetch(`${servingEndpoint}/v1/models/${modelId}/versions/${version}`, {
      signal: AbortSignal.timeout(10_000),
    });
    return response.ok ? ((await response.json()) as { config: ModelConfig | null }).config : null;
  } catch {
    return null;
  }
}

async function lineageDatanet(
  ctx: Context,
  modelId: string,
  ref: { datanetId: string; version: number },
): Promise<LineageDatanet> {
  const datanet = await getDatanet(ctx, ref.datanetId);
  const version = await getVersion(ctx, ref.datanetId, ref.version);
  const [committed] = (
    await eventsWhere(ctx.db, 'datanetRegistry', ['DatanetVersionCommitted'], { datanetId: ref.datanetId })
  ).filter((e) => Number(e.args.version) === ref.version);
  const [licence] = await eventsWhere(ctx.db, 'modelRegistry', ['DatanetLicensed'], {
    modelId,
    datanetId: ref.datanetId,
  });
  const { items, host } = await manifestItems(ctx, ref, version);
  const removals = await eventsWhere(ctx.db, 'datanetRegistry', ['ContributionRemoved'], {
    datanetId: ref.datanetId,
  });
  const inVersion = items ? new Set(items.map((i) => i.id.toString())) : null;
  const takedowns = removals
    .filter((e) => !inVersion || inVersion.has(String(e.args.contributionId)))
    .map((e) => ({
      ...chainRef(e),
      contributionId: String(e.args.contributionId),
      reasonCode: Number(e.args.reasonCode),
      reason: REMOVAL_REASONS[Number(e.args.reasonCode)] ?? 'unknown',
      by: getAddress(String(e.args.by)),
    }));
  const removed = new Set(takedowns.map((t) => t.contributionId));
  const contributions: LineageContribution[] | null =
    items?.map((i) => ({
      contributionId: i.id.toString(),
      contributor: i.contributor,
      contentHash: i.contentHash,
      tokens: i.tokens,
      removed: removed.has(i.id.toString()),
    })) ?? null;
  return {
    datanetId: ref.datanetId,
    version: ref.version,
    name: typeof datanet.metadata?.name === 'string' ? datanet.metadata.name : null,
    owner: datanet.owner,
    licence: datanet.policy.licence,
    licenceFee: datanet.policy.licenceFee,
    licencePaid: licence ? { ...chainRef(licence), fee: String(licence.args.fee) } : null,
    manifestRoot: version.manifestRoot,
    manifestHash: version.manifestHash,
    contributionCount: version.contributionCount,
    tokenCount: version.tokenCount,
    committed: { ...chainRef(committed!), by: getAddress(String(committed!.args.author)) },
    host,
    snapshotUrl: host
      ? `${host.endpoint}/v1/datanets/${ref.datanetId}/versions/${ref.version}/snapshot.jsonl`
      : null,
    contributions,
    contributors: contributions && contributorTotals(contributions),
    takedowns,
  };
}

/** The version's manifest items: held here (own or copied), or read from a host and checked. */
async function manifestItems(
  ctx: Context,
  ref: { datanetId: string; version: number },
  onChain: { manifestRoot: Hex; manifestHash: Hex },
): Promise<{ items: ManifestItem[] | null; host: DatanetHost | null }> {
  const source = await versionSource(ctx, ref);
  if (source?.kind === 'local') {
    const self = { operator: ctx.chain.operator.address, endpoint: ctx.config.publicUrl!.replace(/\/$/, '') };
    return { items: await versionItems(ctx.db, ref.datanetId, ref.version), host: self };
  }
  const hosts = source ? [source.host] : await datanetHosts(ctx, ref.datanetId, ref.version);
  for (const host of hosts) {
    try {
      return { items: await fetchVerifiedManifest(host, ref, onChain), host };
    } catch (error) {
      ctx.logger.debug(
        { err: error, ...ref, endpoint: host.endpoint },
        'host could not give a verified manifest',
      );
    }
  }
  return { items: null, host: hosts[0] ?? null };
}

function contributorTotals(contributions: readonly LineageContribution[]) {
  const totals = new Map<Address, { contributor: Address; contributions: number; tokens: number }>();
  for (const c of contributions) {
    const t = totals.get(c.contributor) ?? { contributor: c.contributor, contributions: 0, tokens: 0 };
    t.contributions += 1;
    t.tokens += c.tokens;
    totals.set(c.contributor, t);
  }
  return [...totals.values()].sort((a, b) => b.tokens - a.tokens || (a.contributor < b.contributor ? -1 : 1));
}
