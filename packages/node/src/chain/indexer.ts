/**
 * The event indexer: reads protocol events block range by block range and, in one database
 * transaction per range, stores them, applies their projections and moves the cursor — so a
 * restart resumes exactly where the last committed range ended and re-indexing changes nothing.
 * A reorg (the cursor block's hash changed) is undone back to the last common block.
 */
import { type Abi, type Address, decodeEventLog, type Hex, type Log } from 'viem';
import type { Context } from '../context.js';
import { freshRuns } from '../freshRuns.js';
import type { Queryable } from '../store/db.js';
import { addressKey } from './chainContext.js';
import { INDEXED_CONTRACTS, protocolContracts } from './contracts.js';
import { fromRow, project, type StoredEvent, type StoredEventRow, unproject } from './projections.js';

const CURSOR = 'protocol';

export type Indexer = {
  /** The last block committed (in memory: changes exactly when indexed state changes). */
  indexedBlock(): bigint;
  /** Indexes up to the head as of this call (at least); returns the block it reached. */
  syncOnce(): Promise<bigint>;
  /** Resolves once the indexer has processed `blockNumber` (polling as needed). */
  waitForBlock(blockNumber: bigint, timeoutMs?: number): Promise<void>;
  /** Starts polling in the background. */
  start(): void;
  /** Stops polling and waits for the current range to finish. */
  stop(): Promise<void>;
  /** Listeners run, in order and in the background, after each committed range with events. */
  onRange(listener: (events: readonly StoredEvent[]) => Promise<void>): void;
  /** Resolves once the listeners' work for every range indexed so far has finished. */
  idle(): Promise<void>;
};

