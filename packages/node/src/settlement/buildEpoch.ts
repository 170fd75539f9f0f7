/**
 * Building a closed epoch's settlement: the epoch's receipts, the training-pool sources of the
 * model versions they name, and the previous cumulative credits go through `computeEpoch` (the
 * same code anyone verifying the epoch runs); the result is published as a blob and recorded with
 * the on-chain header and debit pages. Payers who can no longer pay in full are covered by the
 * node's own escrow account: the node extended them credit, so it bears the loss, and data
 * contributors are paid regardless.
 */
import {
  computeEpoch,
  EPOCH_DATA_FORMAT,
  type EpochData,
  orderReceipts,
  type PoolSource,
  paymentEscrowAbi,
  type Receipt,
  type SignedReceipt,
} from '@tributary/protocol';
import { type Address, getAddress, type Hex } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { versionItems } from '../datanets/manifest.js';
import { ApiError } from '../errors.js';

export type EpochHeaderJson = {
  epoch: string;
  receiptsRoot: Hex;
  creditsRoot: Hex;
  receiptCount: string;
  totalFee: string;
  protocolFee: string;
  protocolFeeBps: number;
  pageCount: number;
  dataUri: string;
};

export type DebitPage = { payer: Address; amount: string }[];

/** Builds the settlement of closed epoch `epoch` (idempotent: an existing build is kept). */
export async function buildEpoch(ctx: Context, epoch: bigint): Promise<void> {
  const [existing] = await ctx.db.query('select 1 from epoch_settlements where epoch = $1', [epoch]);
  if (existing) return;
  const [row] = await ctx.db.query<{ protocol_fee_bps: number }>(
    'select protocol_fee_bps from epochs where epoch = $1',
    [epoch],
  );
  const protocolFeeBps = row!.protocol_fee_bps;
  const receipts = orderReceipts(
    await ctx.db.query<SignedReceipt>('select receipt, signature from receipts where epoch = $1', [epoch]),
  );
  const poolSources = await poolSourcesOf(
    ctx,
    receipts.map((r) => r.receipt),
  );
  const previous = await ctx.db.query<{ account: string; cumulative: string }>(
    `select account, cumulative::text as cumulative from epoch_credits where epoch = (
       select max(epoch) from epochs where epoch < $1 and status not in ('open', 'closed', 'voided'))`,
    [epoch],
  );
  const previousCredits = previous.map((c) => ({
    account: getAddress(c.account),
    cumulativeAmount: BigInt(c.cumulative),
  }));
  const computed = computeEpoch({ receipts, poolSources, previousCredits, protocolFeeBps });
  const debits = await coverShortfalls(ctx, computed.debits);
  const { pageSize } = ctx.config.settlement;
  const pages: DebitPage[] = [];
  for (let i = 0; i < debits.length; i += pageSize) {
    pages.push(debits.slice(i, i + pageSize).map((d) => ({ payer: d.payer, amount: d.amount.toString() })));
  }
  if (pages.length === 0) pages.push([]);

  const data: EpochData = {
    format: EPOCH_DATA_FORMAT,
    chainId: ctx.chain.chainId,
    node: ctx.chain.operator.address,
    epoch: epoch.toString(),
    protocolFeeBps,
    receipts,
    poolSources,
    previousCredits: previousCredits.map((c) => ({
      account: c.account,
      cumulativeAmount: c.cumulativeAmount.toString(),
    })),
    derived: {
      receiptsRoot: computed.receiptsRoot,
      creditsRoot: computed.creditsRoot,
      totalFee: computed.totalFee.toString(),
      protocolFee: computed.protocolFee.toString(),
      debits: computed.debits.map((d) => ({ payer: d.payer, amount: d.amount.toString() })),
      credits: computed.credits.map((c) => ({
        account: c.account,
        cumulativeAmount: c.cumulativeAmount.toString(),
        amount: c.amount.toString(),
      })),
    },
  };
  const dataHash = await ctx.blobs.put(new TextEncoder().encode(JSON.stringify(data)));
  const header: EpochHeaderJson = {
    epoch: epoch.toString(),
    receiptsRoot: computed.receiptsRoot,
    creditsRoot: computed.creditsRoot,
    receiptCount: computed.receiptCount.toString(),
    totalFee: computed.totalFee.toString(),
    protocolFee: computed.protocolFee.toString(),
    protocolFeeBps,
    pageCount: pages.length,
    dataUri: `${ctx.config.publicUrl}/v1/epochs/${epoch}/data`,
  };
  await ctx.db.transaction(async (tx) => {
    await tx.query(
      'insert into epoch_settlements (epoch, header, pages, data_hash, credits_root) values ($1, $2, $3, $4, $5)',
      [epoch, JSON.stringify(header), JSON.stringify(pages), dataHash, computed.creditsRoot],
    );
    for (const c of computed.credits) {
      await tx.query(
        'insert into epoch_credits (epoch, account, cumulative, amount) values ($1, $2, $3, $4)',
        [epoch, addressKey(c.account), c.cumulativeAmount.toString(), c.amount.toString()],
      );
    }
    await tx.query("update epochs set status = 'built' where epoch = $1", [epoch]);
  });
  ctx.logger.info(
    { epoch: Number(epoch), receipts: receipts.length, totalFee: header.totalFee, pages: pages.length },
    'epoch built',
  );
}

