/**
 * Epochs: how a node turns its receipts into on-chain money movements, as one pure computation
 * that the node runs to settle and anyone runs to check it. From an epoch's receipts (in order),
 * the training-pool sources of the models they name, and the node's previous cumulative credits,
 * it derives the receipts root, the debit of every payer, the protocol fee, and every account's
 * new cumulative credit and the credits root.
 */
import { type Address, getAddress, type Hex } from 'viem';
import { largestRemainder, protocolShare } from './feeSplit.js';
import { buildCreditsTree, buildReceiptsTree, type CreditEntry } from './merkle.js';
import { hashReceipt, type Receipt, type RecomputeAttribution, verifyReceipt } from './receipt.js';

export const EPOCH_DATA_FORMAT = 'tributary-epoch/1';

/** The training data a model version's pool share is divided over, by tokens. */
export type PoolSource = {
  modelId: string;
  modelVersion: number;
  contributions: { contributionId: string; contributor: Address; tokens: number }[];
};

export type SignedReceipt = { receipt: Receipt; signature: Hex };

export type ComputeEpochParameters = {
  /** The epoch's receipts, in settlement order (see `orderReceipts`). */
  receipts: readonly SignedReceipt[];
  poolSources: readonly PoolSource[];
  /** Cumulative credits after the node's previous valid epoch. */
  previousCredits: readonly CreditEntry[];
  protocolFeeBps: number;
};

export type EpochComputation = {
  receiptCount: number;
  totalFee: bigint;
  protocolFee: bigint;
  receiptsRoot: Hex;
  /** Per payer, ascending by address (the contract's order). */
  debits: { payer: Address; amount: bigint }[];
  /** Every account ever credited, ascending by address: new cumulative amount and this epoch's part. */
  credits: { account: Address; cumulativeAmount: bigint; amount: bigint }[];
  creditsRoot: Hex;
};

/** Sorts receipts into settlement order: by the fees before them in the epoch, then by hash. */
export function orderReceipts<T extends SignedReceipt>(receipts: readonly T[]): T[] {
  // Each receipt is hashed at most once, not once per comparison: free calls all tie on fees.
  const hashes = new Map<T, Hex>();
  const hashOf = (item: T) => {
    let hash = hashes.get(item);
    if (hash === undefined) {
      hash = hashReceipt(item.receipt);
      hashes.set(item, hash);
    }
    return hash;
  };
  return [...receipts].sort((a, b) => {
    const fa = BigInt(a.receipt.split.feeBefore);
    const fb = BigInt(b.receipt.split.feeBefore);
    if (fa !== fb) return fa < fb ? -1 : 1;
    const ha = hashOf(a);
    const hb = hashOf(b);
    return ha < hb ? -1 : ha > hb ? 1 : 0;
  });
}

const byAddress = (a: string, b: string) =>
  a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;

/**
 * Computes an epoch's settlement.
 *
 * @example
 * const { receiptsRoot, creditsRoot, debits } = computeEpoch({ receipts, poolSources, previousCredits, protocolFeeBps: 500 });
 */
