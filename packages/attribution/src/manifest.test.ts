import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptManifestError } from './errors.js';
import { emptyManifest, type Manifest, manifestFileName, readManifest, writeManifest } from './manifest.js';

const checksum = 'ab'.repeat(32);
const good = (): Manifest => ({
  ...emptyManifest(),
  nextSegmentNumber: 3,
  nextDocumentId: 7,
  segments: [
    { file: 'seg-000001.tseg', checksum, tokens: 10, documents: 2 },
    { file: 'seg-000002.tseg', checksum: 'cd'.repeat(32), tokens: 5, documents: 1 },
  ],
  tombstones: ['4', '12'],
});

describe('index manifest', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'manifest-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  /** The problems reading a manifest with `text` reports (none: it was accepted). */
  async function problemsOf(text: string): Promise<readonly string[]> {
    writeFileSync(join(directory, manifestFileName), text);
    try {
      await readManifest({ directory });
      return [];
    } catch (error) {
      expect(error).toBeInstanceOf(CorruptManifestError);
      return (error as CorruptManifestError).details;
    }
  }
  const edited = (edit: (m: Record<string, unknown>) => void) => {
    const m = good() as unknown as Record<string, unknown>;
    edit(m);
    return JSON.stringify(m);
  };

  it('writes atomically and reads back exactly what it wrote, as JSON a person can read', async () => {
    await writeManifest({ directory, manifest: good() });
    expect(await readManifest({ directory })).toEqual(good());
    const text = readFileSync(join(directory, manifestFileName), 'utf8');
    expect(text).toBe(`${JSON.stringify(good(), null, 2)}\n`);
    expect(() => readFileSync(join(directory, `${manifestFileName}.tmp`))).toThrow(/ENOENT/);
  });

  it('reads no manifest as none, and an unreadable one as corrupt', async () => {
    expect(await readManifest({ directory })).toBeUndefined();
    mkdirSync(join(directory, manifestFileName)); // a directory where the file should be
    await expect(readManifest({ directory })).rejects.toMatchObject({
      code: 'CORRUPT_MANIFEST',
      details: ['the manifest cannot be read'],
    });
  });

  it('names every problem of a damaged manifest', async () => {
    expect(await problemsOf(JSON.stringify(good()))).toEqual([]);
    expect(await problemsOf('{"format": ')).toEqual(['the manifest is not valid JSON']);
    expect(await problemsOf('null')).toEqual([
      'format is undefined',
      'unsupported version undefined',
      'tokenizer is undefined',
      'counters are missing',
      'lists are missing',
    ]);
    expect(await problemsOf(edited((m) => (m.format = 'other')))).toEqual(['format is "other"']);
    expect(await problemsOf(edited((m) => (m.version = 2)))).toEqual(['unsupported version 2']);
    expect(await problemsOf(edited((m) => (m.tokenizer = 'gpt2')))).toEqual(['tokenizer is "gpt2"']);
    expect(await problemsOf(edited((m) => (m.nextSegmentNumber = 1.5)))).toEqual(['counters are missing']);
    expect(await problemsOf(edited((m) => delete m.nextDocumentId))).toEqual(['counters are missing']);
    expect(await problemsOf(edited((m) => (m.segments = {})))).toEqual(['lists are missing']);
    expect(await problemsOf(edited((m) => delete m.tombstones))).toEqual(['lists are missing']);
  });

  it('refuses segment entries that do not name a segment file and its checksum, or name one twice', async () => {
    const withSegment = (segment: unknown) =>
      edited((m) => {
        m.segments = [segment];
      });
    const entry = (fields: Record<string, unknown>) => ({ file: 'seg-000001.tseg', checksum, ...fields });
    for (const bad of [
      null,
      entry({ file: 7 }),
      entry({ file: 'seg-1.tseg' }),
      entry({ file: '../seg-000001.tseg' }),
      entry({ file: 'seg-000001.tseg.bak' }),
      entry({ checksum: 12 }),
      entry({ checksum: 'AB'.repeat(32) }),
      entry({ checksum: `x${checksum}` }),
      entry({ checksum: `${checksum}0` }),
    ]) {
      expect(await problemsOf(withSegment(bad)), JSON.stringify(bad)).toEqual([
        `bad segment entry ${JSON.stringify(bad)}`,
      ]);
    }
    const twice = edited((m) => {
      m.segments = [entry({}), entry({ checksum: 'cd'.repeat(32) })];
    });
    expect(await problemsOf(twice)).toEqual(['segment "seg-000001.tseg" is listed twice']);
  });

  it('refuses tombstones that are not contribution ids', async () => {
    const tombstones = ['4', '-1', '007', 'x', 12];
    expect(await problemsOf(edited((m) => (m.tombstones = tombstones)))).toEqual([
      'bad tombstone "-1"',
      'bad tombstone "007"',
      'bad tombstone "x"',
    ]);
  });
});
