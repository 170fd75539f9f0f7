/**
 * Model build jobs ("training"): queued, run one at a time in the background with progress,
 * persisted so that a restart resumes them. A finished build gives the artifact and config hashes
 * the developer registers in ModelRegistry.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { BuildView } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { notFound } from '../errors.js';
import { requireBuildAccess } from '../models/buildAccess.js';
import { buildArtifact } from '../models/buildArtifact.js';
import { checkBuildName } from '../models/modelNames.js';
import { listServedModels } from '../models/servedModels.js';

type BuildRow = {
  id: string;
  developer: string;
  name: string;
  kind: BuildView['kind'];
  params: Record<string, unknown>;
  datanets: BuildView['datanets'];
  status: BuildView['status'];
  documents_total: number | null;
  documents_done: number;
  artifact_hash: Hex | null;
  config_hash: Hex | null;
  error: string | null;
  created_at: Date;
  updated_at: Date;
};

const toView = (r: BuildRow): BuildView => ({
  id: r.id,
  developer: r.developer as Address,
  name: r.name,
  kind: r.kind,
  params: r.params,
  datanets: r.datanets,
  status: r.status,
  progress: { documentsDone: r.documents_done, documentsTotal: r.documents_total },
  artifactHash: r.artifact_hash,
  configHash: r.config_hash,
  error: r.error,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export type StartBuildParameters = Pick<BuildView, 'developer' | 'name' | 'kind' | 'params' | 'datanets'>;

/**
 * Queues a build and returns at once; poll `getBuild` for progress. Refused first: a reserved or
 * taken name (400/409) and a licensed datanet the developer holds no licence for (403).
 */
export async function startBuild(ctx: Context, p: StartBuildParameters): Promise<BuildView> {
  const holders = (await listServedModels(ctx)).filter((m) => m.serving.state !== 'refused');
  checkBuildName(p.name, p.developer, holders);
  await requireBuildAccess(ctx, p.developer, p.datanets);
  const id = randomBytes(12).toString('hex');
  await ctx.db.query(
    `insert into model_builds (id, developer, name, kind, params, datanets, status) values ($1, $2, $3, $4, $5, $6, 'queued')`,
    [id, addressKey(p.developer), p.name, p.kind, JSON.stringify(p.params), JSON.stringify(p.datanets)],
  );
  void runBuild(ctx, id);
  return getBuild(ctx, id);
}

/** One build's state. */
export async function getBuild(ctx: Context, id: string): Promise<BuildView> {
  const [row] = await ctx.db.query<BuildRow>('select * from model_builds where id = $1', [id]);
  if (!row) throw notFound(`build ${id}`);
  return toView(row);
}

/** Restarts builds a stop interrupted (at start). */
export async function resumeBuilds(ctx: Context): Promise<number> {
  const rows = await ctx.db.query<{ id: string }>(
    "select id from model_builds where status in ('queued', 'running') order by created_at",
  );
  for (const { id } of rows) void runBuild(ctx, id);
  return rows.length;
}

function runBuild(ctx: Context, id: string): Promise<void> {
  // One build at a time: they are CPU-heavy and must not starve the API.
  return ctx.locks.run('model-builds', async () => {
    const [row] = await ctx.db.query<BuildRow>('select * from model_builds where id = $1', [id]);
    if (!row || row.status === 'built' || row.status === 'failed') return;
    await ctx.db.query("update model_builds set status = 'running', updated_at = now() where id = $1", [id]);
    try {
      // Checked again: a build queued before a restart may have lost its licence (a delisted model).
      await requireBuildAccess(ctx, row.developer as Address, row.datanets);
      const result = await buildArtifact(ctx, {
        name: row.name,
        kind: row.kind,
        params: row.params,
        datanets: row.datanets,
        workDir: join(ctx.config.home, 'models', `build-${id}`),
        onProgress: async (done, total) => {
          await ctx.db.query(
            'update model_builds set documents_done = $2, documents_total = $3, updated_at = now() where id = $1',
            [id, done, total],
          );
        },
      });
      await ctx.db.query(
        "update model_builds set status = 'built', artifact_hash = $2, config_hash = $3, updated_at = now() where id = $1",
        [id, result.artifactHash, result.configHash],
      );
      ctx.logger.info({ build: id, artifactHash: result.artifactHash }, 'model built');
    } catch (error) {
      const message =
        (error as { describe?: () => string }).describe?.() ?? String((error as Error).message ?? error);
      await ctx.db.query(
        "update model_builds set status = 'failed', error = $2, updated_at = now() where id = $1",
        [id, message],
      );
      ctx.logger.warn({ build: id, err: message }, 'model build failed');
    }
  });
}
