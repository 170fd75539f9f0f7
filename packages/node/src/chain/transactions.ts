/**
 * The node's transaction sender. Each transaction has a `purpose` (an idempotency key such as
 * `commitVersion:3:7`): it is simulated (a revert is reported before anything is signed), signed
 * with the next nonce, stored, and only then broadcast. A restart rebroadcasts the stored bytes,
 * so a transaction is never sent twice and never lost.
 */
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
  /** Idempotency key: a second call with the same purpose returns the first transaction's receipt. */
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
  status: string;
  nonce: bigint;
  error: string | null;
};

/** Thrown when a transaction reverts or cannot be sent. */
export class TransactionError extends ApiError {
  override name = 'TransactionError';
}

/**
 * Sends (or resumes) the transaction for `purpose` and waits for its receipt.
 *
 * @example
 * await sendTransaction(ctx, { purpose: `commitVersion:${id}:${v}`, address, abi, functionName: 'commitVersion', args });
 */
export async function sendTransaction(
  ctx: Context,
  parameters: SendTransactionParameters,
): Promise<TransactionReceipt> {
  const existing = await findOutgoing(ctx, parameters.purpose);
  if (existing) return settle(ctx, existing);
  const row = await ctx.locks.run(`sender:${addressKey(ctx.chain.operator.address)}`, () =>
    signAndStore(ctx, parameters),
  );
  crashPoint(`signed:${kindOf(parameters.purpose)}`);
  return settle(ctx, row);
}

/** Rebroadcasts and settles every stored transaction not yet mined (run at start). */
export async function resumeTransactions(ctx: Context): Promise<number> {
  const open = await ctx.db.query<OutgoingRow>(
    "select purpose, raw, hash, status, nonce, error from outgoing_transactions where status = 'signed' order by nonce",
  );
  for (const row of open) {
    try {
      await settle(ctx, row);
    } catch (error) {
      ctx.logger.warn({ purpose: row.purpose, err: error }, 'a stored transaction did not go through');
    }
  }
  return open.length;
}

/** The stored transaction for `purpose`, if any. */
export async function findOutgoing(ctx: Context, purpose: string): Promise<OutgoingRow | null> {
  const rows = await ctx.db.query<OutgoingRow>(
    'select purpose, raw, hash, status, nonce, error from outgoing_transactions where purpose = $1',
    [purpose],
  );
  return rows[0] ?? null;
}

async function signAndStore(ctx: Context, parameters: SendTransactionParameters): Promise<OutgoingRow> {
  const again = await findOutgoing(ctx, parameters.purpose);
  if (again) return again;
  const { publicClient, walletClient, operator } = ctx.chain;
  const call = {
    address: parameters.address,
    abi: parameters.abi,
    functionName: parameters.functionName,
    args: parameters.args,
  };
  const data = encodeFunctionData(call as Parameters<typeof encodeFunctionData>[0]);
  try {
    // Simulate first: a revert is reported with its custom error before anything is signed.
    await publicClient.simulateContract({ account: operator, ...call } as Parameters<
      typeof publicClient.simulateContract
    >[0]);
  } catch (error) {
    throw revertError(parameters.purpose, error);
  }
  const sender = addressKey(operator.address);
  const [local] = await ctx.db.query<{ next: bigint | null }>(
    'select max(nonce) + 1 as next from outgoing_transactions where sender = $1',
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
    gas: (gas * 12n) / 10n,
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
  return { purpose: parameters.purpose, raw, hash, status: 'signed', nonce, error: null };
}

/** Broadcasts a stored transaction (again) until it is mined, then records the outcome. */
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
    if (receipt) return recordReceipt(ctx, row, receipt);
    try {
      await publicClient.sendRawTransaction({ serializedTransaction: row.raw as Hex });
      crashPoint(`broadcast:${kindOf(row.purpose)}`);
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
            message,
          ]);
        }
      } else if (attempt >= 20) {
        throw new TransactionError(503, 'CHAIN_UNAVAILABLE', `cannot broadcast ${row.purpose}`, [message]);
      } else {
        ctx.logger.warn({ purpose: row.purpose, attempt, err: message }, 'broadcast failed; retrying');
      }
    }
    try {
      const mined = await publicClient.waitForTransactionReceipt({ hash: row.hash as Hex, timeout: 30_000 });
      return await recordReceipt(ctx, row, mined);
    } catch (error) {
      if (error instanceof TransactionError) throw error;
      if (attempt >= 20)
        throw new TransactionError(503, 'CHAIN_UNAVAILABLE', `no receipt for ${row.purpose}`, [
          String(error),
        ]);
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 5_000)));
    }
  }
}

/** Stores a mined transaction's outcome (once) and returns its receipt; a revert throws 409. */
async function recordReceipt(
  ctx: Context,
  row: OutgoingRow,
  receipt: TransactionReceipt,
): Promise<TransactionReceipt> {
  const status = receipt.status === 'success' ? 'mined' : 'reverted';
  if (row.status !== status) {
    await ctx.db.query(
      'update outgoing_transactions set status = $2, block_number = $3, updated_at = now() where purpose = $1',
      [row.purpose, status, receipt.blockNumber],
    );
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
    return new TransactionError(409, 'CHAIN_REJECTED', `the chain rejects ${kindOf(purpose)}`, [
      error.shortMessage,
    ]);
  }
  return new TransactionError(503, 'CHAIN_UNAVAILABLE', `cannot simulate ${purpose}`, [String(error)]);
}
