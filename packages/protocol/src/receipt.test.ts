import { type Address, hashTypedData, keccak256, sha256, toBytes, toHex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { ANVIL_PRIVATE_KEYS } from './anvil.js';
import {
  computeEpoch,
  EPOCH_DATA_FORMAT,
  type EpochData,
  orderReceipts,
  type SignedReceipt,
  verifyEpoch,
} from './epoch.js';
import { largestRemainder, splitFee } from './feeSplit.js';
import { type CreditEntry, EMPTY_ROOT } from './merkle.js';
import {
  encodeReceipt,
  hashReceipt,
  RECEIPT_VERSION,
  type Receipt,
  type ReceiptContribution,
  receiptDomain,
  receiptMessage,
  receiptTypes,
  verifyReceipt,
} from './receipt.js';
import { receiptDigester } from './receiptDigest.js';

const signer = privateKeyToAccount(ANVIL_PRIVATE_KEYS[1]);
const [node, payer, developer, alice, bob] = ANVIL_PRIVATE_KEYS.slice(2, 7).map(
  (key) => privateKeyToAccount(key).address,
) as [Address, Address, Address, Address, Address];
const rewardDistributor = '0x00000000000000000000000000000000000000d1' as Address;
const split = { computeBps: 2000, developerBps: 3000, dataBps: 5000 };

/** A receipt whose amounts follow the protocol's math, signed by `signer`. */
async function signedReceipt(p: {
  feeBefore: bigint;
  inputTokens: number;
  outputTokens: number;
  /** Attribution in ppm by contributor (ids 1, 2, …); none: the data share goes to the pool. */
  attribution: { contributor: Address; ppm: number }[];
  requestId?: string;
  /** A model that charges nothing. */
  free?: boolean;
  /** The call's texts (their hashes go in the receipt). */
  texts?: { input: string; output: string };
  epoch?: string;
  maxTokens?: number;
  /** Who signs (default: `signer`). */
  by?: typeof signer;
}): Promise<SignedReceipt> {
  const by = p.by ?? signer;
  const priceIn = p.free ? 0n : 1_000n;
  const priceOut = p.free ? 0n : 3_001n;
  const fee = priceIn * BigInt(p.inputTokens) + priceOut * BigInt(p.outputTokens);
  const shares = splitFee({ fee, feeBefore: p.feeBefore, protocolFeeBps: 500, split });
  const amounts =
    p.attribution.length === 0
      ? []
      : largestRemainder({ amount: shares.data, weights: p.attribution.map((a) => BigInt(a.ppm)) });
  const receipt: Receipt = {
    version: RECEIPT_VERSION,
    chainId: 31337,
    node,
    signer: by.address,
    epoch: p.epoch ?? '1',
    requestId: keccak256(toHex(p.requestId ?? `call at ${p.feeBefore}`)),
    payer,
    model: {
      id: '1',
      version: 1,
      kind: 'infini-gram',
      artifactHash: keccak256(toHex('artifact')),
      indexRoot: keccak256(toHex('index')),
    },
    input: { sha256: sha256(toBytes(p.texts?.input ?? 'prompt')), tokens: p.inputTokens },
    output: { sha256: sha256(toBytes(p.texts?.output ?? 'answer')), tokens: p.outputTokens },
    generation: { maxTokens: p.maxTokens ?? 64, temperature: 0, topK: null, seed: 1, stop: [] },
    pricing: { pricePerInputToken: String(priceIn), pricePerOutputToken: String(priceOut) },
    fee: String(fee),
    split: {
      feeBefore: String(p.feeBefore),
      protocolFeeBps: 500,
      ...split,
      protocol: String(shares.protocol),
      compute: String(shares.compute),
      developer: String(shares.developer),
      data: String(shares.data),
      developerAccount: developer,
    },
    attribution: {
      method: 'spans',
      contributions: p.attribution.map((a, i) => ({
        contributionId: String(i + 1),
        contributor: a.contributor,
        datanetId: '1',
        ppm: a.ppm,
        amount: String(amounts[i]),
      })),
      pool: p.attribution.length === 0 ? String(shares.data) : '0',
    },
    time: 1_700_000_000,
  };
  const signature = await by.signTypedData({
    domain: receiptDomain({ chainId: receipt.chainId, rewardDistributor }),
    types: receiptTypes,
    primaryType: 'Receipt',
    message: receiptMessage(receipt),
  });
  return { receipt, signature };
}

const twoContributors = [
  { contributor: alice, ppm: 666_667 },
  { contributor: bob, ppm: 333_333 },
];

describe('hashReceipt', () => {
  it("is viem's keccak256 of the canonical encoding, whatever its length", async () => {
    for (let n = 0; n < 300; n += 7) {
      const { receipt } = await signedReceipt({
        feeBefore: BigInt(n),
        inputTokens: n,
        outputTokens: 1,
        attribution: [{ contributor: node, ppm: 1_000_000 }],
        // Multi-byte text, and lengths that cross keccak's 136-byte blocks.
        texts: { input: 'é✓'.repeat(n), output: 'x' },
        requestId: 'q'.repeat(n),
      });
      receipt.attribution.method = 'm'.repeat(n * 13);
      expect(hashReceipt(receipt)).toBe(keccak256(encodeReceipt(receipt)));
    }
  });
});

describe('receiptDigester', () => {
  it("is viem's hashTypedData of the receipt message, for any epoch, fee, addresses and domain", async () => {
    const rewardDistributor = privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]).address;
    const cases: [number, number][] = [
      [0, 1],
      [1, 31337],
      [37, 8453],
      [255, 2 ** 31],
      [4096, 7],
    ];
    for (const [n, chainId] of cases) {
      const { receipt } = await signedReceipt({
        feeBefore: 10n ** BigInt(n % 60),
        inputTokens: n,
        outputTokens: 1 + n,
        attribution: [{ contributor: alice, ppm: 1_000_000 }],
      });
      receipt.epoch = String(2n ** 64n - 1n - BigInt(n));
      const domain = { chainId, rewardDistributor };
      expect(receiptDigester(domain)(receipt)).toBe(
        hashTypedData({
          domain: receiptDomain(domain),
          types: receiptTypes,
          primaryType: 'Receipt',
          message: receiptMessage(receipt),
        }),
      );
    }
  });

  it('refuses a field that does not fit its type', async () => {
    const { receipt } = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 1,
      outputTokens: 1,
      attribution: [{ contributor: alice, ppm: 1_000_000 }],
    });
    receipt.epoch = String(2n ** 64n);
    expect(() => receiptDigester({ chainId: 1, rewardDistributor: alice })(receipt)).toThrow(
      /epoch does not fit uint64/,
    );
  });
});