export function computeEpoch(p: ComputeEpochParameters): EpochComputation {
  const debits = new Map<string, bigint>();
  const deltas = new Map<string, bigint>();
  const credit = (account: string, amount: bigint) => {
    if (amount === 0n) return;
    const key = getAddress(account);
    deltas.set(key, (deltas.get(key) ?? 0n) + amount);
  };
  const pools = new Map<string, bigint>();
  let totalFee = 0n;
  for (const { receipt } of p.receipts) {
    const fee = BigInt(receipt.fee);
    totalFee += fee;
    const payer = getAddress(receipt.payer);
    debits.set(payer, (debits.get(payer) ?? 0n) + fee);
    credit(receipt.node, BigInt(receipt.split.compute));
    credit(receipt.split.developerAccount, BigInt(receipt.split.developer));
    for (const c of receipt.attribution.contributions) credit(c.contributor, BigInt(c.amount));
    const pool = BigInt(receipt.attribution.pool);
    if (pool > 0n) {
      const key = `${receipt.model.id}@${receipt.model.version}`;
      pools.set(key, (pools.get(key) ?? 0n) + pool);
    }
  }
  for (const [key, amount] of [...pools].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const source = p.poolSources.find((s) => `${s.modelId}@${s.modelVersion}` === key);
    if (!source || source.contributions.length === 0) {
      throw new RangeError(`no pool source for model ${key}: the training pool cannot be divided`);
    }
    const contributions = [...source.contributions].sort((a, b) =>
      BigInt(a.contributionId) < BigInt(b.contributionId) ? -1 : 1,
    );
    const parts = largestRemainder({ amount, weights: contributions.map((c) => BigInt(c.tokens)) });
    for (const [i, c] of contributions.entries()) credit(c.contributor, parts[i]!);
  }
  const protocolFee = protocolShare(totalFee, p.protocolFeeBps);
  const distributed = [...deltas.values()].reduce((a, b) => a + b, 0n);
  if (distributed !== totalFee - protocolFee) {
    throw new RangeError(
      `the receipts credit ${distributed} but the epoch has ${totalFee - protocolFee} to distribute`,
    );
  }
  const cumulative = new Map<string, bigint>();
  for (const c of p.previousCredits) cumulative.set(getAddress(c.account), BigInt(c.cumulativeAmount));
  for (const [account, amount] of deltas) cumulative.set(account, (cumulative.get(account) ?? 0n) + amount);
  const credits = [...cumulative]
    .sort(([a], [b]) => byAddress(a, b))
    .map(([account, cumulativeAmount]) => ({
      account: account as Address,
      cumulativeAmount,
      amount: deltas.get(account) ?? 0n,
    }));
  return {
    receiptCount: p.receipts.length,
    totalFee,
    protocolFee,
    receiptsRoot: buildReceiptsTree(p.receipts.map((r) => hashReceipt(r.receipt))).root,
    debits: [...debits]
      .sort(([a], [b]) => byAddress(a, b))
      .map(([payer, amount]) => ({ payer: payer as Address, amount })),
    credits,
    creditsRoot: buildCreditsTree(
      credits.map(({ account, cumulativeAmount }) => ({ account, cumulativeAmount })),
    ).root,
  };
}

/** What a node publishes for an epoch (JSON, bigints as decimal strings): enough to recompute it. */
export type EpochData = {
  format: typeof EPOCH_DATA_FORMAT;
  chainId: number;
  node: Address;
  epoch: string;
  protocolFeeBps: number;
  receipts: SignedReceipt[];
  poolSources: PoolSource[];
  previousCredits: { account: Address; cumulativeAmount: string }[];
  /** What the node derived (and committed on-chain): checked against the recomputation. */
  derived: {
    receiptsRoot: Hex;
    creditsRoot: Hex;
    totalFee: string;
    protocolFee: string;
    debits: { payer: Address; amount: string }[];
    credits: { account: Address; cumulativeAmount: string; amount: string }[];
  };
};

export type VerifyEpochParameters = {
  data: EpochData;
  rewardDistributor: Address;
  /** The node's registered signing key (NodeRegistry.signingKeyOf), to check receipt signatures against. */
  expectedSigner?: Address;
  /** What the chain recorded for the epoch (RewardDistributor.getEpoch), if known. */
  onChain?: { receiptsRoot: Hex; creditsRoot: Hex; totalFee: bigint; protocolFee: bigint };
  /** Recomputes each receipt's attribution from public data (see `verifyReceipt`). */
  recomputeAttribution?: RecomputeAttribution;
  /**
   * The node's previous valid (not voided) epoch, or null when `data` is its first: `previousCredits`
   * must be exactly the credits it published, and those must hash to the root the chain recorded.
   * Required, so that no caller takes a node's word for the credits an epoch builds on.
   */
  previous: PreviousEpoch | null;
};

/** An earlier epoch as the node published it and as the chain recorded it. */
export type PreviousEpoch = {
  data: EpochData;
  /** The credits root the chain recorded for it (RewardDistributor.getEpoch). */
  creditsRoot: Hex;
};

export type VerifyEpochReturnType = {
  valid: boolean;
  problems: string[];
  computation: EpochComputation | null;
};

/**
 * Re-checks a published epoch: every receipt (signature, amounts, node, epoch, fee order), then
 * the whole settlement recomputed against what the node published and what the chain recorded.
 *
 * @example
 * const { valid, problems } = await verifyEpoch({ data, rewardDistributor, onChain });
 */
