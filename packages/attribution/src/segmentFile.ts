/**
 * The segment file format (version 1): one file per segment, read back with a single read into
 * one buffer whose sections are viewed as typed arrays in place (no parsing of the large sections).
 *
 * Layout, little-endian:
 *
 * | offset | size   | field                                                              |
 * |--------|--------|--------------------------------------------------------------------|
 * | 0      | 8      | magic `TRIBSEG\0`                                                  |
 * | 8      | 4      | format version (1)                                                 |
 * | 12     | 4      | section count                                                      |
 * | 16     | 8      | file length in bytes                                               |
 * | 24     | 32     | SHA-256 of bytes [0, 24) and [56, file length)                     |
 * | 56     | 24 × s | section table: kind u32, element bytes u32, offset u64, length u64 |
 * | …      |        | sections, each at an 8-byte-aligned offset                         |
 *
 * Sections: 1 meta (UTF-8 JSON: tokenizer, token width, lengths, suffix-array bits,
 * contributions), 2 vocabulary (u32), 3 tokens (u16 or u32), 4 suffix array (packed u32 words),
 * 5 bucket starts (u32), 6 document starts (u32), 7 document ids (u32), 8 document
 * contributions (u32). The checksum is the segment's identity in the index root.
 */
import { createHash } from 'node:crypto';
import { open, rename } from 'node:fs/promises';
import { CorruptSegmentError } from './errors.js';
import { PackedIntArray, packedWordCount } from './packedIntArray.js';
import { type ContributionRecord, type Segment, type SegmentData, withFigures } from './segment.js';
import { tokenizerName } from './tokenizerName.js';

/** Current version of the segment file format. */
export const segmentFormatVersion = 1;

const magic = Buffer.from('TRIBSEG\0', 'latin1');
const headerBytes = 56;
const entryBytes = 24;
const hashSlice = 1 << 23;

const Section = {
  Meta: 1,
  Vocabulary: 2,
  Tokens: 3,
  SuffixArray: 4,
  BucketStarts: 5,
  DocumentStarts: 6,
  DocumentIds: 7,
  DocumentContributions: 8,
} as const;
type Section = (typeof Section)[keyof typeof Section];

type Meta = {
  tokenizer: string;
  tokenWidth: 2 | 4;
  tokenLength: number;
  documentCount: number;
  vocabularySize: number;
  suffixArrayBits: number;
  contributions: ContributionRecord[];
};

export type WriteSegmentFileParameters = {
  /** Destination path; written to `path + '.tmp'`, synced, then renamed. */
  path: string;
  segment: SegmentData;
};

export type WriteSegmentFileReturnType = {
  /** Hex SHA-256 (the segment's checksum). */
  checksum: string;
  bytes: number;
};

/**
 * Writes a segment file durably (written, fsynced and renamed into place).
 * @example
 * const { checksum } = await writeSegmentFile({ path: 'index/seg-000001.tseg', segment });
 */