/** The training data of every model version whose receipts left a data share to the pool. */
async function poolSourcesOf(ctx: Context, receipts: readonly Receipt[]): Promise<PoolSource[]> {
  const keys = [
    ...new Set(
      receipts.filter((r) => BigInt(r.attribution.pool) > 0n).map((r) => `${r.model.id}@${r.model.version}`),
    ),
  ].sort();
  const sources: PoolSource[] = [];
  for (const key of keys) {
    const [modelId, version] = key.split('@') as [string, string];
    const [row] = await ctx.db.query<{ datanets: { datanetId: string; version: string }[] }>(
      'select datanets from model_versions where model_id = $1 and version = $2',
      [modelId, Number(version)],
    );
    const contributions: PoolSource['contributions'] = [];
    for (const ref of row?.datanets ?? []) {
      for (const item of await versionItems(ctx.db, String(ref.datanetId), Number(ref.version))) {
        contributions.push({
          contributionId: item.id.toString(),
          contributor: item.contributor,
          tokens: item.tokens,
        });
      }
    }
    sources.push({ modelId, modelVersion: Number(version), contributions });
  }
  return sources;
}

/**
 * Each payer's debit, limited to what its escrow can pay now; the shortfall is debited from the
 * node's own escrow account (the operator as payer, authorizing itself).
 */
async function coverShortfalls(ctx: Context, debits: readonly { payer: Address; amount: bigint }[]) {
  const escrow = { address: ctx.chain.addresses.paymentEscrow, abi: paymentEscrowAbi } as const;
  const node = ctx.chain.operator.address;
  const read = async (payer: Address) => {
    const [account, authorization] = await Promise.all([
      ctx.chain.publicClient.readContract({ ...escrow, functionName: 'accountOf', args: [payer] }),
      ctx.chain.publicClient.readContract({
        ...escrow,
        functionName: 'authorizationOf',
        args: [payer, node],
      }),
    ]);
    const now = BigInt(Math.floor(Date.now() / 1000));
    // Each authorization carries its own settling deadline (the grace when it was given).
    const live = authorization.settleUntil > now + 60n; // a minute of margin for mining
    const cap = live ? authorization.remaining : 0n;
    return account.balance < cap ? account.balance : cap;
  };
  const out = new Map<string, { payer: Address; amount: bigint }>();
  let shortfall = 0n;
  for (const d of debits) {
    const payable = await read(d.payer);
    const paid = d.amount <= payable ? d.amount : payable;
    shortfall += d.amount - paid;
    if (paid > 0n) out.set(addressKey(d.payer), { payer: d.payer, amount: paid });
    if (paid < d.amount)
      ctx.logger.warn(
        { payer: d.payer, owed: d.amount.toString(), payable: paid.toString() },
        'payer cannot pay in full',
      );
  }
  if (shortfall > 0n) {
    const own = out.get(addressKey(node));
    const ownAvailable = (await read(node)) - (own?.amount ?? 0n);
    if (ownAvailable < shortfall) {
      throw new ApiError(
        503,
        'SETTLEMENT_SHORTFALL',
        `payers cannot pay ${shortfall} of this epoch and the node's escrow covers ${ownAvailable}`,
        [
          'deposit into PaymentEscrow from the node operator and authorize the node itself, then settlement resumes',
        ],
      );
    }
    out.set(addressKey(node), { payer: node, amount: (own?.amount ?? 0n) + shortfall });
  }
  return [...out.values()].sort((a, b) => (addressKey(a.payer) < addressKey(b.payer) ? -1 : 1));
}
