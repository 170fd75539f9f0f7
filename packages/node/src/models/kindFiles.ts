/**
 * Files a model kind adds to its artifact beside model.json and the attribution index.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelKind } from './artifact.js';
import { buildRetrievalIndexBytes } from './kinds/retrievalIndex.js';
import type { TrainingDocument } from './trainingIndex.js';

export async function buildKindFiles(p: {
  kind: ModelKind;
  dir: string;
  /** In canonical order. */
  documents: readonly TrainingDocument[];
}): Promise<void> {
  if (p.kind === 'retrieval') {
    await mkdir(join(p.dir, 'retrieval'), { recursive: true });
    await writeFile(join(p.dir, 'retrieval', 'bm25.bin'), buildRetrievalIndexBytes(p.documents));
  }
}
