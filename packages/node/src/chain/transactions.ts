/**
 * The node's transaction sender. Each transaction has a `purpose` (an idempotency key such as
 * `commitVersion:3:7:0xroot`) bound to its calldata: it is simulated (a revert is reported before
 * anything is signed), signed with the next nonce, stored, and only then broadcast. A restart
 * rebroadcasts the stored bytes, so a transaction is never sent twice and never lost; a
 * transaction whose block the chain lost (a reorg, a rolled-back dev chain) is found and sent
 * again, and success is reported only after the configured confirmations.
 */

import { withGasMargin } from '@tributary/protocol';
import {
  type Abi,
  type Address,
  BaseError,
  encodeFunctionData,
  type Hex,
  keccak256,
  type TransactionReceipt,
} from 'viem';
import type { Context } from '../context.js';
import { ApiError } from '../errors.js';
import { crashPoint } from '../faults.js';
import { addressKey } from './chainContext.js';

export type SendTransactionParameters = {
  /** Idempotency key: a second call with the same purpose and calldata returns the first transaction's receipt. */
  purpose: string;
  address: Address;
  abi: Abi;
  functionName: string;
  args: readonly unknown[];
};

type OutgoingRow = {
  purpose: string;
  raw: string;
  hash: string;
  data: string;
  status: string;
  nonce: bigint;
  error: string | null;
  block_number: bigint | null;
  block_hash: string | null;
};

const rowColumns = 'purpose, raw, hash, data, status, nonce, error, block_number, block_hash';

/** Thrown when a transaction reverts or cannot be sent. */
export class TransactionError extends ApiError {
  override name = 'TransactionError';
}

/** Blocks after a transaction's own before the API reports it: 0 on a local chain, 2 elsewhere by default. */
export const confirmationsOf = (ctx: Context): number =>
  ctx.config.transactions.confirmations ??
  (ctx.chain.chainId === 31337 || ctx.chain.chainId === 1337 ? 0 : 2);

/**
 * Sends (or resumes) the transaction for `purpose` and waits for its receipt and confirmations.
 *
 * @example
 * await sendTransaction(ctx, { purpose: `commitVersion:${id}:${v}`, address, abi, functionName: 'commitVersion', args });
 */
export async function sendTransaction(
  ctx: Context,
  parameters: SendTransactionParameters,
): Promise<TransactionReceipt> {
  const data = encodeFunctionData({
    abi: parameters.abi,
    functionName: parameters.functionName,
    args: parameters.args,
  } as Parameters<typeof encodeFunctionData>[0]);
  const existing = await findOutgoing(ctx, parameters.purpose);
  if (existing) return settle(ctx, sameCall(existing, parameters.purpose, data));
  const row = await ctx.locks.run(senderLock(ctx), async () => {
    await recoverLostTransactions(ctx);
    return signAndStore(ctx, parameters, data);
  });
  crashPoint(`signed:${kindOf(parameters.purpose)}`);
  return settle(ctx, row);
}

/** The stored row, if it is this call; 409 when the key was used for a different call. */
function sameCall(row: OutgoingRow, purpose: string, data: string): OutgoingRow {
  if (row.data.toLowerCase() !== data.toLowerCase()) {
    throw new TransactionError(
      409,
      'RELAY_KEY_REUSED',
      `${kindOf(purpose)} ${purpose} was sent with other data`,
      ['a relay key names one signed request; sign a new request (a fresh nonce) instead'],
    );
  }
  return row;
}

const senderLock = (ctx: Context) => `sender:${addressKey(ctx.chain.operator.address)}`;

/** Rebroadcasts and settles every stored transaction not yet mined, and any the chain lost (run at start). */
export async function resumeTransactions(ctx: Context): Promise<number> {
  const lost = await ctx.locks.run(senderLock(ctx), () => recoverLostTransactions(ctx, { settleNow: false }));
  const open = await ctx.db.query<OutgoingRow>(
    `select ${rowColumns} from outgoing_transactions where status = 'signed' order by nonce`,
  );
  for (const row of open) {
    try {
      await settle(ctx, row);
    } catch (error) {
      ctx.logger.warn({ purpose: row.purpose, err: error }, 'a stored transaction did not go through');
    }
  }
  if (lost > 0) ctx.logger.warn({ lost }, 'transactions whose blocks the chain lost were sent again');
  return open.length;
}

