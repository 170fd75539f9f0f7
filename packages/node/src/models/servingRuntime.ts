/**
 * What a node process knows about serving its models beyond the database: which served artifacts
 * were found changed on disk, which rebuilds run or failed, the file stamp checks of loaded artifacts,
 * and a generation number that moves whenever any of that (or a takedown) changes what is served,
 * so the served-model list is recomputed at once. One per Context.
 */
import type { Context } from '../context.js';
import type { FreshRuns } from '../freshRuns.js';

export type ServingRuntime = {
  generation: number;
  /** Served artifact hashes (lowercase) whose files changed after they were checked. */
  tampered: Set<string>;
  /** Rebuilds running, by `<artifact hash>:<takedown root>`. */
  rebuilding: Map<string, Promise<void>>;
  /** Rebuilds that failed, with why. */
  failed: Map<string, string>;
  /**
   * The stat check of each loaded artifact's files against their stamps, by loaded-model key:
   * concurrent calls share a pass that began after they arrived.
   */
  stampChecks: Map<string, FreshRuns<boolean>>;
};

const runtimes = new WeakMap<Context, ServingRuntime>();

/** The serving runtime of `ctx`. */
export function servingRuntime(ctx: Context): ServingRuntime {
  let runtime = runtimes.get(ctx);
  if (!runtime) {
    runtime = {
      generation: 0,
      tampered: new Set(),
      rebuilding: new Map(),
      failed: new Map(),
      stampChecks: new Map(),
    };
    runtimes.set(ctx, runtime);
  }
  return runtime;
}

/**
 * Tells serving that contributions were taken down: every served model is re-checked on its next
 * call, and one that held a taken-down contribution answers 503 until it is rebuilt without it.
 */
export function noteTakedown(ctx: Context): void {
  servingRuntime(ctx).generation += 1;
}
