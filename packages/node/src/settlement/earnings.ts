/**
 * Who earned what, from this node's receipts: per contributor (by datanet, model and epoch), per
 * model developer, for the node itself, and protocol-wide totals — including token emission,
 * which is zero: every reward is paid from fees.
 */
import { tributaryTokenAbi } from '@tributary/protocol';
import type { Address } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { governanceTotals } from '../governance/totals.js';

type Row = Record<string, string>;

/** Epochs whose credits count: built, on their way on-chain, or settled (not open, closed or voided). */
const CREDITED_STATUSES = "('built', 'submitted', 'settled', 'claimable')";

/** A contributor's earnings: attributed shares by datanet, model and epoch, plus training-pool shares. */
export async function contributorEarnings(ctx: Context, account: Address) {
  const key = addressKey(account);
  const q = (group: string) =>
    ctx.db.query<Row>(
      `select ${group} as key, sum(rc.amount)::text as amount, count(*)::text as calls
       from receipt_contributions rc join receipts r on r.id = rc.receipt_id
       where rc.contributor = $1 group by ${group} order by 1`,
      [key],
    );
  const [byDatanet, byModel, byEpoch] = await Promise.all([
    q('rc.datanet_id::text'),
    q('r.model_id::text'),
    q('r.epoch::text'),
  ]);
  // A voided epoch's credits stay in the table (its tree was published) but count for nothing.
  const credited = await ctx.db.query<Row>(
    `select ec.epoch::text as epoch, ec.amount::text as amount from epoch_credits ec join epochs e on e.epoch = ec.epoch
     where ec.account = $1 and e.status in ${CREDITED_STATUSES} order by ec.epoch`,
    [key],
  );
  const attributed = byDatanet.reduce((s, r) => s + BigInt(r.amount!), 0n);
  const roles = await rolesCredited(ctx, key);
  const creditedTotal = credited.reduce((s, r) => s + BigInt(r.amount!), 0n);
  return {
    account,
    attributed: attributed.toString(),
    /** Credited in settled epochs from unattributed answers (the training pool). */
    pool: (creditedTotal - roles.attributedSettled - roles.developer - roles.compute).toString(),
    byDatanet,
    byModel,
    byEpoch,
    creditedByEpoch: credited,
  };
}

/** A developer's shares of its models' fees, by model and epoch. */
export async function developerEarnings(ctx: Context, account: Address) {
  const q = (group: string) =>
    ctx.db.query<Row>(
      `select ${group} as key, sum((receipt->'split'->>'developer')::numeric)::text as amount, count(*)::text as calls
       from receipts r where lower(receipt->'split'->>'developerAccount') = $1 group by ${group} order by 1`,
      [addressKey(account)],
    );
  return { account, byModel: await q('r.model_id::text'), byEpoch: await q('r.epoch::text') };
}

/** The node's compute shares by epoch. */
export async function nodeEarnings(ctx: Context) {
  const byEpoch = await ctx.db.query<Row>(
    `select epoch::text as key, sum((receipt->'split'->>'compute')::numeric)::text as amount, count(*)::text as calls
     from receipts group by epoch order by 1`,
  );
  return { node: ctx.chain.operator.address, byEpoch };
}

/** Fees paid and where they went; the treasury; token emission (always zero). */
export async function protocolTotals(ctx: Context) {
  const [fees] = await ctx.db.query<Row>(
    `select coalesce(sum(fee), 0)::text as fees,
            coalesce(sum((receipt->'split'->>'protocol')::numeric), 0)::text as protocol,
            coalesce(sum((receipt->'split'->>'compute')::numeric), 0)::text as compute,
            coalesce(sum((receipt->'split'->>'developer')::numeric), 0)::text as developer,
            coalesce(sum((receipt->'split'->>'data')::numeric), 0)::text as data,
            count(*)::text as calls
     from receipts r join epochs e on e.epoch = r.epoch where e.status <> 'voided'`,
  );
  const [settled] = await ctx.db.query<Row>(
    `select coalesce(sum(fee), 0)::text as fees from receipts r join epochs e on e.epoch = r.epoch where e.status in ('settled', 'claimable')`,
  );
  const token = { address: ctx.chain.addresses.token, abi: tributaryTokenAbi } as const;
  const [supply, treasury, governance] = await Promise.all([
    ctx.chain.publicClient.readContract({ ...token, functionName: 'totalSupply' }),
    ctx.chain.publicClient.readContract({
      ...token,
      functionName: 'balanceOf',
      args: [ctx.chain.addresses.timelock],
    }),
    governanceTotals(ctx),
  ]);
  return {
    calls: fees!.calls,
    feesPaid: fees!.fees,
    feesSettled: settled!.fees,
    paidOut: {
      protocol: fees!.protocol,
      compute: fees!.compute,
      developer: fees!.developer,
      data: fees!.data,
    },
    treasuryBalance: treasury.toString(),
    tokenSupply: supply.toString(),
    /** Tokens created after deployment: none (the supply is fixed; rewards come from fees). */
    emission: '0',
    ...governance,
  };
}

async function rolesCredited(ctx: Context, key: string) {
  const [row] = await ctx.db.query<Row>(
    `select
       coalesce((select sum(rc.amount) from receipt_contributions rc join receipts r on r.id = rc.receipt_id join epochs e on e.epoch = r.epoch
                 where rc.contributor = $1 and e.status in ${CREDITED_STATUSES}), 0)::text as attributed,
       coalesce((select sum((receipt->'split'->>'developer')::numeric) from receipts r join epochs e on e.epoch = r.epoch
                 where lower(receipt->'split'->>'developerAccount') = $1 and e.status in ${CREDITED_STATUSES}), 0)::text as developer,
       coalesce((select sum((receipt->'split'->>'compute')::numeric) from receipts r join epochs e on e.epoch = r.epoch
                 where lower(receipt->>'node') = $1 and e.status in ${CREDITED_STATUSES}), 0)::text as compute`,
    [key],
  );
  return {
    attributedSettled: BigInt(row!.attributed!),
    developer: BigInt(row!.developer!),
    compute: BigInt(row!.compute!),
  };
}