/**
 * Finds this node's recently mined transactions whose block the chain no longer has (a reorg, or a
 * local chain that lost blocks), marks them unsent and broadcasts the same signed bytes again
 * (same nonce, so nothing can take their place). Settling them continues in the background unless
 * `settleNow` is false (the caller settles open rows itself). Call it holding the sender lock.
 * Returns how many were lost.
 */
export async function recoverLostTransactions(
  ctx: Context,
  { settleNow = true }: { settleNow?: boolean } = {},
): Promise<number> {
  const { publicClient } = ctx.chain;
  const head = await publicClient.getBlockNumber({ cacheTime: 0 });
  const recent = await ctx.db.query<OutgoingRow>(
    `select ${rowColumns} from outgoing_transactions
     where sender = $1 and status in ('mined', 'reverted') and block_number >= $2 order by nonce`,
    [addressKey(ctx.chain.operator.address), head - BigInt(ctx.config.indexer.reorgDepth)],
  );
  const hashes = new Map<bigint, string | null>();
  const lost: OutgoingRow[] = [];
  for (const row of recent) {
    const n = row.block_number!;
    if (!hashes.has(n)) {
      hashes.set(
        n,
        n > head ? null : ((await publicClient.getBlock({ blockNumber: n }).catch(() => null))?.hash ?? null),
      );
    }
    const still = row.block_hash
      ? hashes.get(n) === row.block_hash
      : (await publicClient.getTransactionReceipt({ hash: row.hash as Hex }).catch(() => null)) !== null;
    if (!still) lost.push(row);
  }
  for (const row of lost) {
    ctx.logger.warn(
      { purpose: row.purpose, hash: row.hash, nonce: Number(row.nonce), block: Number(row.block_number) },
      'the chain lost the block of a transaction of this node; sending it again',
    );
    ctx.metrics.transactions.inc({ purpose: kindOf(row.purpose), outcome: 'lost' });
    await ctx.db.query(
      "update outgoing_transactions set status = 'signed', block_number = null, block_hash = null, updated_at = now() where purpose = $1",
      [row.purpose],
    );
    const unsent = { ...row, status: 'signed', block_number: null, block_hash: null };
    await broadcast(ctx, unsent).catch(() => {}); // settle() retries and reports
    if (settleNow) {
      void settle(ctx, unsent).catch((error) =>
        ctx.logger.error({ purpose: row.purpose, err: error }, 'a lost transaction could not be sent again'),
      );
    }
  }
  return lost.length;
}

/**
 * Checks for lost transactions every `intervalMs` (default: ten indexer polls), so one is sent
 * again even when no new transaction follows it.
 */
