/**
 * Copying a datanet version that another node hosts: its manifest must hash to the manifestHash
 * on-chain and rebuild the manifestRoot on-chain, and every text of its snapshot must hash to the
 * content hash the manifest commits to. Only then are the items recorded and the texts stored, so
 * a model built here from them has exactly the registered training data.
 */
import { getAddress, type Hex } from 'viem';
import type { Context } from '../context.js';
import { buildManifest, MANIFEST_FORMAT, type ManifestItem } from '../datanets/manifest.js';
import { getVersion } from '../datanets/versions.js';
import { conflict, unavailable } from '../errors.js';
import { sha256Hex } from '../store/blobs.js';
import { type DatanetHost, datanetHosts } from './hosts.js';

export type VersionRef = { datanetId: string; version: number };

/** Where a version's items come from: this node's own datanet, or a copy from a host. */
export type VersionSource = { kind: 'local' } | { kind: 'remote'; host: DatanetHost };

const FETCH_TIMEOUT_MS = 60_000;

/**
 * Makes sure this node holds the items and texts of `ref`, copying them from a hosting node if
 * the datanet is not hosted here.
 *
 * @example
 * await ensureVersion(ctx, { datanetId: '1', version: 2 });
 * await versionItems(ctx.db, '1', 2); // now also for a datanet another node hosts
 */
export async function ensureVersion(
  ctx: Context,
  ref: VersionRef,
  hosts?: readonly DatanetHost[],
): Promise<VersionSource> {
  const version = await getVersion(ctx, ref.datanetId, ref.version);
  const source = await versionSource(ctx, ref);
  if (source || version.contributionCount === 0) return source ?? { kind: 'local' };
  if (version.status !== 'committed') {
    throw conflict(
      'VERSION_NOT_COMMITTED',
      `version ${ref.version} of datanet ${ref.datanetId} is not committed`,
    );
  }
  const candidates = hosts ?? (await datanetHosts(ctx, ref.datanetId, ref.version));
  if (candidates.length === 0) {
    throw unavailable(`no node hosting datanet ${ref.datanetId} is registered with an endpoint`, [
      'its committer and curators must be nodes registered in NodeRegistry',
    ]);
  }
  const failures: string[] = [];
  for (const host of candidates) {
    try {
      await copyFrom(ctx, host, ref, version);
      ctx.logger.info({ ...ref, host: host.operator, endpoint: host.endpoint }, 'datanet version copied');
      return { kind: 'remote', host };
    } catch (error) {
      failures.push(`${host.endpoint} (${host.operator}): ${(error as Error).message}`);
    }
  }
  throw unavailable(
    `could not copy version ${ref.version} of datanet ${ref.datanetId} from the nodes hosting it`,
    failures,
  );
}

/** Where this node already has `ref` from, or null if it has not got it. */
export async function versionSource(ctx: Context, ref: VersionRef): Promise<VersionSource | null> {
  const [local] = await ctx.db.query(
    'select 1 from version_contributions where datanet_id = $1 and version = $2 limit 1',
    [ref.datanetId, ref.version],
  );
  if (local) return { kind: 'local' };
  const [remote] = await ctx.db.query<{ host: string; endpoint: string }>(
    'select host, endpoint from remote_versions where datanet_id = $1 and version = $2',
    [ref.datanetId, ref.version],
  );
  return remote
    ? { kind: 'remote', host: { operator: getAddress(remote.host), endpoint: remote.endpoint } }
    : null;
}

type SnapshotLine = {
  contributionId: string;
  contributor: string;
  contentHash: Hex;
  text?: string;
  removed?: boolean;
};

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
    throw new Error(
      `GET ${url} answered ${response.status}${body?.error?.code ? ` ${body.error.code}` : ''}`,
    );
  }
  return response;
}

/**
 * A version's manifest items as `host` serves them, checked against the manifest hash and root
 * on-chain (the auditor's lineage lists them without copying any text).
 */
