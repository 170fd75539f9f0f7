/**
 * The dev chain's clock. `tributary dev time +7d` moves it forward; after a restart Anvil would
 * start from the wall clock again, behind the blocks it already has (block timestamps going
 * backwards break ERC20Votes checkpoints), so each start moves the clock to just after the newest
 * block when that block is in the future.
 */
import { TributaryError } from '@tributary/protocol';

const rpc = async <T>(rpcUrl: string, method: string, params: unknown[] = []): Promise<T> => {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
};

/** The newest block's timestamp (unix seconds). */
export async function chainTime(rpcUrl: string): Promise<number> {
  const block = await rpc<{ timestamp: string }>(rpcUrl, 'eth_getBlockByNumber', ['latest', false]);
  return Number(BigInt(block.timestamp));
}

/** Makes the next blocks' timestamps follow the newest one if it is ahead of the wall clock. */
export async function keepClockMonotonic(rpcUrl: string): Promise<{ ahead: number }> {
  const latest = await chainTime(rpcUrl);
  const now = Math.floor(Date.now() / 1000);
  if (latest < now) return { ahead: 0 };
  await rpc(rpcUrl, 'evm_setTime', [latest + 1]);
  return { ahead: latest + 1 - now };
}

/** Moves the chain's clock forward by `seconds` and mines a block at the new time. */
export async function advanceClock(rpcUrl: string, seconds: number): Promise<number> {
  await rpc(rpcUrl, 'evm_increaseTime', [seconds]);
  await rpc(rpcUrl, 'evm_mine', []);
  return chainTime(rpcUrl);
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** "+7d", "90m", "+3600" → seconds. */
export function parseDuration(text: string | undefined): number {
  const match = /^\+?(\d+)([smhdw]?)$/.exec(text ?? '');
  if (!match) {
    throw new TributaryError({
      code: 'USAGE',
      message: `"${text ?? ''}" is not a duration`,
      details: ['write +7d, +3h, +90m, +30s or a number of seconds (w, d, h, m, s)'],
    });
  }
  return Number(match[1]) * (UNITS[match[2] || 's'] ?? 1);
}
