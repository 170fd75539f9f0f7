import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CorruptSegmentError } from './errors.js';
import { buildSegment, type Segment } from './segment.js';
import { decodeSegment, readSegmentFile, writeSegmentFile } from './segmentFile.js';
import { seededRandom } from './testHelpers.js';

let directory: string;
let segment: Segment;
let bytes: Uint8Array;
let path: string;
let checksum: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'segment-file-'));
  const random = seededRandom(5);
  const documents = Array.from({ length: 40 }, (_, k) => ({
    documentId: k,
    contribution: k % 3,
    tokens: Uint32Array.from({ length: 50 + (k % 7) * 20 }, () => Math.floor(random() * 300) * 7),
  }));
  segment = buildSegment({
    documents,
    contributions: [0, 1, 2].map((c) => ({
      contributionId: String(10 + c),
      contributor: `0x${c}`,
      datanetId: '1',
    })),
  });
  path = join(directory, 'seg-000001.tseg');
  ({ checksum } = await writeSegmentFile({ path, segment }));
  bytes = new Uint8Array(await readFile(path));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function expectCorrupt(damaged: Uint8Array, pattern: RegExp): Promise<void> {
  const damagedPath = join(directory, 'damaged.tseg');
  await writeFile(damagedPath, damaged);
  const error = await readSegmentFile({ path: damagedPath }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CorruptSegmentError);
  expect((error as CorruptSegmentError).code).toBe('CORRUPT_SEGMENT');
  expect((error as CorruptSegmentError).details.join('\n')).toMatch(pattern);
}

describe('segment files', () => {
  it('read back to the same segment, viewing the file buffer', async () => {
    const read = await readSegmentFile({ path, checksum });
    expect(read.checksum).toBe(checksum);
    expect(read.segment.tokens).toEqual(segment.tokens);
    expect(read.segment.suffixArray.words).toEqual(segment.suffixArray.words);
    expect(read.segment.suffixArray.bits).toBe(segment.suffixArray.bits);
    expect(read.segment.vocabulary).toEqual(segment.vocabulary);
    expect(read.segment.bucketStarts).toEqual(segment.bucketStarts);
    expect(read.segment.documentStarts).toEqual(segment.documentStarts);
    expect(read.segment.documentIds).toEqual(segment.documentIds);
    expect(read.segment.documentContributions).toEqual(segment.documentContributions);
    expect(read.segment.contributions).toEqual(segment.contributions);
  });

  it('are byte-identical for the same segment', async () => {
    const again = join(directory, 'again.tseg');
    const second = await writeSegmentFile({ path: again, segment });
    expect(second.checksum).toBe(checksum);
    expect(new Uint8Array(await readFile(again))).toEqual(bytes);
  });

  it('detect any flipped byte by checksum', async () => {
    // Bytes in the header, the section table and every section.
    const random = seededRandom(9);
    const positions = [
      0,
      9,
      13,
      17,
      30,
      60,
      100,
      ...Array.from({ length: 60 }, () => Math.floor(random() * bytes.length)),
    ];
    for (const at of positions) {
      const damaged = bytes.slice();
      damaged[at]! ^= 1 << (at % 8);
      const error = await Promise.resolve()
        .then(() => decodeSegment({ path: 'memory', bytes: damaged }))
        .catch((e: unknown) => e);
      expect(error, `flipped byte ${at}`).toBeInstanceOf(CorruptSegmentError);
    }
  });

  it('detect truncation with a clear message', async () => {
    await expectCorrupt(bytes.subarray(0, bytes.length - 1), /truncated/);
    await expectCorrupt(bytes.subarray(0, 200), /truncated/);
    await expectCorrupt(bytes.subarray(0, 20), /shorter than the header/);
    await expectCorrupt(new Uint8Array(0), /shorter than the header/);
  });

  it('reject other files and other versions', async () => {
    await expectCorrupt(new TextEncoder().encode('{"not":"a segment"}'.padEnd(100)), /bad magic/);
    const newer = bytes.slice();
    newer[8] = 2;
    await expectCorrupt(newer, /version 2/);
  });

  it('reject a checksum other than the manifest expects', async () => {
    await expect(readSegmentFile({ path, checksum: '0'.repeat(64) })).rejects.toThrow(CorruptSegmentError);
  });

  it('report a missing file as unreadable', async () => {
    await expect(readSegmentFile({ path: join(directory, 'missing.tseg') })).rejects.toThrow(
      /corrupted or truncated/,
    );
  });
});