export async function fetchVerifiedManifest(
  host: DatanetHost,
  ref: VersionRef,
  onChain: { manifestRoot: Hex; manifestHash: Hex },
): Promise<ManifestItem[]> {
  const url = `${host.endpoint}/v1/datanets/${ref.datanetId}/versions/${ref.version}/manifest`;
  const manifestBytes = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
  if (`0x${sha256Hex(manifestBytes)}` !== onChain.manifestHash.toLowerCase()) {
    throw new Error(`its manifest does not hash to the manifestHash on-chain (${onChain.manifestHash})`);
  }
  const manifest = JSON.parse(new TextDecoder().decode(manifestBytes)) as {
    format: string;
    datanetId: string;
    contributions: { id: string; contributor: string; contentHash: Hex; bytes: number; tokens: number }[];
  };
  if (manifest.format !== MANIFEST_FORMAT || manifest.datanetId !== ref.datanetId) {
    throw new Error(`its manifest is not a ${MANIFEST_FORMAT} of datanet ${ref.datanetId}`);
  }
  const items: ManifestItem[] = manifest.contributions.map((c) => ({
    id: BigInt(c.id),
    contributor: getAddress(c.contributor),
    contentHash: c.contentHash,
    bytes: c.bytes,
    tokens: c.tokens,
  }));
  const root = buildManifest(ref.datanetId, items).tree.root;
  if (root.toLowerCase() !== onChain.manifestRoot.toLowerCase()) {
    throw new Error(
      `its manifest rebuilds root ${root}, not the manifestRoot on-chain (${onChain.manifestRoot})`,
    );
  }
  return items;
}

async function copyFrom(
  ctx: Context,
  host: DatanetHost,
  ref: VersionRef,
  onChain: { manifestRoot: Hex; manifestHash: Hex },
): Promise<void> {
  const items = await fetchVerifiedManifest(host, ref, onChain);
  const base = `${host.endpoint}/v1/datanets/${ref.datanetId}/versions/${ref.version}`;
  const lines = new Map<string, SnapshotLine>();
  for (const line of (await (await fetchOk(`${base}/snapshot.jsonl`)).text()).split('\n')) {
    if (!line) continue;
    const parsed = JSON.parse(line) as SnapshotLine;
    lines.set(parsed.contributionId, parsed);
  }
  const texts = new Map<string, Uint8Array>();
  for (const item of items) {
    const line = lines.get(item.id.toString());
    if (!line || line.contentHash.toLowerCase() !== item.contentHash.toLowerCase()) {
      throw new Error(`its snapshot does not list contribution ${item.id} as the manifest does`);
    }
    if (line.text === undefined) continue; // taken down since: its content is gone
    const bytes = new TextEncoder().encode(line.text);
    if (`0x${sha256Hex(bytes)}` !== item.contentHash.toLowerCase()) {
      throw new Error(
        `the text of contribution ${item.id} does not hash to its content hash ${item.contentHash}`,
      );
    }
    texts.set(item.id.toString(), bytes);
  }
  for (const bytes of texts.values()) await ctx.blobs.put(bytes);
  await ctx.db.transaction(async (tx) => {
    for (const item of items) {
      await tx.query(
        `insert into remote_version_items (datanet_id, version, contribution_id, contributor, content_hash, bytes, tokens, removed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict do nothing`,
        [
          ref.datanetId,
          ref.version,
          item.id,
          item.contributor.toLowerCase(),
          item.contentHash.slice(2).toLowerCase(),
          item.bytes,
          item.tokens,
          texts.has(item.id.toString()) ? null : new Date(),
        ],
      );
    }
    await tx.query(
      'insert into remote_versions (datanet_id, version, host, endpoint) values ($1, $2, $3, $4) on conflict do nothing',
      [ref.datanetId, ref.version, host.operator.toLowerCase(), host.endpoint],
    );
  });
}
