import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openReceiptJournal } from './receiptJournal.js';

describe('receipt journal', () => {
  const dirs: string[] = [];
  const journalPath = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-journal-'));
    dirs.push(dir);
    return join(dir, 'receipts.journal');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what it appended, in order, bigints as decimal strings, across reopening', () => {
    const path = journalPath();
    const journal = openReceiptJournal<{ n: number; fee: bigint | string }>(path);
    for (let n = 0; n < 3; n++) journal.append({ n, fee: 10n ** 30n + BigInt(n) });
    journal.close();
    const reopened = openReceiptJournal<{ n: number; fee: string }>(path);
    expect(reopened.read()).toEqual([0, 1, 2].map((n) => ({ n, fee: (10n ** 30n + BigInt(n)).toString() })));
    reopened.append({ n: 3, fee: '1' });
    expect(reopened.read().map((b) => b.n)).toEqual([0, 1, 2, 3]);
    reopened.close();
  });

  it('skips a torn last line (a crash mid-append, never acknowledged) but refuses a corrupt earlier one', () => {
    const path = journalPath();
    const journal = openReceiptJournal<{ n: number }>(path);
    journal.append({ n: 1 });
    appendFileSync(path, '{"n":2,"rec');
    expect(journal.read()).toEqual([{ n: 1 }]);
    journal.close();

    writeFileSync(path, '{"n":1}\n{"n":2,"rec\n{"n":3}\n');
    const corrupt = openReceiptJournal<{ n: number }>(path);
    expect(() => corrupt.read()).toThrow(/line 2 is corrupt/);
    corrupt.close();
  });

  it('is emptied by clear, and kept while small when everything in it is stored', () => {
    const path = journalPath();
    const journal = openReceiptJournal<{ n: number }>(path);
    journal.append({ n: 1 });
    journal.allStored();
    expect(journal.read()).toEqual([{ n: 1 }]);
    journal.clear();
    expect(readFileSync(path, 'utf8')).toBe('');
    journal.append({ n: 2 });
    expect(journal.read()).toEqual([{ n: 2 }]);
    journal.close();
  });
});