describe('verifyReceipt', () => {
  it('accepts a signed receipt whose fee, split and amounts add up', async () => {
    const { receipt, signature } = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 1234,
      outputTokens: 567,
      attribution: twoContributors,
    });
    const result = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor,
      expectedSigner: signer.address,
    });
    expect(result).toEqual({ valid: true, receiptHash: hashReceipt(receipt), problems: [] });
  });

  it('names each problem of an edited receipt instead of throwing', async () => {
    const { receipt, signature } = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 1234,
      outputTokens: 567,
      attribution: twoContributors,
    });
    // One unit moved from bob to alice: the total still matches, the signature and the split do not.
    const [a, b] = receipt.attribution.contributions as [
      Receipt['attribution']['contributions'][number],
      Receipt['attribution']['contributions'][number],
    ];
    const edited: Receipt = {
      ...receipt,
      attribution: {
        ...receipt.attribution,
        contributions: [
          { ...a, amount: String(BigInt(a.amount) + 1n) },
          { ...b, amount: String(BigInt(b.amount) - 1n), contributionId: 'two' },
        ],
      },
    };
    const result = await verifyReceipt({ receipt: edited, signature, rewardDistributor });
    expect(result.valid).toBe(false);
    expect(result.problems).toEqual([
      expect.stringMatching(/^signature is by 0x[0-9a-fA-F]{40}, not the receipt's signer/),
      'contribution id is not a non-negative integer: two',
      'attribution contributions are not in ascending contribution id order (or repeat an id)',
      `contribution 1 gets ${BigInt(a.amount) + 1n}, expected ${a.amount}`,
      `contribution two gets ${BigInt(b.amount) - 1n}, expected ${b.amount}`,
    ]);
  });

  it('checks the attribution against a recomputation', async () => {
    const { receipt, signature } = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 10,
      outputTokens: 10,
      attribution: twoContributors,
    });
    const recomputed = async () => [
      { contributionId: '2', ppm: 333_333 },
      { contributionId: '1', ppm: 666_667 },
    ];
    const swapped = async () => [
      { contributionId: '1', ppm: 333_333 },
      { contributionId: '2', ppm: 666_667 },
    ];
    expect(
      (await verifyReceipt({ receipt, signature, rewardDistributor, recomputeAttribution: recomputed }))
        .valid,
    ).toBe(true);
    expect(
      (await verifyReceipt({ receipt, signature, rewardDistributor, recomputeAttribution: swapped }))
        .problems,
    ).toEqual(['the attribution does not match the one recomputed from public data']);
  });
});