export function watchTransactions(ctx: Context, intervalMs = ctx.config.indexer.pollIntervalMs * 10) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = ctx.locks
      .run(senderLock(ctx), () => recoverLostTransactions(ctx))
      // viem's full error carries the RPC URL and request body: log its short message only.
      .catch((error) =>
        ctx.logger.warn(
          { reason: (error as { shortMessage?: string }).shortMessage ?? String((error as Error).message) },
          'could not check for lost transactions',
        ),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The stored transaction for `purpose`, if any. */
export async function findOutgoing(ctx: Context, purpose: string): Promise<OutgoingRow | null> {
  const rows = await ctx.db.query<OutgoingRow>(
    `select ${rowColumns} from outgoing_transactions where purpose = $1`,
    [purpose],
  );
  return rows[0] ?? null;
}

async function signAndStore(
  ctx: Context,
  parameters: SendTransactionParameters,
  data: Hex,
): Promise<OutgoingRow> {
  const again = await findOutgoing(ctx, parameters.purpose);
  if (again) return sameCall(again, parameters.purpose, data);
  const { publicClient, walletClient, operator } = ctx.chain;
  const call = {
    address: parameters.address,
    abi: parameters.abi,
    functionName: parameters.functionName,
    args: parameters.args,
  };
  try {
    // Simulate first: a revert is reported with its custom error before anything is signed.
    await publicClient.simulateContract({ account: operator, ...call } as Parameters<
      typeof publicClient.simulateContract
    >[0]);
  } catch (error) {
    throw revertError(parameters.purpose, error);
  }
  const sender = addressKey(operator.address);
  // Signed but not yet seen mined: the chain's pending count may not include them yet.
  const [local] = await ctx.db.query<{ next: bigint | null }>(
    "select max(nonce) + 1 as next from outgoing_transactions where sender = $1 and status = 'signed'",
    [sender],
  );
  const pending = BigInt(
    await publicClient.getTransactionCount({ address: operator.address, blockTag: 'pending' }),
  );
  const nonce = local?.next && local.next > pending ? local.next : pending;
  const gas = await publicClient.estimateGas({ account: operator, to: parameters.address, data });
  const request = await walletClient.prepareTransactionRequest({
    account: operator,
    chain: ctx.chain.chain,
    to: parameters.address,
    data,
    nonce: Number(nonce),
    gas: withGasMargin(gas),
  });
  const raw = await walletClient.signTransaction(
    request as Parameters<typeof walletClient.signTransaction>[0],
  );
  const hash = keccak256(raw);
  await ctx.db.query(
    `insert into outgoing_transactions (purpose, sender, nonce, to_address, data, raw, hash, status)
     values ($1, $2, $3, $4, $5, $6, $7, 'signed')`,
    [parameters.purpose, sender, nonce, addressKey(parameters.address), data, raw, hash],
  );
  ctx.logger.debug({ purpose: parameters.purpose, nonce: Number(nonce), hash }, 'transaction signed');
  return {
    purpose: parameters.purpose,
    raw,
    hash,
    data,
    status: 'signed',
    nonce,
    error: null,
    block_number: null,
    block_hash: null,
  };
}

/** Sends the stored bytes; "already known" and the like are not errors. */
async function broadcast(ctx: Context, row: OutgoingRow): Promise<void> {
  await ctx.chain.publicClient.sendRawTransaction({ serializedTransaction: row.raw as Hex });
  crashPoint(`broadcast:${kindOf(row.purpose)}`);
}

/** Broadcasts a stored transaction (again) until it is mined and confirmed, then records the outcome. */
async function settle(ctx: Context, row: OutgoingRow): Promise<TransactionReceipt> {
  const { publicClient } = ctx.chain;
  if (row.status === 'failed') {
    throw new TransactionError(
      409,
      'TRANSACTION_FAILED',
      `transaction ${row.purpose} failed`,
      row.error ? [row.error] : [],
    );
  }
  for (let attempt = 0; ; attempt++) {
    const receipt = await publicClient.getTransactionReceipt({ hash: row.hash as Hex }).catch(() => null);
    if (receipt) {
      const confirmed = await waitForConfirmations(ctx, receipt);
      if (confirmed) return recordReceipt(ctx, row, confirmed);
      ctx.logger.warn(
        { purpose: row.purpose },
        'the block of a transaction vanished before it was confirmed; sending it again',
      );
    }
    try {
      await broadcast(ctx, row);
    } catch (error) {
      const message = error instanceof BaseError ? error.shortMessage : String(error);
      if (/nonce too low|already known|known transaction/i.test(message)) {
        // Already in the pool, or its nonce was used: the receipt check decides which.
        if (
          /nonce too low/i.test(message) &&
          !(await publicClient.getTransactionReceipt({ hash: row.hash as Hex }).catch(() => null))
        ) {
          await markFailed(ctx, row, `nonce ${row.nonce} was used by another transaction`);
          throw new TransactionError(409, 'TRANSACTION_FAILED', `transaction ${row.purpose} was replaced`, [
            `nonce ${row.nonce} was used by another transaction of ${ctx.chain.operator.address}`,
          ]);
        }
      } else if (attempt >= 20) {
        throw chainUnavailable(`cannot broadcast ${kindOf(row.purpose)}`);
      } else {
        ctx.logger.warn({ purpose: row.purpose, attempt, err: message }, 'broadcast failed; retrying');
      }
    }
    try {
      const mined = await publicClient.waitForTransactionReceipt({ hash: row.hash as Hex, timeout: 30_000 });
      const confirmed = await waitForConfirmations(ctx, mined);
      if (confirmed) return await recordReceipt(ctx, row, confirmed);
    } catch (error) {
      if (error instanceof TransactionError) throw error;
      if (attempt >= 20) throw chainUnavailable(`no receipt for ${kindOf(row.purpose)}`);
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5_000)));
    }
  }
}

