/**
 * The money paths of serving under concurrency, on PGlite (reservations in memory) and, with
 * TEST_DATABASE_URL, on PostgreSQL (reservations stored under advisory locks):
 *   - concurrent reservations never exceed what a payer can spend, and charged or released ones
 *     leave exactly the fees owed;
 *   - receipts written by group commit, with epochs closing meanwhile, land in exactly one epoch
 *     each; an epoch's receipts chain their `feeBefore` without gap or overlap, its totals match
 *     them, their protocol shares sum to exactly the protocol's share of the total (what
 *     `settleEpoch` checks on-chain), and none joins an epoch after it closed. Seeded bursts;
 *   - the fees a reservation counts as owed (PGlite: the payer ledger in memory) equal the
 *     database's, also after an epoch is voided.
 */
import { randomBytes } from 'node:crypto';
import { createRandom } from '@tributary/attribution';
import { protocolShare, type Receipt } from '@tributary/protocol';
import { type Hex, parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Context } from '../context.js';
import { payerFunds } from '../payments/available.js';
import { type Reservation, release, reserve } from '../payments/reservations.js';
import { closeEpoch } from '../settlement/closeEpoch.js';
import { finishEpoch } from '../settlement/finishEpoch.js';
import { backends } from '../testing/backends.js';
import { fundPayer } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import { type ReceiptParameters, storeReceipt } from './storeReceipt.js';

const BPS = 250;