describe('verifyReceipt checks what it is told to trust', () => {
  /** A stand-in tokenizer: one token per word (protocol bundles none; the CLI passes the real one). */
  const countTokens = (text: string) => text.split(' ').filter(Boolean).length;
  const texts = { input: 'how long is the river', output: 'eleven hundred kilometres' };

  it('refuses a receipt signed by a key other than the one registered for the node', async () => {
    const stranger = privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]);
    // Self-consistent: the receipt names the stranger as its signer, and the stranger signed it.
    const { receipt, signature } = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 10,
      outputTokens: 5,
      attribution: twoContributors,
      by: stranger,
    });
    const base = { receipt, signature, rewardDistributor };
    expect((await verifyReceipt(base)).valid).toBe(true);
    expect(await verifyReceipt({ ...base, expectedSigner: stranger.address })).toMatchObject({ valid: true });
    expect((await verifyReceipt({ ...base, expectedSigner: signer.address })).problems).toEqual([
      `the node's registered signing key is ${signer.address}, not ${stranger.address}`,
    ]);
  });

  it('recounts the tokens billed from the texts: an inflated bill does not verify', async () => {
    const honest = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 5,
      outputTokens: 3,
      attribution: twoContributors,
      texts,
    });
    expect(await verifyReceipt({ ...honest, rewardDistributor, texts: { ...texts, countTokens } })).toEqual({
      valid: true,
      receiptHash: hashReceipt(honest.receipt),
      problems: [],
    });
    // A node bills maxTokens instead of the 3 produced: fee, split and signature all agree with it.
    const inflated = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 5,
      outputTokens: 64,
      attribution: twoContributors,
      texts,
    });
    expect((await verifyReceipt({ ...inflated, rewardDistributor })).valid).toBe(true);
    expect(
      (await verifyReceipt({ ...inflated, rewardDistributor, texts: { ...texts, countTokens } })).problems,
    ).toEqual(['the output is 3 tokens; the receipt bills 64']);
    const longPrompt = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 6,
      outputTokens: 3,
      attribution: twoContributors,
      texts,
    });
    expect(
      (await verifyReceipt({ ...longPrompt, rewardDistributor, texts: { ...texts, countTokens } })).problems,
    ).toEqual(['the input is 5 tokens; the receipt bills 6']);
  });

  it('bills at most maxTokens of output, and names texts that are not its own', async () => {
    const capped = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 5,
      outputTokens: 2,
      maxTokens: 2,
      attribution: [],
      texts,
    });
    expect(
      (await verifyReceipt({ ...capped, rewardDistributor, texts: { ...texts, countTokens } })).problems,
    ).toEqual([]);
    const other = { input: `${texts.input}?`, output: `${texts.output}.`, countTokens };
    expect((await verifyReceipt({ ...capped, rewardDistributor, texts: other })).problems).toEqual([
      "the input given does not hash to the receipt's input hash",
      "the output given does not hash to the receipt's output hash",
    ]);
  });
});

