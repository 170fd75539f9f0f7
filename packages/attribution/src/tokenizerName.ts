/**
 * The name of the encoding every index and query uses (recorded in segment files, the manifest and
 * the index root). Kept apart from `tokenizer.ts` so that code which only reads or writes index
 * files does not load the encoding's tables (about 100 MB of heap).
 */
export const tokenizerName = 'o200k_base';