export async function verifyEpoch(p: VerifyEpochParameters): Promise<VerifyEpochReturnType> {
  const { data } = p;
  const problems: string[] = [];
  if (data.format !== EPOCH_DATA_FORMAT) problems.push(`unknown epoch data format ${String(data.format)}`);
  let before = 0n;
  const ordered = orderReceipts(data.receipts);
  for (const [i, { receipt, signature }] of ordered.entries()) {
    const label = `receipt ${receipt.requestId}`;
    if (getAddress(receipt.node) !== getAddress(data.node))
      problems.push(`${label} is by node ${receipt.node}, not ${data.node}`);
    if (receipt.epoch !== data.epoch)
      problems.push(`${label} names epoch ${receipt.epoch}, not ${data.epoch}`);
    if (receipt.split.protocolFeeBps !== data.protocolFeeBps)
      problems.push(`${label} is priced at ${receipt.split.protocolFeeBps} bps, not ${data.protocolFeeBps}`);
    if (BigInt(receipt.split.feeBefore) !== before)
      problems.push(`${label} (#${i}) says ${receipt.split.feeBefore} came before it, not ${before}`);
    before += BigInt(receipt.fee);
    const checked = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor: p.rewardDistributor,
      ...(p.expectedSigner ? { expectedSigner: p.expectedSigner } : {}),
      ...(p.recomputeAttribution ? { recomputeAttribution: p.recomputeAttribution } : {}),
    });
    for (const problem of checked.problems) problems.push(`${label}: ${problem}`);
  }
  for (const problem of previousCreditProblems(data, p.previous)) problems.push(problem);
  let computation: EpochComputation | null = null;
  try {
    computation = computeEpoch({
      receipts: ordered,
      poolSources: data.poolSources,
      previousCredits: data.previousCredits.map((c) => ({
        account: c.account,
        cumulativeAmount: BigInt(c.cumulativeAmount),
      })),
      protocolFeeBps: data.protocolFeeBps,
    });
  } catch (error) {
    problems.push(`the epoch cannot be recomputed: ${(error as Error).message}`);
  }
  if (computation) {
    const c = computation;
    const same = (what: string, mine: unknown, theirs: unknown) => {
      if (String(mine).toLowerCase() !== String(theirs).toLowerCase())
        problems.push(`${what}: recomputed ${mine}, published ${theirs}`);
    };
    same('receipts root', c.receiptsRoot, data.derived.receiptsRoot);
    same('credits root', c.creditsRoot, data.derived.creditsRoot);
    same('total fee', c.totalFee, data.derived.totalFee);
    same('protocol fee', c.protocolFee, data.derived.protocolFee);
    same(
      'debits',
      JSON.stringify(c.debits.map((d) => [d.payer, d.amount.toString()])),
      JSON.stringify(data.derived.debits.map((d) => [d.payer, d.amount])),
    );
    if (p.onChain) {
      same('on-chain receipts root', c.receiptsRoot, p.onChain.receiptsRoot);
      same('on-chain credits root', c.creditsRoot, p.onChain.creditsRoot);
      same('on-chain total fee', c.totalFee, p.onChain.totalFee);
      same('on-chain protocol fee', c.protocolFee, p.onChain.protocolFee);
    }
  }
  return { valid: problems.length === 0, problems, computation };
}

/**
 * The published previous credits against the previous epoch: a node that moved credit between
 * accounts there (and committed a root over it) would otherwise go unseen.
 */
function previousCreditProblems(data: EpochData, previous: PreviousEpoch | null): string[] {
  const published = new Map(
    data.previousCredits.map((c) => [getAddress(c.account), BigInt(c.cumulativeAmount)]),
  );
  if (previous === null) {
    return published.size === 0
      ? []
      : [
          `previous credits: epoch ${data.epoch} is the node's first valid epoch, yet ${published.size} accounts are listed`,
        ];
  }
  const problems: string[] = [];
  const label = `previous epoch ${previous.data.epoch}`;
  if (getAddress(previous.data.node) !== getAddress(data.node))
    problems.push(`${label} is by node ${previous.data.node}, not ${data.node}`);
  if (BigInt(previous.data.epoch) >= BigInt(data.epoch))
    problems.push(`${label} does not come before epoch ${data.epoch}`);
  const credited = new Map(
    previous.data.derived.credits.map((c) => [getAddress(c.account), BigInt(c.cumulativeAmount)]),
  );
  const root = buildCreditsTree(
    [...credited].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount })),
  ).root;
  if (root.toLowerCase() !== previous.creditsRoot.toLowerCase())
    problems.push(
      `${label}'s published credits hash to ${root}, not the root the chain recorded (${previous.creditsRoot})`,
    );
  for (const account of [...new Set([...credited.keys(), ...published.keys()])].sort(byAddress)) {
    const mine = credited.get(account) ?? 0n;
    const theirs = published.get(account) ?? 0n;
    if (mine !== theirs)
      problems.push(`previous credits of ${account}: published ${theirs}, ${label} credited ${mine} in all`);
  }
  return problems;
}