describe('verifyReceipt names what does not add up', () => {
  const base = () =>
    signedReceipt({ feeBefore: 0n, inputTokens: 40, outputTokens: 20, attribution: twoContributors });

  it('an unknown version, a signature that does not recover, a fee off its prices', async () => {
    const { receipt, signature } = await base();
    const check = (r: Receipt, sig = signature) =>
      verifyReceipt({ receipt: r, signature: sig, rewardDistributor });
    expect((await check({ ...receipt, version: 2 as never })).problems).toEqual([
      'unknown receipt version 2',
      expect.stringMatching(/^signature is by 0x[0-9a-fA-F]{40}, not the receipt's signer/),
    ]);
    expect((await check(receipt, '0x1234')).problems).toEqual([
      expect.stringMatching(/^signature does not recover: /),
    ]);
    const priced = { ...receipt, pricing: { ...receipt.pricing, pricePerOutputToken: '3000' } };
    expect((await check(priced)).problems).toContain(
      `fee ${receipt.fee} is not priceIn × inputTokens + priceOut × outputTokens = ${1_000n * 40n + 3_000n * 20n}`,
    );
    expect((await check({ ...receipt, fee: '-5' })).problems).toContain(
      'fee is not a non-negative integer: -5',
    );
  });

  it("a split off the model's basis points, and a pool where attribution is (or the reverse)", async () => {
    const { receipt, signature } = await base();
    const check = (r: Receipt) => verifyReceipt({ receipt: r, signature, rewardDistributor });
    const moved = {
      ...receipt,
      split: { ...receipt.split, compute: String(BigInt(receipt.split.compute) + 1n) },
    };
    expect((await check(moved)).problems).toContain(
      `split.compute is ${BigInt(receipt.split.compute) + 1n}, expected ${receipt.split.compute}`,
    );
    const badBps = { ...receipt, split: { ...receipt.split, dataBps: 1 } };
    expect(
      (await check(badBps)).problems.some((p) => p.startsWith('split is invalid: split must be three')),
    ).toBe(true);
    const pooled = { ...receipt, attribution: { ...receipt.attribution, pool: '1' } };
    expect((await check(pooled)).problems).toContain('with attribution the pool must be 0, not 1');
    const short = {
      ...receipt,
      attribution: {
        ...receipt.attribution,
        contributions: receipt.attribution.contributions.map((c) => ({ ...c, ppm: c.ppm - 1 })),
      },
    };
    expect((await check(short)).problems).toContain('attribution ppm sum to 999998, not 1,000,000');
    const none = await signedReceipt({ feeBefore: 0n, inputTokens: 40, outputTokens: 20, attribution: [] });
    const leaked = { ...none.receipt, attribution: { ...none.receipt.attribution, pool: '0' } };
    expect(
      (await verifyReceipt({ receipt: leaked, signature: none.signature, rewardDistributor })).problems,
    ).toContain(
      `with no attribution the whole data share (${none.receipt.split.data}) goes to the pool, not 0`,
    );
  });

  it('amounts that are not plain integers, and contributions out of id order or repeated', async () => {
    const { receipt, signature } = await base();
    const check = (r: Receipt) => verifyReceipt({ receipt: r, signature, rewardDistributor });
    for (const bad of ['12a', 'a12', '1.5'])
      expect((await check({ ...receipt, fee: bad })).problems).toContain(
        `fee is not a non-negative integer: ${bad}`,
      );
    const [a, b] = receipt.attribution.contributions as [ReceiptContribution, ReceiptContribution];
    const repeated = {
      ...receipt,
      attribution: { ...receipt.attribution, contributions: [a, { ...b, contributionId: a.contributionId }] },
    };
    expect((await check(repeated)).problems).toContain(
      'attribution contributions are not in ascending contribution id order (or repeat an id)',
    );
    expect((await check(repeated)).valid).toBe(false);
    // The domain receipts are signed in is part of the format: pinned.
    expect(receiptDomain({ chainId: 5, rewardDistributor })).toEqual({
      name: 'TributaryReceipts',
      version: '1',
      chainId: 5,
      verifyingContract: rewardDistributor,
    });
  });

  it('does not recompute the attribution of a receipt that already fails', async () => {
    const { receipt, signature } = await base();
    let calls = 0;
    const recomputeAttribution = async () => {
      calls++;
      return [];
    };
    await verifyReceipt({
      receipt: { ...receipt, fee: '1' },
      signature,
      rewardDistributor,
      recomputeAttribution,
    });
    expect(calls).toBe(0);
    await verifyReceipt({ receipt, signature, rewardDistributor, recomputeAttribution });
    expect(calls).toBe(1);
  });
});

describe('epochs', () => {
  async function epochOf(
    receipts: SignedReceipt[],
    { epoch = '1', previousCredits = [] as CreditEntry[] } = {},
  ): Promise<EpochData> {
    const ordered = orderReceipts(receipts);
    const poolSources = [
      {
        modelId: '1',
        modelVersion: 1,
        contributions: [
          { contributionId: '1', contributor: alice, tokens: 300 },
          { contributionId: '2', contributor: bob, tokens: 100 },
        ],
      },
    ];
    const c = computeEpoch({ receipts: ordered, poolSources, previousCredits, protocolFeeBps: 500 });
    return {
      format: EPOCH_DATA_FORMAT,
      chainId: 31337,
      node,
      epoch,
      protocolFeeBps: 500,
      receipts: ordered,
      poolSources,
      previousCredits: previousCredits.map((x) => ({
        account: x.account,
        cumulativeAmount: String(x.cumulativeAmount),
      })),
      derived: {
        receiptsRoot: c.receiptsRoot,
        creditsRoot: c.creditsRoot,
        totalFee: String(c.totalFee),
        protocolFee: String(c.protocolFee),
        debits: c.debits.map((d) => ({ payer: d.payer, amount: String(d.amount) })),
        credits: c.credits.map((x) => ({
          account: x.account,
          cumulativeAmount: String(x.cumulativeAmount),
          amount: String(x.amount),
        })),
      },
    };
  }

  it('credits exactly what payers are debited less the protocol fee, and re-verifies', async () => {
    const first = await signedReceipt({ feeBefore: 0n, inputTokens: 100, outputTokens: 50, attribution: [] });
    const second = await signedReceipt({
      feeBefore: BigInt(first.receipt.fee),
      inputTokens: 7,
      outputTokens: 3,
      attribution: twoContributors,
    });
    const data = await epochOf([second, first]);
    expect(data.receipts.map((r) => r.receipt.requestId)).toEqual([
      first.receipt.requestId,
      second.receipt.requestId,
    ]);
    const total = BigInt(first.receipt.fee) + BigInt(second.receipt.fee);
    const credited = data.derived.credits.reduce((sum, x) => sum + BigInt(x.amount), 0n);
    expect(credited + BigInt(data.derived.protocolFee)).toBe(total);
    expect(data.derived.debits).toEqual([{ payer, amount: String(total) }]);
    // The first call's data share had no attribution: the pool divides it 3 : 1 by tokens.
    const pool = BigInt(first.receipt.attribution.pool);
    const [toAlice, toBob] = largestRemainder({ amount: pool, weights: [300n, 100n] });
    const creditOf = (who: Address) => BigInt(data.derived.credits.find((x) => x.account === who)!.amount);
    expect(creditOf(bob)).toBe(toBob! + BigInt(second.receipt.attribution.contributions[1]!.amount));
    expect(creditOf(alice)).toBe(toAlice! + BigInt(second.receipt.attribution.contributions[0]!.amount));

    expect(
      await verifyEpoch({ data, rewardDistributor, expectedSigner: signer.address, previous: null }),
    ).toMatchObject({
      valid: true,
      problems: [],
    });
    const inflated = { ...data, derived: { ...data.derived, totalFee: String(total + 1n) } };
    expect((await verifyEpoch({ data: inflated, rewardDistributor, previous: null })).problems).toEqual([
      `total fee: recomputed ${total}, published ${total + 1n}`,
    ]);
  });

  it('checks the previous credits an epoch builds on against the previous epoch and the chain', async () => {
    const first = await epochOf([
      await signedReceipt({
        feeBefore: 0n,
        inputTokens: 900,
        outputTokens: 400,
        attribution: twoContributors,
      }),
    ]);
    const chainRoot1 = first.derived.creditsRoot;
    const previous = { data: first, creditsRoot: chainRoot1 };
    const credited = first.derived.credits.map((c) => ({
      account: c.account,
      cumulativeAmount: BigInt(c.cumulativeAmount),
    }));
    const second = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 20,
      outputTokens: 10,
      attribution: twoContributors,
      epoch: '2',
    });
    const onChainOf = (d: EpochData) => ({
      receiptsRoot: d.derived.receiptsRoot,
      creditsRoot: d.derived.creditsRoot,
      totalFee: BigInt(d.derived.totalFee),
      protocolFee: BigInt(d.derived.protocolFee),
    });
    const honest = await epochOf([second], { epoch: '2', previousCredits: credited });
    expect(
      await verifyEpoch({ data: honest, rewardDistributor, previous, onChain: onChainOf(honest) }),
    ).toMatchObject({ valid: true, problems: [] });

    // The node moves 1,000 units of alice's earlier credit to bob, and commits the root it gets:
    // every receipt, root and total agrees with the chain; only the previous credits give it away.
    const moved = credited.map((c) => ({
      ...c,
      cumulativeAmount: c.cumulativeAmount + (c.account === alice ? -1000n : c.account === bob ? 1000n : 0n),
    }));
    const shifted = await epochOf([second], { epoch: '2', previousCredits: moved });
    const was = (who: Address) => credited.find((c) => c.account === who)!.cumulativeAmount;
    const [low, high] = [alice, bob].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
    const line = (who: Address) =>
      `previous credits of ${who}: published ${was(who) + (who === alice ? -1000n : 1000n)}, previous epoch 1 credited ${was(who)} in all`;
    expect(
      (await verifyEpoch({ data: shifted, rewardDistributor, previous, onChain: onChainOf(shifted) }))
        .problems,
    ).toEqual([line(low!), line(high!)]);

    // Claiming there was no earlier epoch does not hide them, nor does republishing epoch 1 shifted.
    expect((await verifyEpoch({ data: shifted, rewardDistributor, previous: null })).problems).toEqual([
      `previous credits: epoch 2 is the node's first valid epoch, yet ${moved.length} accounts are listed`,
    ]);
    const republished = await epochOf(first.receipts, { previousCredits: [] });
    republished.derived.credits = republished.derived.credits.map((c, i) => ({
      ...c,
      cumulativeAmount: String(moved[i]!.cumulativeAmount),
    }));
    expect(moved.map((m) => m.account)).toEqual(republished.derived.credits.map((c) => c.account));
    const problems = (
      await verifyEpoch({
        data: shifted,
        rewardDistributor,
        previous: { data: republished, creditsRoot: chainRoot1 },
      })
    ).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        `^previous epoch 1's published credits hash to 0x[0-9a-f]{64}, not the root the chain recorded \\(${chainRoot1}\\)$`,
      ),
    );
    // The previous epoch must be the same node's, and earlier.
    expect(
      (
        await verifyEpoch({
          data: first,
          rewardDistributor,
          previous: { data: honest, creditsRoot: honest.derived.creditsRoot },
        })
      ).problems[0],
    ).toBe('previous epoch 2 does not come before epoch 1');
  });

  it("names receipts that are not this epoch's, fees out of order, and every mismatch with the chain", async () => {
    const first = await signedReceipt({ feeBefore: 0n, inputTokens: 100, outputTokens: 50, attribution: [] });
    const second = await signedReceipt({
      feeBefore: BigInt(first.receipt.fee),
      inputTokens: 7,
      outputTokens: 3,
      attribution: twoContributors,
    });
    const data = await epochOf([first, second]);
    const check = (d: EpochData, onChain?: Parameters<typeof verifyEpoch>[0]['onChain']) =>
      verifyEpoch({ data: d, rewardDistributor, previous: null, ...(onChain ? { onChain } : {}) });
    const label = `receipt ${first.receipt.requestId}`;

    expect((await check({ ...data, format: 'other' as never })).problems).toEqual([
      'unknown epoch data format other',
    ]);
    const elsewhere = { ...data, node: payer, epoch: '2', protocolFeeBps: 400 };
    const problems = (await check(elsewhere)).problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        `${label} is by node ${node}, not ${payer}`,
        `${label} names epoch 1, not 2`,
        `${label} is priced at 500 bps, not 400`,
      ]),
    );
    // The second receipt claims nothing came before it.
    const reordered = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 7,
      outputTokens: 3,
      attribution: twoContributors,
    });
    const skipped = await epochOf([first, reordered]);
    expect((await check(skipped)).problems.some((p) => p.includes('came before it, not'))).toBe(true);

    // Published results that the receipts do not give.
    const doctored = structuredClone(data);
    doctored.derived.receiptsRoot = `0x${'11'.repeat(32)}`;
    doctored.derived.debits = [{ payer, amount: '1' }];
    doctored.derived.protocolFee = '0';
    expect((await check(doctored)).problems).toEqual([
      `receipts root: recomputed ${data.derived.receiptsRoot}, published ${doctored.derived.receiptsRoot}`,
      `protocol fee: recomputed ${data.derived.protocolFee}, published 0`,
      `debits: recomputed ${JSON.stringify([[payer, data.derived.totalFee]])}, published ${JSON.stringify([[payer, '1']])}`,
    ]);
    const chain = {
      receiptsRoot: data.derived.receiptsRoot,
      creditsRoot: data.derived.creditsRoot,
      totalFee: BigInt(data.derived.totalFee),
      protocolFee: BigInt(data.derived.protocolFee),
    };
    expect((await check(data, chain)).problems).toEqual([]);
    const other = `0x${'22'.repeat(32)}` as const;
    expect(
      (await check(data, { receiptsRoot: other, creditsRoot: other, totalFee: 1n, protocolFee: 2n }))
        .problems,
    ).toEqual([
      `on-chain receipts root: recomputed ${chain.receiptsRoot}, published ${other}`,
      `on-chain credits root: recomputed ${chain.creditsRoot}, published ${other}`,
      `on-chain total fee: recomputed ${chain.totalFee}, published 1`,
      `on-chain protocol fee: recomputed ${chain.protocolFee}, published 2`,
    ]);
    // Without the model's training data, the pool share cannot be divided: said, not thrown.
    const noSources = { ...data, poolSources: [] };
    expect((await check(noSources)).problems).toEqual([
      'the epoch cannot be recomputed: no pool source for model 1@1: the training pool cannot be divided',
    ]);
  });

  it('credits no one for free calls, divides pools in contribution-id order, and refuses receipts that do not add up', async () => {
    const free = await signedReceipt({
      feeBefore: 0n,
      inputTokens: 5,
      outputTokens: 5,
      attribution: [],
      free: true,
    });
    const none = computeEpoch({
      receipts: [free],
      poolSources: [],
      previousCredits: [],
      protocolFeeBps: 500,
    });
    expect([none.totalFee, none.credits, none.creditsRoot]).toEqual([0n, [], EMPTY_ROOT]);
    expect(none.debits).toEqual([{ payer, amount: 0n }]);

    // A 3-unit pool over two equal contributions: the tie goes to the lower id, whatever the listed order.
    const pooled = await signedReceipt({ feeBefore: 0n, inputTokens: 1, outputTokens: 1, attribution: [] });
    const pool = BigInt(pooled.receipt.attribution.pool);
    const source = (ids: string[]) => [
      {
        modelId: '1',
        modelVersion: 1,
        contributions: ids.map((id) => ({
          contributionId: id,
          contributor: id === '2' ? alice : bob,
          tokens: 1,
        })),
      },
    ];
    const run = (ids: string[]) =>
      computeEpoch({
        receipts: [pooled],
        poolSources: source(ids),
        previousCredits: [],
        protocolFeeBps: 500,
      });
    const credit = (c: ReturnType<typeof run>, who: Address) =>
      c.credits.find((x) => x.account === who)?.amount;
    expect(pool % 2n).toBe(1n); // odd, so one contribution gets the unit left over
    const [forAlice, forBob] = [credit(run(['2', '10']), alice), credit(run(['2', '10']), bob)];
    expect(forAlice! + forBob!).toBe(pool);
    expect(forAlice! - forBob!).toBe(pool % 2n); // id 2 comes before id 10 (numerically, not as text)
    expect(credit(run(['10', '2']), alice)).toBe(forAlice);
    expect(() =>
      computeEpoch({
        receipts: [pooled],
        poolSources: [{ ...source(['2'])[0]!, contributions: [] }],
        previousCredits: [],
        protocolFeeBps: 500,
      }),
    ).toThrow('no pool source for model 1@1: the training pool cannot be divided');

    // A receipt whose shares do not sum to its fee less the protocol's share cannot be settled.
    const skewed = structuredClone(pooled);
    skewed.receipt.split.compute = String(BigInt(skewed.receipt.split.compute) + 1n);
    const due = BigInt(pooled.receipt.fee) - BigInt(pooled.receipt.split.protocol);
    expect(() =>
      computeEpoch({
        receipts: [skewed],
        poolSources: source(['2']),
        previousCredits: [],
        protocolFeeBps: 500,
      }),
    ).toThrow(`the receipts credit ${due + 1n} but the epoch has ${due} to distribute`);
    expect(EPOCH_DATA_FORMAT).toBe('tributary-epoch/1');
  });

  it('passes the registered key and the attribution recomputation on to every receipt', async () => {
    const data = await epochOf([
      await signedReceipt({ feeBefore: 0n, inputTokens: 9, outputTokens: 9, attribution: twoContributors }),
    ]);
    const label = `receipt ${data.receipts[0]!.receipt.requestId}`;
    const stranger = privateKeyToAccount(ANVIL_PRIVATE_KEYS[8]).address;
    const checked = await verifyEpoch({ data, rewardDistributor, previous: null, expectedSigner: stranger });
    expect(checked.valid).toBe(false);
    expect(checked.problems).toEqual([
      `${label}: the node's registered signing key is ${stranger}, not ${signer.address}`,
    ]);
    const recomputeAttribution = async () => [{ contributionId: '1', ppm: 1_000_000 }];
    expect(
      (await verifyEpoch({ data, rewardDistributor, previous: null, recomputeAttribution })).problems,
    ).toEqual([`${label}: the attribution does not match the one recomputed from public data`]);
    // The previous epoch must be this node's, and strictly earlier.
    const previous = { data: { ...data, epoch: '1' }, creditsRoot: EMPTY_ROOT };
    const same = (await verifyEpoch({ data, rewardDistributor, previous })).problems;
    expect(same).toContain('previous epoch 1 does not come before epoch 1');
    const otherNode = (
      await verifyEpoch({
        data: { ...data, epoch: '2' },
        rewardDistributor,
        previous: { ...previous, data: { ...data, node: payer } },
      })
    ).problems;
    expect(otherNode).toContain(`previous epoch 1 is by node ${payer}, not ${node}`);
  });

  it('orders free calls (all tied on fees) by receipt hash, whatever order they come in', async () => {
    const free = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((id) =>
        signedReceipt({
          feeBefore: 0n,
          inputTokens: 5,
          outputTokens: 5,
          attribution: [],
          requestId: id,
          free: true,
        }),
      ),
    );
    const byHash = [...free].sort((x, y) => (hashReceipt(x.receipt) < hashReceipt(y.receipt) ? -1 : 1));
    expect(orderReceipts(free)).toEqual(byHash);
    expect(orderReceipts([...free].reverse())).toEqual(byHash);
  });
});
