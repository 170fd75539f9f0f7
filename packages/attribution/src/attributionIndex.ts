/**
 * The attribution index: a directory of immutable segment files plus a manifest (LSM-style).
 *
 * - `addDocuments` tokenizes a batch, builds a new small segment, writes it durably and swaps it in:
 *   the documents are searchable when the promise resolves.
 * - `removeContribution` records a tombstone and builds, per affected segment, a small index of the
 *   removed documents whose counts are subtracted from every answer: the takedown applies at once.
 * - `merge` combines segments (size-tiered, or all with `full`) in slices that yield to the event
 *   loop; queries keep using the old segments until the merged one is swapped in, and documents of
 *   removed contributions are left out of the merged file.
 * - `indexRoot` names the exact content (segment checksums and tombstones) for receipts.
 *
 * Queries (`count`, `findOccurrences`, `longestMatches`, `documentSnippet`, `traceSpans`,
 * `attribute`) are synchronous functions of an immutable {@link IndexSnapshot}.
 *
 * (Named `attributionIndex.ts` because `index.ts` is the package entry point.)
 */
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type ContributionId, normalizeContributionId, sortContributionIds } from './contributionId.js';
import {
  ContributionConflictError,
  ContributionRemovedError,
  CorruptManifestError,
  IndexClosedError,
  IndexNotFoundError,
  InvalidInputError,
  TextTooLongError,
} from './errors.js';
import { computeIndexRoot, type Hex32 } from './indexRoot.js';
import {
  emptyManifest,
  type Manifest,
  manifestFileName,
  readManifest,
  syncDirectory,
  writeManifest,
} from './manifest.js';
import { selectSegmentsToMerge } from './mergePolicy.js';
import { mergeSegmentsSteps } from './mergeSegments.js';
import { buildRemovedIndexSteps, type RemovedIndex } from './removedIndex.js';
import { buildSegmentSteps, type ContributionRecord, type Segment, type SegmentDocument } from './segment.js';
import { readSegmentFile, writeSegmentFile } from './segmentFile.js';
import { runSteps, runStepsAsync } from './steps.js';
import { indexTokenIds } from './tokenizer.js';

/** Size limits of an index's inputs. */
export type IndexLimits = {
  /** Longest query text (traceSpans, attribute, count…), in characters. Default 200,000. */
  maxQueryCharacters: number;
  /** Longest document text, in characters. Default 20,000,000. */
  maxDocumentCharacters: number;
};

export const defaultIndexLimits: IndexLimits = {
  maxQueryCharacters: 200_000,
  maxDocumentCharacters: 20_000_000,
};

/** One segment of a snapshot, with its removed-documents index. */
export type SegmentEntry = {
  /** File name in the index directory. */
  name: string;
  checksum: string;
  segment: Segment;
  removed: RemovedIndex;
  /** Tokens and documents not removed. */
  liveTokens: number;
  liveDocuments: number;
};

/** An immutable view of the index: what queries read. */
export type IndexSnapshot = {
  root: Hex32;
  /** Segments ordered by their first document id. */
  segments: readonly SegmentEntry[];
  tombstones: ReadonlySet<ContributionId>;
  /** Live tokens (separators excluded). */
  tokenCount: number;
  documentCount: number;
  limits: IndexLimits;
};

/** A document to add. */
export type DocumentInput = {
  /** The contribution's on-chain id: a uint256 as a decimal string or bigint. */
  contributionId: string | bigint;
  /** The contributor's address or account id (1–256 characters). */
  contributor: string;
  /** The datanet the contribution belongs to (uint256), if any. */
  datanetId?: string | bigint | null | undefined;
  text: string;
};

export type OpenIndexParameters = {
  directory: string;
  /** Create an empty index when the directory holds none (default false). */
  create?: boolean | undefined;
  limits?: Partial<IndexLimits> | undefined;
  /** Longest stretch a merge runs before yielding to the event loop, in ms (default 10). */
  sliceMs?: number | undefined;
};

export type AddDocumentsParameters = { documents: readonly DocumentInput[] };
export type AddDocumentsReturnType = {
  /** The new segment's file name. */
  segment: string;
  /** Index-wide ids given to the documents, in input order. */
  documentIds: number[];
  tokens: number;
  indexRoot: Hex32;
};

export type RemoveContributionParameters = { contributionId: string | bigint };
export type RemoveContributionReturnType = {
  contributionId: ContributionId;
  /** Documents of the contribution that were in the index. */
  removedDocuments: number;
  /** False when it had been removed before. */
  newlyRemoved: boolean;
  indexRoot: Hex32;
};

