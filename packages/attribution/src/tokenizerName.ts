/**
 * The name of the text → token function of every index and query: text normalization
 * (`tributary-text-1`, see `normalizeText.ts`) then the `o200k_base` encoding. Recorded in segment
 * files, the manifest and the index root. Kept apart from `tokenizer.ts` so that code which only
 * reads or writes index files does not load the encoding's tables (about 100 MB of heap).
 */
import { textNormalizationName } from './normalizeText.js';

export const tokenizerName = `o200k_base+${textNormalizationName}`;