/**
 * Waits until the receipt's block has the configured number of blocks on top, then checks the
 * chain still has that block; null when it vanished (the caller sends the transaction again).
 */
async function waitForConfirmations(
  ctx: Context,
  receipt: TransactionReceipt,
): Promise<TransactionReceipt | null> {
  const confirmations = BigInt(confirmationsOf(ctx));
  if (confirmations === 0n) return receipt;
  const { publicClient } = ctx.chain;
  for (;;) {
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    if (head >= receipt.blockNumber + confirmations) {
      const block = await publicClient.getBlock({ blockNumber: receipt.blockNumber }).catch(() => null);
      return block?.hash === receipt.blockHash ? receipt : null;
    }
    const still = await publicClient
      .getTransactionReceipt({ hash: receipt.transactionHash })
      .catch(() => null);
    if (!still || still.blockHash !== receipt.blockHash) return null;
    await new Promise((r) => setTimeout(r, ctx.config.indexer.pollIntervalMs));
  }
}

/** Stores a mined transaction's outcome (once) and returns its receipt; a revert throws 409. */
async function recordReceipt(
  ctx: Context,
  row: OutgoingRow,
  receipt: TransactionReceipt,
): Promise<TransactionReceipt> {
  const status = receipt.status === 'success' ? 'mined' : 'reverted';
  if (row.status !== status || row.block_hash !== receipt.blockHash) {
    await ctx.db.query(
      'update outgoing_transactions set status = $2, block_number = $3, block_hash = $4, updated_at = now() where purpose = $1',
      [row.purpose, status, receipt.blockNumber, receipt.blockHash],
    );
    if (row.status !== status)
      ctx.metrics.transactions.inc({ purpose: kindOf(row.purpose), outcome: status });
  }
  if (status === 'reverted') {
    throw new TransactionError(409, 'TRANSACTION_REVERTED', `transaction ${row.purpose} reverted on-chain`, [
      `hash: ${row.hash}`,
    ]);
  }
  return receipt;
}

/** The kind of a purpose (`commitVersion` of `commitVersion:3:7`), for messages, metrics and crash points. */
const kindOf = (purpose: string) => purpose.split(':')[0] ?? purpose;

const chainUnavailable = (message: string) =>
  new TransactionError(503, 'CHAIN_UNAVAILABLE', message, [
    'the chain did not answer; retry in a few seconds',
  ]);

async function markFailed(ctx: Context, row: OutgoingRow, reason: string) {
  await ctx.db.query(
    "update outgoing_transactions set status = 'failed', error = $2, updated_at = now() where purpose = $1",
    [row.purpose, reason],
  );
}

/** Turns a simulated revert into an API error naming the contract's custom error. */
function revertError(purpose: string, error: unknown): ApiError {
  if (error instanceof BaseError) {
    const reason = error.walk(
      (e) => typeof (e as { data?: { errorName?: string } }).data?.errorName === 'string',
    ) as { data?: { errorName?: string; args?: readonly unknown[] } } | undefined;
    const name = reason?.data?.errorName;
    if (name) {
      return new TransactionError(409, 'CHAIN_REJECTED', `the chain rejects ${kindOf(purpose)}: ${name}`, [
        `${name}(${(reason?.data?.args ?? []).map(String).join(', ')})`,
      ]);
    }
    if (
      error.walk((e) => e instanceof Error && /fetch failed|HTTP request failed|timed out/i.test(e.message))
    ) {
      return chainUnavailable(`cannot simulate ${kindOf(purpose)}`);
    }
    return new TransactionError(409, 'CHAIN_REJECTED', `the chain rejects ${kindOf(purpose)}`, [
      error.shortMessage,
    ]);
  }
  return chainUnavailable(`cannot simulate ${kindOf(purpose)}`);
}
