import { createHash } from 'node:crypto';
import { sortContributionIds } from './contributionId.js';
import { tokenizerName } from './tokenizerName.js';

/** A 32-byte hash as 0x-prefixed hex (the form a receipt or contract stores). */
export type Hex32 = `0x${string}`;

export type ComputeIndexRootParameters = {
  /** Hex SHA-256 checksums of the index's segment files. */
  segmentChecksums: readonly string[];
  /** Removed contribution ids. */
  tombstones: Iterable<string>;
};

/**
 * The index root: SHA-256 over the tokenizer name, the segment checksums in sorted order and the
 * tombstones in numeric order, one per line:
 * `tributary-attribution-index/v1\ntokenizer o200k_base+tributary-text-1\nsegment <hex>\n…tombstone <id>\n…`.
 * Anyone holding the segment files and the tombstone list can recompute it.
 * @example
 * computeIndexRoot({ segmentChecksums: [], tombstones: [] }); // root of the empty index
 */
export function computeIndexRoot(parameters: ComputeIndexRootParameters): Hex32 {
  const hash = createHash('sha256');
  hash.update(`tributary-attribution-index/v1\ntokenizer ${tokenizerName}\n`);
  for (const checksum of [...parameters.segmentChecksums].sort()) hash.update(`segment ${checksum}\n`);
  for (const id of sortContributionIds(parameters.tombstones)) hash.update(`tombstone ${id}\n`);
  return `0x${hash.digest('hex')}`;
}
