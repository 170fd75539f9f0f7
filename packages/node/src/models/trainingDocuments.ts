/**
 * The training documents of a model configuration, read from the node's blobs: every contribution
 * of its datanet versions except those it leaves out (model.json's `excluded`, and a takedown set).
 * The same documents as the public snapshots give, so the rebuild is the one anyone can reproduce.
 */
import type { Context } from '../context.js';
import { versionItems } from '../datanets/manifest.js';
import type { ModelConfig } from './artifact.js';
import type { TrainingDocument } from './trainingIndex.js';

/** Thrown when a document the configuration needs has no content on this node. */
export class MissingContentError extends Error {
  override name = 'MissingContentError';
}

/** The documents of `config` without `skip` (and the config's own exclusions). */
export async function trainingDocuments(
  ctx: Context,
  config: ModelConfig,
  skip: ReadonlySet<string>,
): Promise<TrainingDocument[]> {
  const excluded = new Set(config.excluded);
  const documents: TrainingDocument[] = [];
  for (const ref of config.datanets) {
    for (const item of await versionItems(ctx.db, ref.datanetId, ref.version)) {
      const id = item.id.toString();
      if (excluded.has(id) || skip.has(id)) continue;
      const bytes = await ctx.blobs.get(item.contentHash.slice(2));
      if (!bytes) {
        throw new MissingContentError(
          `contribution ${id} of datanet ${ref.datanetId} version ${ref.version} has no content on this node`,
        );
      }
      documents.push({
        contributionId: id,
        contributor: item.contributor,
        datanetId: ref.datanetId,
        text: new TextDecoder().decode(bytes),
      });
    }
  }
  return documents;
}