export type MergeParameters = {
  /** Merge every segment into one (default: size-tiered selection). */
  full?: boolean | undefined;
};
export type MergeReturnType = {
  /** Segments that were replaced. */
  merged: string[];
  /** The new segment (null when nothing was merged or no live document was left). */
  segment: string | null;
  tokens: number;
  documents: number;
  indexRoot: Hex32;
};

export type IndexStats = {
  indexRoot: Hex32;
  tokenCount: number;
  documentCount: number;
  segments: {
    name: string;
    tokens: number;
    documents: number;
    removedDocuments: number;
    tokenWidth: 2 | 4;
  }[];
  tombstones: number;
  merging: boolean;
};

/**
 * Opens (or, with `create`, creates) the attribution index in a directory.
 * @example
 * const index = await openIndex({ directory: './data/index', create: true });
 * await index.addDocuments({ documents: [{ contributionId: '1', contributor: '0xabc…', text: '…' }] });
 */
export async function openIndex(parameters: OpenIndexParameters): Promise<AttributionIndex> {
  return AttributionIndex.open(parameters);
}

/** A segmented suffix-array index in a directory. Use {@link openIndex} to get one. */
export class AttributionIndex {
  readonly directory: string;
  readonly limits: IndexLimits;
  readonly #sliceMs: number;
  #manifest: Manifest;
  #snapshot: IndexSnapshot;
  /** Every contribution seen in segments (live or removed): id → owner. */
  #contributions = new Map<ContributionId, { contributor: string; datanetId: string | null }>();
  #lock: Promise<void> = Promise.resolve();
  #merging: Promise<MergeReturnType> | null = null;
  #closed = false;
  readonly #abort = new AbortController();

  private constructor(directory: string, limits: IndexLimits, sliceMs: number, manifest: Manifest) {
    this.directory = directory;
    this.limits = limits;
    this.#sliceMs = sliceMs;
    this.#manifest = manifest;
    this.#snapshot = makeSnapshot([], new Set(), limits);
  }

  /** Opens an index directory (see {@link openIndex}). */
  static async open(parameters: OpenIndexParameters): Promise<AttributionIndex> {
    const { directory } = parameters;
    const limits = { ...defaultIndexLimits, ...parameters.limits };
    let manifest = await readManifest({ directory });
    if (!manifest) {
      if (!parameters.create) throw new IndexNotFoundError(directory);
      await mkdir(directory, { recursive: true });
      // Segment files without a manifest mean a lost manifest, not a new index: never delete them.
      const stray = (await readdir(directory)).filter((f) => f.endsWith('.tseg'));
      if (stray.length > 0) {
        throw new CorruptManifestError(join(directory, manifestFileName), [
          `the directory holds ${stray.length} segment files but no manifest`,
        ]);
      }
      manifest = emptyManifest();
      await writeManifest({ directory, manifest });
    }
    const index = new AttributionIndex(directory, limits, parameters.sliceMs ?? 10, manifest);
    await index.#load();
    return index;
  }

