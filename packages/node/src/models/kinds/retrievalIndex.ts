/**
 * The retrieval model's BM25 index, stored in its artifact (deterministic bytes for the same
 * training documents in canonical order).
 */
import { buildBm25Index, serializeBm25Index } from '../retrieval/bm25.js';
import { splitPassages } from '../retrieval/passages.js';
import type { TrainingDocument } from '../trainingIndex.js';

export function buildRetrievalIndexBytes(documents: readonly TrainingDocument[]): Uint8Array {
  return serializeBm25Index({ index: buildBm25Index({ passages: splitPassages({ documents }) }) });
}
