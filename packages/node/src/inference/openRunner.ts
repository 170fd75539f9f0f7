/**
 * Opens a model's runner from its (already verified) artifact directory: the attribution index and
 * the kind's runner. Runs in every pool worker (or in the request thread without workers).
 */
import { join } from 'node:path';
import { openIndex } from '@tributary/attribution';
import type { Config } from '../config.js';
import type { ModelKind } from '../models/artifact.js';
import { createInfiniGramRunner } from '../models/kinds/infiniGram.js';
import { createRetrievalRunner } from '../models/kinds/retrieval.js';
import { createUpstreamRunner } from '../models/kinds/upstream.js';
import type { ModelRunner } from '../models/runner.js';

/** What a thread needs to open a model: plain data, sent to each worker. */
export type RunnerSpec = {
  /** Identifies the loaded model (model id and artifact hash). */
  key: string;
  kind: ModelKind;
  /** The artifact directory. */
  dir: string;
  params: Record<string, unknown>;
  /** The model's name (an upstream model's default upstream model name). */
  name: string;
};

/** Opens the runner `spec` describes. */
export async function openRunner(spec: RunnerSpec, upstreams: Config['upstreams']): Promise<ModelRunner> {
  const index = await openIndex({ directory: join(spec.dir, 'index') });
  const config = { upstreams };
  const { params } = spec;
  try {
    if (spec.kind === 'infini-gram') return createInfiniGramRunner({ index });
    if (spec.kind === 'retrieval')
      return await createRetrievalRunner({ index, dir: spec.dir, params, config });
    return createUpstreamRunner({
      config,
      index,
      upstream: String(params.upstream ?? 'default'),
      upstreamModel: String(params.upstreamModel ?? spec.name),
    });
  } catch (error) {
    await index.close();
    throw error;
  }
}
