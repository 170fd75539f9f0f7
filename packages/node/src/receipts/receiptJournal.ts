/**
 * The receipts journal (embedded PGlite only): a batch of signed receipts is appended here, one
 * line, before its callers are answered, and its database write is sent at once without waiting
 * for it. The journal makes the acknowledgement durable exactly as a committed statement is:
 * PGlite's own writes reach the operating system without fsync, and so does this append (both
 * survive `kill -9`, neither a power cut). A call's path thus holds no statement for its receipt.
 *
 * The database thread runs statements in the order they were sent, so every statement sent after
 * the write — a receipt lookup, settlement closing the epoch — sees the receipts. After a crash,
 * the batches the database lacks are a suffix of the journal (the same order again) and are
 * written at start, before anything reads receipts. The file is emptied whenever everything in it
 * is stored and it has grown past `COMPACT_BYTES`.
 */
import { closeSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';

/** Truncate the journal once it holds this much and every batch in it is stored. */
const COMPACT_BYTES = 1 << 20;

export type ReceiptJournal<B> = {
  /** Appends a batch (synchronously: when this returns, the batch survives a crash). */
  append(batch: B): void;
  /** Every appended batch is stored in the database: the journal may be emptied. */
  allStored(): void;
  /** The batches in the file, oldest first (a torn last line, never acknowledged, is skipped). */
  read(): B[];
  /** Empties the journal (after its batches were replayed). */
  clear(): void;
  close(): void;
};

export function openReceiptJournal<B>(path: string): ReceiptJournal<B> {
  // Owner-only: batches hold the payers' commitment salts.
  const fd = openSync(path, 'a+', 0o600);
  let bytes = statSync(path).size;
  return {
    append(batch) {
      const line = Buffer.from(
        `${JSON.stringify(batch, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}\n`,
      );
      try {
        let offset = 0;
        while (offset < line.length) offset += writeSync(fd, line, offset);
      } catch (error) {
        // Nothing half-written stays behind the lines that follow.
        ftruncateSync(fd, bytes);
        throw error;
      }
      bytes += line.length;
    },
    allStored() {
      if (bytes < COMPACT_BYTES) return;
      ftruncateSync(fd, 0);
      bytes = 0;
    },
    read() {
      const lines = readFileSync(path, 'utf8').split('\n');
      const batches: B[] = [];
      for (const [i, line] of lines.entries()) {
        if (line === '') continue;
        try {
          batches.push(JSON.parse(line) as B);
        } catch (error) {
          // Only the last line can be torn (the crash came mid-append, before any answer).
          if (i !== lines.length - 1)
            throw new Error(`receipt journal ${path}: line ${i + 1} is corrupt`, { cause: error });
        }
      }
      return batches;
    },
    clear() {
      ftruncateSync(fd, 0);
      bytes = 0;
    },
    close: () => closeSync(fd),
  };
}