describe.each(backends)('reservations and receipts by group commit ($name)', ({ databaseUrl }) => {
  let net: TestNetwork;
  let ctx: Context;

  beforeAll(async () => {
    net = await startTestNetwork({ databaseUrl });
    ctx = (await net.startNode()).ctx;
  });
  afterAll(() => net?.stop());

  const parameters = (fee: number, payer: number): Omit<ReceiptParameters, 'salt'> => ({
    requestId: `0x${randomBytes(32).toString('hex')}` as Hex,
    payer: net.chain.accounts[payer]!,
    model: {
      id: '1',
      version: 1,
      kind: 'infini-gram',
      artifactHash: `0x${'ab'.repeat(32)}`,
      indexRoot: `0x${'cd'.repeat(32)}`,
      developer: net.chain.accounts[5]!,
    },
    pricing: { pricePerInputToken: 1n, pricePerOutputToken: BigInt(fee) },
    split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    protocolFeeBps: BPS,
    input: { text: 'question', tokens: 0 },
    output: { text: 'answer', tokens: 1, finishReason: 'stop' },
    generation: { maxTokens: 16, temperature: 1, topK: null, seed: 1, stop: [] },
    attribution: {
      method: 'infini-gram',
      contributions: [
        { contributionId: '1', contributor: net.chain.accounts[2]!, datanetId: '1', ppm: 1_000_000 },
      ],
    },
    time: 1,
  });

  it('never reserves beyond what a payer can spend, and leaves exactly the fees of the charged calls', async () => {
    const unit = 1_000_000n;
    const cap = unit * 10n + unit / 2n; // room for ten reservations
    await fundPayer(net, 4, parseEther('1'), cap);
    // Funds as indexed (the figures below are the indexer's; reserving alone would ask the chain).
    await ctx.indexer.syncOnce();
    const payer = net.chain.accounts[4]!;
    const attempt = () =>
      Promise.allSettled(Array.from({ length: 50 }, () => reserve(ctx, payer, unit))).then((results) => ({
        granted: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
        refused: results.filter(
          (r) => r.status === 'rejected' && (r.reason as { status?: number }).status === 402,
        ).length,
      }));
    const first = await attempt();
    expect([first.granted.length, first.refused]).toEqual([10, 40]);
    expect((await payerFunds(ctx, payer)).reserved).toBe(unit * 10n);

    // Five become receipts of half their reservation; five are released.
    const charged = first.granted.slice(0, 5);
    await Promise.all(
      charged.map(async (reservation: Reservation) => {
        await storeReceipt(ctx, parameters(Number(unit / 2n), 4), reservation);
        ctx.serving.reservations.charged(reservation);
      }),
    );
    await Promise.all(first.granted.slice(5).map((reservation) => release(ctx, reservation)));
    const funds = await payerFunds(ctx, payer);
    expect(funds.reserved).toBe(0n);
    expect(funds.unsettled).toBe((unit / 2n) * 5n);
    expect(funds.available).toBe(cap - (unit / 2n) * 5n);

    const second = await attempt();
    expect(second.granted.length).toBe(Number(funds.available / unit));
    await Promise.all(second.granted.map((reservation) => release(ctx, reservation)));
  }, 90_000);

  it('chains every epoch’s receipts exactly, whatever the batches and closings', async () => {
    const random = createRandom({ seed: 42 });
    const written: Receipt[] = [];
    /** Receipts of each epoch when it closed: none may join it after. */
    const closed = new Map<string, number>();
    const work: Promise<unknown>[] = [];
    for (let burst = 0; burst < 40; burst++) {
      const size = 1 + random.nextInt(12);
      const inBurst: Promise<unknown>[] = [];
      for (let i = 0; i < size; i++) {
        const fee = 1 + random.nextInt(10_000_000);
        const payer = 6 + (i % 2);
        const reservation = {
          id: randomBytes(16).toString('hex'),
          payer: net.chain.accounts[payer]!,
          amount: BigInt(fee),
        };
        inBurst.push(
          storeReceipt(ctx, parameters(fee, payer), reservation).then((s) => written.push(s.receipt)),
        );
      }
      work.push(...inBurst);
      // Now and then an epoch closes while this burst's receipts are being written.
      if (random.nextInt(5) === 0) {
        await inBurst[0];
        work.push(
          closeEpoch(ctx).then(async (epoch) => {
            if (epoch === null) return;
            const [row] = await ctx.db.query<{ receipt_count: number }>(
              'select receipt_count from epochs where epoch = $1',
              [epoch],
            );
            closed.set(epoch.toString(), row!.receipt_count);
          }),
        );
      }
      if (random.nextInt(3) === 0) await new Promise((resolve) => setTimeout(resolve, random.nextInt(5)));
    }
    await Promise.all(work);

    const epochs = await ctx.db.query<{
      epoch: bigint;
      fee_total: string;
      receipt_count: number;
      protocol_fee_bps: number | null;
    }>(
      'select epoch, fee_total::text as fee_total, receipt_count, protocol_fee_bps from epochs order by epoch',
    );
    // Every receipt the node holds (those of the test before too), as stored.
    const stored = (await ctx.db.query<{ receipt: Receipt }>('select receipt from receipts')).map(
      (r) => r.receipt,
    );
    const storedIds = new Set(stored.map((r) => r.requestId));
    expect(written.every((r) => storedIds.has(r.requestId))).toBe(true);
    const byEpoch = new Map<string, Receipt[]>();
    for (const r of stored) byEpoch.set(r.epoch, [...(byEpoch.get(r.epoch) ?? []), r]);
    expect([...byEpoch.keys()].length).toBeGreaterThan(1); // closings happened between receipts
    let total = 0;
    for (const epoch of epochs) {
      const receipts = (byEpoch.get(epoch.epoch.toString()) ?? []).sort((a, b) =>
        BigInt(a.split.feeBefore) < BigInt(b.split.feeBefore) ? -1 : 1,
      );
      let before = 0n;
      for (const r of receipts) {
        expect(BigInt(r.split.feeBefore)).toBe(before);
        before += BigInt(r.fee);
      }
      expect(BigInt(epoch.fee_total)).toBe(before);
      expect(epoch.receipt_count).toBe(receipts.length);
      const protocol = receipts.reduce((sum, r) => sum + BigInt(r.split.protocol), 0n);
      expect(protocol).toBe(protocolShare(before, BPS));
      if (receipts.length > 0) expect(epoch.protocol_fee_bps).toBe(BPS);
      total += receipts.length;
    }
    expect(total).toBe(stored.length);
    expect(closed.size).toBeGreaterThan(0);
    for (const [epoch, count] of closed) expect(byEpoch.get(epoch)?.length, `epoch ${epoch}`).toBe(count);

    // What a reservation counts as owed equals what the database holds (with PGlite: the payer
    // ledger's mirror), before and after an epoch leaves the unsettled states.
    const owedAgree = async () => {
      await ctx.serving.receiptWriter.stored();
      const rows = await ctx.db.query<{ payer: string; amount: string }>(
        'select payer, amount::text as amount from payer_unsettled',
      );
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect((await payerFunds(ctx, row.payer as Hex)).unsettled, row.payer).toBe(BigInt(row.amount));
      }
    };
    await owedAgree();
    expect(await finishEpoch(ctx, [...closed.keys()][0]!, 'voided')).toBe(true);
    await owedAgree();
  }, 90_000);
});
