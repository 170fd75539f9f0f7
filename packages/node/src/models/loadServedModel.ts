/**
 * Loading a served model's runner, and keeping what is served equal to what is registered:
 *
 * - on load, the artifact is hashed in full against the hash it must have (registered, or the
 *   recorded hash of its rebuild without taken-down contributions), and its files are stamped;
 * - on every later access, the stamps are compared with `stat` (cheap: see bench/artifactCheck.ts;
 *   concurrent accesses share a pass that began after they arrived),
 *   and `checkLoadedArtifacts` re-hashes loaded artifacts periodically;
 * - a mismatch drops the runner, answers 503 and rebuilds the artifact from the datanet versions
 *   (the build is deterministic); the model serves again once the rebuild has the right hash.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from '../context.js';
import { freshRuns } from '../freshRuns.js';
import { artifactHashOf, listArtifactFiles } from './artifact.js';
import { stampArtifact, stampsUnchanged } from './artifactStamps.js';
import { rebuildServed, recordArtifactFiles } from './servedArtifact.js';
import type { LoadedModel, ServedModel } from './servedModels.js';
import { ModelRebuildingError } from './servingErrors.js';
import { servingRuntime } from './servingRuntime.js';

/** The key of a model's rebuild: its registered artifact and takedown state. */
export const rebuildKey = (model: Pick<ServedModel, 'artifactHash' | 'takedowns'>) =>
  `${model.artifactHash.toLowerCase()}:${model.takedowns.root}`;

const loadedKey = (model: ServedModel) => `${model.id}:${model.served?.hash.toLowerCase()}`;

/** A loaded model, and the check that its files are still those hashed when it loaded. */
export type CheckedLoad = {
  loaded: LoadedModel;
  /** Compares the files' stamps (cached runners; a fresh load was hashed in full): 503 if changed. */
  filesUnchanged(): Promise<void>;
};

const alreadyHashed = async () => {};

/**
 * Loads a model's runner (verifying its artifact in full first); cached per served artifact. The
 * caller awaits `filesUnchanged` before anything of the call leaves the node; a local model's run
 * may start first, so that the check overlaps its generation.
 */
export async function loadModel(ctx: Context, model: ServedModel): Promise<CheckedLoad> {
  const served = model.served;
  if (!served) throw new ModelRebuildingError(model.name, 'its artifact is not rebuilt yet');
  const runtime = servingRuntime(ctx);
  const key = loadedKey(model);
  const existing = ctx.loadedModels.get(key);
  if (existing) {
    const loaded = await existing;
    const stampCheck = runtime.stampChecks.get(key);
    const filesUnchanged = async () => {
      if (stampCheck && !(await stampCheck())) {
        markTampered(ctx, model);
        throw new ModelRebuildingError(model.name, 'its artifact files changed on disk: rebuilding them');
      }
    };
    return { loaded, filesUnchanged };
  }
  const loading = (async (): Promise<LoadedModel> => {
    const stamps = await stampArtifact(served.dir).catch(() => null);
    const files = await listArtifactFiles(served.dir).catch(() => null);
    if (!stamps || !files || artifactHashOf(files).toLowerCase() !== served.hash.toLowerCase()) {
      markTampered(ctx, model);
      throw new ModelRebuildingError(
        model.name,
        'its artifact files are not the registered ones: rebuilding them',
      );
    }
    if (model.takedowns.count === 0) await recordArtifactFiles(ctx.db, model.artifactHash, files);
    runtime.stampChecks.set(
      key,
      freshRuns(() => stampsUnchanged(served.dir, stamps)),
    );
    // Loaded in every worker of the runner pool (generation runs off the request thread). A load
    // has its own pool key: a rebuilt artifact has the same hash, and retiring the runner it
    // replaces must not unload it.
    const runner = await ctx.serving.pool.load({
      key: `${key}#${randomUUID()}`,
      kind: model.kind,
      dir: served.dir,
      params: model.config.params,
      name: model.name,
    });
    return {
      model,
      runner,
      indexRoot: runner.indexRoot,
      takedowns: { count: model.takedowns.count, root: model.takedowns.root },
    };
  })();
  ctx.loadedModels.set(key, loading);
  loading.catch(() => ctx.loadedModels.delete(key));
  return { loaded: await loading, filesUnchanged: alreadyHashed };
}

/** Marks a served artifact as changed on disk: it stops serving and is rebuilt. */
export function markTampered(ctx: Context, model: ServedModel): void {
  if (!model.served) return;
  const runtime = servingRuntime(ctx);
  ctx.logger.warn(
    { model: model.id, artifact: model.served.hash, dir: model.served.dir },
    'served artifact changed on disk: rebuilding it from the datanet versions',
  );
  runtime.tampered.add(model.served.hash.toLowerCase());
  retire(ctx, loadedKey(model));
  runtime.generation += 1;
  ensureRebuild(ctx, model);
}

/** Calls in flight finish on a dropped runner; it is closed a while later. */
const RETIRE_AFTER_MS = 60_000;

/** Stops using a loaded runner: later calls load afresh; this one closes once calls in flight are done. */
function retire(ctx: Context, key: string): void {
  const loading = ctx.loadedModels.get(key);
  ctx.loadedModels.delete(key);
  servingRuntime(ctx).stampChecks.delete(key);
  if (!loading) return;
  setTimeout(() => {
    void loading.then((loaded) => loaded.runner.close()).catch(() => undefined);
  }, RETIRE_AFTER_MS).unref();
}

/** Starts rebuilding what `model` must serve, unless that runs already. */
export function ensureRebuild(ctx: Context, model: ServedModel): void {
  const runtime = servingRuntime(ctx);
  const key = rebuildKey(model);
  if (runtime.rebuilding.has(key) || runtime.failed.has(key)) return;
  const tampered = model.served?.hash.toLowerCase();
  const run = ctx.locks
    .run('model-rebuild', () =>
      rebuildServed(ctx, {
        artifactHash: model.artifactHash,
        config: model.config,
        takedowns: model.takedowns,
      }),
    )
    .then(
      ({ hash }) => {
        if (tampered) runtime.tampered.delete(tampered);
        runtime.tampered.delete(hash.toLowerCase());
        // Runners of what this model served before (other artifacts, or the tampered one) are stale.
        for (const k of [...ctx.loadedModels.keys()]) if (k.startsWith(`${model.id}:`)) retire(ctx, k);
        ctx.logger.info(
          { model: model.id, served: hash, takedowns: model.takedowns.count },
          'model artifact rebuilt',
        );
      },
      (error: unknown) => {
        const reason = String((error as Error).message ?? error);
        runtime.failed.set(key, reason);
        ctx.logger.error({ model: model.id, err: reason }, 'model artifact rebuild failed');
      },
    )
    .finally(() => {
      runtime.rebuilding.delete(key);
      runtime.generation += 1;
    });
  runtime.rebuilding.set(key, run);
}

/**
 * Re-hashes every loaded model's artifact in full (a change `stat` cannot see); returns how many
 * were found changed. Run periodically (config.models.rehashIntervalMs).
 */
export async function checkLoadedArtifacts(ctx: Context): Promise<number> {
  let changed = 0;
  for (const [key, loading] of [...ctx.loadedModels]) {
    const loaded = await loading.catch(() => null);
    const served = loaded?.model.served;
    if (!loaded || !served || ctx.loadedModels.get(key) !== loading) continue;
    const actual = artifactHashOf(await listArtifactFiles(served.dir).catch(() => []));
    if (actual.toLowerCase() !== served.hash.toLowerCase()) {
      markTampered(ctx, loaded.model);
      changed += 1;
    }
  }
  return changed;
}