export async function writeSegmentFile(
  parameters: WriteSegmentFileParameters,
): Promise<WriteSegmentFileReturnType> {
  const { path, segment } = parameters;
  const { header, parts, length } = encodeSegment(segment);
  const hash = createHash('sha256');
  hash.update(header.subarray(0, 24));
  hash.update(header.subarray(headerBytes));
  // Hash in slices, yielding between them, so that a large segment does not stall the event loop.
  for (const part of parts) {
    for (let from = 0; from < part.length; from += hashSlice) {
      hash.update(part.subarray(from, Math.min(part.length, from + hashSlice)));
      if (part.length > hashSlice) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  const digest = hash.digest();
  digest.copy(header, 24);
  const temporary = `${path}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.write(header, 0, header.length, 0);
    let at = header.length;
    for (const part of parts) {
      // Large sections are written in pieces to keep each write call bounded.
      for (let from = 0; from < part.length; from += 1 << 26) {
        const piece = part.subarray(from, Math.min(part.length, from + (1 << 26)));
        await handle.write(piece, 0, piece.length, at);
        at += piece.length;
      }
    }
    if (at !== length) throw new Error(`segment writer wrote ${at} of ${length} bytes`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
  return { checksum: digest.toString('hex'), bytes: length };
}

function encodeSegment(segment: SegmentData): { header: Buffer; parts: Buffer[]; length: number } {
  const meta: Meta = {
    tokenizer: tokenizerName,
    tokenWidth: segment.tokens.BYTES_PER_ELEMENT as 2 | 4,
    tokenLength: segment.tokens.length,
    documentCount: segment.documentIds.length,
    vocabularySize: segment.vocabulary.length,
    suffixArrayBits: segment.suffixArray.bits,
    contributions: segment.contributions.map((c) => ({ ...c })),
  };
  const sections: [Section, number, Uint8Array][] = [
    [Section.Meta, 1, Buffer.from(JSON.stringify(meta), 'utf8')],
    [Section.Vocabulary, 4, bytesOf(segment.vocabulary)],
    [Section.Tokens, segment.tokens.BYTES_PER_ELEMENT, bytesOf(segment.tokens)],
    [Section.SuffixArray, 4, bytesOf(segment.suffixArray.words)],
    [Section.BucketStarts, 4, bytesOf(segment.bucketStarts)],
    [Section.DocumentStarts, 4, bytesOf(segment.documentStarts)],
    [Section.DocumentIds, 4, bytesOf(segment.documentIds)],
    [Section.DocumentContributions, 4, bytesOf(segment.documentContributions)],
  ];
  const tableEnd = headerBytes + entryBytes * sections.length;
  const header = Buffer.alloc(align8(tableEnd));
  magic.copy(header, 0);
  header.writeUInt32LE(segmentFormatVersion, 8);
  header.writeUInt32LE(sections.length, 12);
  const parts: Buffer[] = [];
  let at = header.length;
  sections.forEach(([kind, elementBytes, data], s) => {
    const entry = headerBytes + entryBytes * s;
    header.writeUInt32LE(kind, entry);
    header.writeUInt32LE(elementBytes, entry + 4);
    header.writeBigUInt64LE(BigInt(at), entry + 8);
    header.writeBigUInt64LE(BigInt(data.length), entry + 16);
    const padded = align8(data.length);
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    if (padded > data.length) parts.push(Buffer.alloc(padded - data.length));
    at += padded;
  });
  header.writeBigUInt64LE(BigInt(at), 16);
  return { header, parts, length: at };
}

function bytesOf(array: Uint8Array | Uint16Array | Uint32Array): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

export type ReadSegmentFileParameters = {
  path: string;
  /** Expected checksum (from the manifest); a mismatch is reported as corruption. */
  checksum?: string | undefined;
};

export type ReadSegmentFileReturnType = { segment: Segment; checksum: string; bytes: number };

/**
 * Reads a segment file, verifying its structure and checksum; any damage (a flipped bit, a
 * truncated file) throws `CorruptSegmentError` rather than yielding a segment.
 * @example
 * const { segment } = await readSegmentFile({ path: 'index/seg-000001.tseg' });
 */
export async function readSegmentFile(
  parameters: ReadSegmentFileParameters,
): Promise<ReadSegmentFileReturnType> {
  const { path } = parameters;
  let bytes: Uint8Array;
  try {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      bytes = new Uint8Array(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(bytes, at, Math.min(size - at, 1 << 26), at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      if (at < size) bytes = bytes.subarray(0, at);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new CorruptSegmentError(path, ['the file cannot be read'], error);
  }
  // Hash before decoding, in slices that yield to the event loop (a large segment takes a while).
  let computedChecksum: string | undefined;
  if (bytes.length >= headerBytes) {
    const hash = createHash('sha256');
    hash.update(bytes.subarray(0, 24));
    for (let from = headerBytes; from < bytes.length; from += hashSlice) {
      hash.update(bytes.subarray(from, Math.min(bytes.length, from + hashSlice)));
      if (bytes.length > hashSlice) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    computedChecksum = hash.digest('hex');
  }
  return decodeSegment({ path, bytes, checksum: parameters.checksum, computedChecksum });
}

/**
 * Decodes and verifies segment-file bytes (as read into a buffer whose byteOffset is 8-aligned).
 * @example
 * const { segment } = decodeSegment({ path: 'memory', bytes });
 */
export function decodeSegment(parameters: {
  path: string;
  bytes: Uint8Array;
  /** Expected checksum (from the manifest). */
  checksum?: string | undefined;
  /** The SHA-256 of [0, 24) and [56, end) when the caller already computed it. */
  computedChecksum?: string | undefined;
}): ReadSegmentFileReturnType {
  const { path } = parameters;
  let bytes = parameters.bytes;
  const fail = (detail: string): never => {
    throw new CorruptSegmentError(path, [detail]);
  };
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < headerBytes) fail(`file is ${buffer.length} bytes, shorter than the header`);
  if (!buffer.subarray(0, 8).equals(magic)) fail('not a segment file (bad magic)');
  const version = buffer.readUInt32LE(8);
  if (version !== segmentFormatVersion) fail(`unsupported format version ${version}`);
  const declaredLength = Number(buffer.readBigUInt64LE(16));
  if (declaredLength !== buffer.length) {
    fail(`file is ${buffer.length} bytes but its header says ${declaredLength} (truncated or extended)`);
  }
  const checksum =
    parameters.computedChecksum ??
    createHash('sha256').update(buffer.subarray(0, 24)).update(buffer.subarray(headerBytes)).digest('hex');
  const stored = buffer.subarray(24, headerBytes).toString('hex');
  if (checksum !== stored) fail('checksum mismatch: the file content is damaged');
  if (parameters.checksum !== undefined && parameters.checksum !== checksum) {
    fail(`checksum ${checksum} differs from the manifest's ${parameters.checksum}`);
  }
  const sectionCount = buffer.readUInt32LE(12);
  if (headerBytes + entryBytes * sectionCount > buffer.length) fail('section table runs past the end');
  const sections = new Map<number, { elementBytes: number; offset: number; length: number }>();
  for (let s = 0; s < sectionCount; s++) {
    const entry = headerBytes + entryBytes * s;
    const kind = buffer.readUInt32LE(entry);
    const elementBytes = buffer.readUInt32LE(entry + 4);
    const offset = Number(buffer.readBigUInt64LE(entry + 8));
    const length = Number(buffer.readBigUInt64LE(entry + 16));
    if (offset % 8 !== 0 || offset + length > buffer.length || length % Math.max(1, elementBytes) !== 0) {
      fail(`section ${kind} lies outside the file or is misaligned`);
    }
    sections.set(kind, { elementBytes, offset, length });
  }
  const section = (kind: Section) => sections.get(kind) ?? fail(`section ${kind} is missing`);
  const u32 = (kind: Section, expected: number): Uint32Array => {
    const s = section(kind);
    if (s.elementBytes !== 4 || s.length !== expected * 4) fail(`section ${kind} has the wrong size`);
    return new Uint32Array(bytes.buffer, bytes.byteOffset + s.offset, expected);
  };
  let meta: Meta;
  try {
    const m = section(Section.Meta);
    meta = JSON.parse(buffer.subarray(m.offset, m.offset + m.length).toString('utf8')) as Meta;
  } catch (error) {
    throw new CorruptSegmentError(path, ['meta section is not valid JSON'], error);
  }
  if (meta.tokenizer !== tokenizerName)
    fail(`segment uses tokenizer ${meta.tokenizer}, not ${tokenizerName}`);
  const { tokenWidth, tokenLength, documentCount, vocabularySize, suffixArrayBits } = meta;
  if (!Array.isArray(meta.contributions)) fail('meta section has no contributions');
  const tokenSection = section(Section.Tokens);
  if ((tokenWidth !== 2 && tokenWidth !== 4) || tokenSection.elementBytes !== tokenWidth)
    fail('bad token width');
  if (tokenSection.length !== tokenLength * tokenWidth) fail('token section has the wrong size');
  const tokens =
    tokenWidth === 2
      ? new Uint16Array(bytes.buffer, bytes.byteOffset + tokenSection.offset, tokenLength)
      : new Uint32Array(bytes.buffer, bytes.byteOffset + tokenSection.offset, tokenLength);
  const words = u32(Section.SuffixArray, packedWordCount(tokenLength, suffixArrayBits));
  const data: SegmentData = {
    tokens,
    suffixArray: new PackedIntArray({ words, bits: suffixArrayBits, length: tokenLength }),
    vocabulary: u32(Section.Vocabulary, vocabularySize),
    bucketStarts: u32(Section.BucketStarts, vocabularySize + 2),
    documentStarts: u32(Section.DocumentStarts, documentCount + 1),
    documentIds: u32(Section.DocumentIds, documentCount),
    documentContributions: u32(Section.DocumentContributions, documentCount),
    contributions: meta.contributions,
  };
  if (data.documentStarts[documentCount] !== tokenLength)
    fail('document starts do not end at the token count');
  if (data.bucketStarts[vocabularySize + 1] !== tokenLength)
    fail('bucket starts do not end at the token count');
  for (const c of data.documentContributions) {
    if (c >= meta.contributions.length) fail('a document refers to a missing contribution');
  }
  return { segment: withFigures(data), checksum, bytes: buffer.length };
}