  async #load(): Promise<void> {
    const manifest = this.#manifest;
    const known = new Set(manifest.segments.map((s) => s.file));
    // Files left by a crash between writing a segment and committing the manifest.
    for (const file of await readdir(this.directory)) {
      if ((/^seg-\d+\.tseg$/.test(file) && !known.has(file)) || file.endsWith('.tmp')) {
        await unlink(join(this.directory, file)).catch(() => undefined);
      }
    }
    const tombstones = new Set(manifest.tombstones);
    const entries: SegmentEntry[] = [];
    for (const { file, checksum } of manifest.segments) {
      const { segment } = await readSegmentFile({ path: join(this.directory, file), checksum });
      const removed = await runStepsAsync(buildRemovedIndexSteps({ segment, tombstones }), {
        sliceMs: this.#sliceMs,
      });
      entries.push(makeEntry(file, checksum, segment, removed));
      for (const c of segment.contributions) this.#register(c);
    }
    this.#snapshot = makeSnapshot(entries, tombstones, this.limits);
  }

  #register(record: ContributionRecord): void {
    if (!this.#contributions.has(record.contributionId)) {
      this.#contributions.set(record.contributionId, {
        contributor: record.contributor,
        datanetId: record.datanetId,
      });
    }
  }

  /** The current immutable view; queries take it once and answer from it. */
  get snapshot(): IndexSnapshot {
    this.#assertOpen();
    return this.#snapshot;
  }

  /** Content hash of the index (segment checksums and tombstones) for receipts. */
  get indexRoot(): Hex32 {
    return this.#snapshot.root;
  }

  /**
   * Adds documents as a new segment; resolves once it is durable and searchable.
   * @example
   * await index.addDocuments({ documents: [{ contributionId: 12n, contributor: '0xab…', text: 'Rivers…' }] });
   */
  async addDocuments(parameters: AddDocumentsParameters): Promise<AddDocumentsReturnType> {
    this.#assertOpen();
    const inputs = parameters?.documents;
    if (!Array.isArray(inputs) || inputs.length === 0) {
      throw new InvalidInputError('documents must be a non-empty array');
    }
    const batch = new Map<ContributionId, { contributor: string; datanetId: string | null }>();
    const prepared = inputs.map((input, k) => {
      const record = validateDocument(input, k, this.limits);
      const seen = batch.get(record.contributionId);
      if (seen && (seen.contributor !== record.contributor || seen.datanetId !== record.datanetId)) {
        throw new ContributionConflictError(record.contributionId, [`document ${k} names another owner`]);
      }
      batch.set(record.contributionId, record);
      return { record, text: input.text };
    });
    // Tokenize outside the lock, yielding between documents of a large batch.
    const tokenized: Uint32Array[] = [];
    let sinceYield = 0;
    for (const { text } of prepared) {
      tokenized.push(indexTokenIds({ text }));
      sinceYield += text.length;
      if (sinceYield > 1 << 20) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return this.#exclusive(async () => {
      this.#assertOpen();
      const snapshot = this.#snapshot;
      for (const [id, owner] of batch) {
        if (snapshot.tombstones.has(id)) throw new ContributionRemovedError(id);
        const known = this.#contributions.get(id);
        if (known && (known.contributor !== owner.contributor || known.datanetId !== owner.datanetId)) {
          throw new ContributionConflictError(id, [
            `indexed owner: ${known.contributor} (datanet ${known.datanetId ?? 'none'})`,
            `new owner: ${owner.contributor} (datanet ${owner.datanetId ?? 'none'})`,
          ]);
        }
      }
      const manifest = structuredClone(this.#manifest);
      const contributions: ContributionRecord[] = [];
      const contributionIndex = new Map<ContributionId, number>();
      const documents: SegmentDocument[] = prepared.map(({ record }, k) => {
        let c = contributionIndex.get(record.contributionId);
        if (c === undefined) {
          c = contributions.length;
          contributionIndex.set(record.contributionId, c);
          contributions.push(record);
        }
        return { documentId: manifest.nextDocumentId + k, contribution: c, tokens: tokenized[k]! };
      });
      const tokens = documents.reduce((sum, d) => sum + d.tokens.length, 0);
      const steps = buildSegmentSteps({ documents, contributions });
      const segment =
        tokens < 1 << 20
          ? runSteps(steps)
          : await runStepsAsync(steps, { sliceMs: this.#sliceMs, signal: this.#abort.signal });
      const file = segmentFileName(manifest.nextSegmentNumber);
      const { checksum } = await writeSegmentFile({ path: join(this.directory, file), segment });
      manifest.nextSegmentNumber += 1;
      manifest.nextDocumentId += documents.length;
      manifest.segments.push({
        file,
        checksum,
        tokens: segment.tokenCount,
        documents: segment.documentCount,
      });
      await writeManifest({ directory: this.directory, manifest });
      this.#manifest = manifest;
      for (const c of contributions) this.#register(c);
      const removed = runSteps(buildRemovedIndexSteps({ segment, tombstones: snapshot.tombstones }));
      this.#snapshot = makeSnapshot(
        [...snapshot.segments, makeEntry(file, checksum, segment, removed)],
        snapshot.tombstones,
        this.limits,
      );
      return {
        segment: file,
        documentIds: documents.map((d) => d.documentId),
        tokens,
        indexRoot: this.#snapshot.root,
      };
    });
  }

  /**
   * Whether documents of `contributionId` were ever added (including a taken-down contribution),
   * so a caller that crashed between adding and recording it can tell not to add it twice.
   * @example
   * if (!index.hasContribution('12')) await index.addDocuments({ documents });
   */
  hasContribution(contributionId: string | bigint): boolean {
    const id = normalizeContributionId({ value: contributionId });
    return this.#contributions.has(id) || this.#snapshot.tombstones.has(id);
  }

  /**
   * Takes a contribution down: from this call's return on, no answer counts or shows its documents;
   * the next merge drops them from disk. Idempotent.
   * @example
   * await index.removeContribution({ contributionId: '12' });
   */
  async removeContribution(parameters: RemoveContributionParameters): Promise<RemoveContributionReturnType> {
    this.#assertOpen();
    const contributionId = normalizeContributionId({ value: parameters?.contributionId });
    return this.#exclusive(async () => {
      this.#assertOpen();
      const snapshot = this.#snapshot;
      if (snapshot.tombstones.has(contributionId)) {
        return { contributionId, removedDocuments: 0, newlyRemoved: false, indexRoot: snapshot.root };
      }
      const tombstones = new Set(snapshot.tombstones);
      tombstones.add(contributionId);
      let removedDocuments = 0;
      const entries: SegmentEntry[] = [];
      for (const entry of snapshot.segments) {
        if (!entry.segment.contributions.some((c) => c.contributionId === contributionId)) {
          entries.push(entry);
          continue;
        }
        const before = entry.removed.removedDocuments;
        const removed = await runStepsAsync(buildRemovedIndexSteps({ segment: entry.segment, tombstones }), {
          sliceMs: this.#sliceMs,
          signal: this.#abort.signal,
        });
        removedDocuments += removed.removedDocuments - before;
        entries.push(makeEntry(entry.name, entry.checksum, entry.segment, removed));
      }
      const manifest = structuredClone(this.#manifest);
      manifest.tombstones = sortContributionIds(tombstones);
      await writeManifest({ directory: this.directory, manifest });
      this.#manifest = manifest;
      this.#snapshot = makeSnapshot(entries, tombstones, this.limits);
      return { contributionId, removedDocuments, newlyRemoved: true, indexRoot: this.#snapshot.root };
    });
  }

  /**
   * Merges segments in the background of the event loop (queries keep answering from the old
   * segments until the merged one is swapped in). While a merge runs, further calls return it.
   * @example
   * await index.merge({ full: true });
   */
  merge(parameters: MergeParameters = {}): Promise<MergeReturnType> {
    if (this.#closed) return Promise.reject(new IndexClosedError());
    if (this.#merging) return this.#merging;
    this.#merging = this.#merge(parameters).finally(() => {
      this.#merging = null;
    });
    return this.#merging;
  }

  async #merge(parameters: MergeParameters): Promise<MergeReturnType> {
    // Choose the segments and reserve a file name under the lock; build outside it.
    const plan = await this.#exclusive(async () => {
      const snapshot = this.#snapshot;
      const names = selectSegmentsToMerge({
        segments: snapshot.segments.map((e) => ({
          name: e.name,
          tokens: e.liveTokens,
          hasRemoved: e.removed.removedDocuments > 0,
        })),
        full: parameters.full,
      });
      if (names.length === 0) return null;
      const file = segmentFileName(this.#manifest.nextSegmentNumber);
      this.#manifest = { ...this.#manifest, nextSegmentNumber: this.#manifest.nextSegmentNumber + 1 };
      const chosen = snapshot.segments.filter((e) => names.includes(e.name));
      return { file, chosen, tombstones: snapshot.tombstones };
    });
    if (!plan) return { merged: [], segment: null, tokens: 0, documents: 0, indexRoot: this.#snapshot.root };
    const merged = await runStepsAsync(
      mergeSegmentsSteps({
        sources: plan.chosen.map((e) => ({ segment: e.segment, removed: plan.tombstones })),
      }),
      { sliceMs: this.#sliceMs, signal: this.#abort.signal },
    );
    let checksum: string | null = null;
    if (merged)
      checksum = (await writeSegmentFile({ path: join(this.directory, plan.file), segment: merged }))
        .checksum;
    return this.#exclusive(async () => {
      this.#assertOpen();
      const snapshot = this.#snapshot;
      const replaced = new Set(plan.chosen.map((e) => e.name));
      const entries = snapshot.segments.filter((e) => !replaced.has(e.name));
      if (merged && checksum) {
        // Contributions removed while the merge ran are still subtracted via a removed index.
        const removed = await runStepsAsync(
          buildRemovedIndexSteps({ segment: merged, tombstones: snapshot.tombstones }),
          {
            sliceMs: this.#sliceMs,
          },
        );
        entries.push(makeEntry(plan.file, checksum, merged, removed));
      }
      const manifest = structuredClone(this.#manifest);
      manifest.segments = sortEntries(entries).map((e) => ({
        file: e.name,
        checksum: e.checksum,
        tokens: e.segment.tokenCount,
        documents: e.segment.documentCount,
      }));
      await writeManifest({ directory: this.directory, manifest });
      this.#manifest = manifest;
      this.#snapshot = makeSnapshot(entries, snapshot.tombstones, this.limits);
      for (const name of replaced) await unlink(join(this.directory, name)).catch(() => undefined);
      await syncDirectory(this.directory);
      return {
        merged: [...replaced],
        segment: merged ? plan.file : null,
        tokens: merged?.tokenCount ?? 0,
        documents: merged?.documentCount ?? 0,
        indexRoot: this.#snapshot.root,
      };
    });
  }

  /**
   * Figures about the index.
   * @example
   * const { tokenCount, segments } = index.stats();
   */
  stats(): IndexStats {
    const snapshot = this.#snapshot;
    return {
      indexRoot: snapshot.root,
      tokenCount: snapshot.tokenCount,
      documentCount: snapshot.documentCount,
      segments: snapshot.segments.map((e) => ({
        name: e.name,
        tokens: e.segment.tokenCount,
        documents: e.segment.documentCount,
        removedDocuments: e.removed.removedDocuments,
        tokenWidth: e.segment.tokens.BYTES_PER_ELEMENT as 2 | 4,
      })),
      tombstones: snapshot.tombstones.size,
      merging: this.#merging !== null,
    };
  }

  /**
   * Stops a running merge and waits for pending writes; later calls throw `IndexClosedError`.
   * @example
   * await index.close();
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#abort.abort();
    await this.#merging?.catch(() => undefined);
    await this.#exclusive(async () => {
      this.#closed = true;
    });
  }

  #assertOpen(): void {
    if (this.#closed) throw new IndexClosedError();
  }

  async #exclusive<T>(run: () => Promise<T>): Promise<T> {
    const previous = this.#lock;
    let release!: () => void;
    this.#lock = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await run();
    } finally {
      release();
    }
  }
}

function segmentFileName(number: number): string {
  return `seg-${String(number).padStart(6, '0')}.tseg`;
}

function validateDocument(input: DocumentInput, k: number, limits: IndexLimits): ContributionRecord {
  if (typeof input !== 'object' || input === null)
    throw new InvalidInputError(`document ${k} is not an object`);
  const contributionId = normalizeContributionId({ value: input.contributionId });
  const { contributor, text } = input;
  if (typeof contributor !== 'string' || contributor.length === 0 || contributor.length > 256) {
    throw new InvalidInputError(`document ${k}: contributor must be a string of 1–256 characters`);
  }
  if (typeof text !== 'string') throw new InvalidInputError(`document ${k}: text must be a string`);
  if (text.length > limits.maxDocumentCharacters) {
    throw new TextTooLongError({
      length: text.length,
      limit: limits.maxDocumentCharacters,
      unit: 'characters',
    });
  }
  const datanetId =
    input.datanetId === undefined || input.datanetId === null
      ? null
      : normalizeContributionId({ value: input.datanetId });
  return { contributionId, contributor, datanetId };
}

function makeEntry(name: string, checksum: string, segment: Segment, removed: RemovedIndex): SegmentEntry {
  return {
    name,
    checksum,
    segment,
    removed,
    liveTokens: segment.tokenCount - removed.removedTokens,
    liveDocuments: segment.documentCount - removed.removedDocuments,
  };
}

function sortEntries(entries: SegmentEntry[]): SegmentEntry[] {
  const first = (e: SegmentEntry) => (e.segment.documentCount > 0 ? e.segment.documentIds[0]! : -1);
  return [...entries].sort((a, b) => first(a) - first(b) || (a.name < b.name ? -1 : 1));
}

function makeSnapshot(
  entries: SegmentEntry[],
  tombstones: ReadonlySet<string>,
  limits: IndexLimits,
): IndexSnapshot {
  const segments = sortEntries(entries);
  return {
    root: computeIndexRoot({ segmentChecksums: segments.map((e) => e.checksum), tombstones }),
    segments,
    tombstones,
    tokenCount: segments.reduce((sum, e) => sum + e.liveTokens, 0),
    documentCount: segments.reduce((sum, e) => sum + e.liveDocuments, 0),
    limits,
  };
}