/** Creates the indexer of the deployment in `ctx.chain`. */
export function createIndexer(ctx: Context): Indexer {
  const contracts = protocolContracts(ctx.chain.addresses).filter((c) => INDEXED_CONTRACTS.includes(c.name));
  const byAddress = new Map<string, { name: string; abi: Abi }>(
    contracts.map((c) => [addressKey(c.address), c]),
  );
  const listeners: ((events: readonly StoredEvent[]) => Promise<void>)[] = [];
  const { publicClient } = ctx.chain;
  const { confirmations, reorgDepth, batchSize, pollIntervalMs } = ctx.config.indexer;
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;
  let followUps: Promise<void> = Promise.resolve();
  let committed = -1n;

  async function cursor(): Promise<{ number: bigint; hash: string }> {
    const [row] = await ctx.db.query<{ block_number: bigint; block_hash: string }>(
      'select block_number, block_hash from indexer_cursor where name = $1',
      [CURSOR],
    );
    if (row) return { number: row.block_number, hash: row.block_hash };
    const start = ctx.chain.startBlock > 0n ? ctx.chain.startBlock - 1n : 0n;
    const block = await publicClient.getBlock({ blockNumber: start });
    return { number: start, hash: block.hash };
  }

  /** Finds the newest block we stored whose hash the chain still has, and undoes everything after it. */
  async function undoReorg(from: bigint): Promise<bigint> {
    for (let n = from - 1n; n >= 0n && n >= from - BigInt(reorgDepth); n--) {
      const [stored] = await ctx.db.query<{ block_hash: string }>(
        'select block_hash from indexed_blocks where block_number = $1',
        [n],
      );
      const onChain = await publicClient.getBlock({ blockNumber: n }).catch(() => null);
      if (!onChain) continue;
      if (!stored || stored.block_hash === onChain.hash) {
        await ctx.db.transaction(async (tx) => {
          const removed = (
            await tx.query<StoredEventRow>(
              `select block_number, log_index, block_time, tx_hash, event_name, args from chain_events
               where block_number > $1 order by block_number, log_index`,
              [n],
            )
          ).map(fromRow);
          await tx.query('delete from chain_events where block_number > $1', [n]);
          await tx.query('delete from indexed_blocks where block_number > $1', [n]);
          await unproject(tx, removed);
          await saveCursor(tx, n, onChain.hash);
        });
        committed = -2n - n; // state changed: a value no block number takes
        ctx.metrics.reorgs.inc();
        ctx.logger.warn(
          { from: Number(from), to: Number(n) },
          'chain reorganized: indexed events undone back to the common block',
        );
        return n;
      }
    }
    throw new Error(
      `reorg deeper than ${reorgDepth} blocks below ${from}: re-index from scratch (delete the node database)`,
    );
  }

  async function saveCursor(tx: Queryable, number: bigint, hash: string) {
    await tx.query(
      `insert into indexer_cursor (name, block_number, block_hash) values ($1, $2, $3)
       on conflict (name) do update set block_number = $2, block_hash = $3, updated_at = now()`,
      [CURSOR, number, hash],
    );
  }

  async function syncOnceUnlocked(): Promise<bigint> {
    let current = await cursor();
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    ctx.metrics.chainHead.set(Number(head));
    const target = head - BigInt(confirmations);
    const cursorBlock = await publicClient.getBlock({ blockNumber: current.number }).catch(() => null);
    if (!cursorBlock || cursorBlock.hash !== current.hash) {
      await undoReorg(current.number);
      current = await cursor();
    }
    while (current.number < target) {
      const from = current.number + 1n;
      const to = from + BigInt(batchSize) - 1n < target ? from + BigInt(batchSize) - 1n : target;
      const logs = await publicClient.getLogs({
        address: contracts.map((c) => c.address),
        fromBlock: from,
        toBlock: to,
      });
      const blockNumbers = [...new Set([...logs.map((l) => l.blockNumber as bigint), to])];
      const blocks = new Map(
        await Promise.all(
          blockNumbers.map(async (n) => {
            const block = await publicClient.getBlock({ blockNumber: n });
            return [n, block] as const;
          }),
        ),
      );
      const last = blocks.get(to)!;
      // Logs and blocks are separate requests: if the chain reorganized between them, retry later.
      if (logs.some((log) => blocks.get(log.blockNumber as bigint)!.hash !== log.blockHash)) {
        throw new Error(`blocks ${from}–${to} changed while being read (a reorg); retrying`);
      }
      const events = logs.flatMap((log) => decode(log, blocks.get(log.blockNumber as bigint)!.timestamp));
      await ctx.db.transaction(async (tx) => {
        for (const event of events) {
          const inserted = await tx.query(
            `insert into chain_events (block_number, log_index, block_hash, tx_hash, contract, address, event_name, args, block_time)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing returning 1`,
            [
              event.blockNumber,
              event.logIndex,
              event.blockHash,
              event.txHash,
              event.contract,
              event.address,
              event.eventName,
              JSON.stringify(event.args),
              event.blockTime,
            ],
          );
          if (inserted.length > 0) await project(tx, event);
        }
        for (const [n, block] of blocks) {
          await tx.query(
            `insert into indexed_blocks (block_number, block_hash, block_time) values ($1, $2, $3)
             on conflict (block_number) do update set block_hash = $2, block_time = $3`,
            [n, block.hash, new Date(Number(block.timestamp) * 1000)],
          );
        }
        await tx.query('delete from indexed_blocks where block_number < $1', [to - BigInt(reorgDepth) * 2n]);
        await saveCursor(tx, to, last.hash);
      });
      current = { number: to, hash: last.hash };
      committed = to;
      ctx.metrics.indexedBlock.set(Number(to));
      if (events.length > 0) {
        ctx.logger.debug({ from: Number(from), to: Number(to), events: events.length }, 'indexed');
        // Follow-up work runs after, not inside, the pass: it may itself wait for the indexer.
        for (const listener of listeners) {
          followUps = followUps
            .then(() => listener(events))
            .catch((error) => ctx.logger.error({ err: error }, 'work after indexing failed'));
        }
      }
    }
    return current.number;
  }

  function decode(log: Log, timestamp: bigint) {
    const contract = byAddress.get(addressKey(log.address));
    if (!contract) return [];
    try {
      const decoded = decodeEventLog({
        abi: contract.abi,
        data: log.data,
        topics: log.topics as [Hex, ...Hex[]],
      });
      return [
        {
          blockNumber: log.blockNumber as bigint,
          logIndex: log.logIndex as number,
          blockHash: log.blockHash as string,
          txHash: log.transactionHash as string,
          contract: contract.name,
          address: addressKey(log.address as Address),
          eventName: String(decoded.eventName),
          // bigints become decimal strings: what jsonb stores and projections read.
          args: JSON.parse(
            JSON.stringify(decoded.args, (_, v) => (typeof v === 'bigint' ? v.toString() : v)),
          ) as Record<string, unknown>,
          blockTime: new Date(Number(timestamp) * 1000),
        },
      ];
    } catch {
      return []; // an event this ABI does not describe
    }
  }

  // A caller that asks for a pass must see every block mined before it asked: joining a pass that
  // already read the head could miss them, so it waits for that pass and then for one more.
  const syncOnce = freshRuns(syncOnceUnlocked);

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      try {
        await syncOnce();
      } catch (error) {
        const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
        ctx.logger.error({ reason }, 'indexer pass failed; retrying');
      }
      schedule();
    }, pollIntervalMs);
  };

  return {
    indexedBlock: () => committed,
    syncOnce,
    async waitForBlock(blockNumber, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if ((await syncOnce()) >= blockNumber) return;
        if (Date.now() > deadline)
          throw new Error(`the indexer did not reach block ${blockNumber} in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await syncOnce.current()?.catch(() => {});
      await followUps;
    },
    onRange(listener) {
      listeners.push(listener);
    },
    async idle() {
      // Listener work queued while waiting extends the chain: wait until it stops growing.
      for (let seen = followUps; ; seen = followUps) {
        await seen;
        if (seen === followUps) return;
      }
    },
  };
}
