/**
 * The messages between the request thread and a runner host (a pool worker, or the same thread
 * when the pool has no workers). Plain data only: they cross threads by structured clone.
 */
import { AttributionError, type AttributionErrorCode } from '@tributary/attribution';
import type { Receipt } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import type { Config } from '../config.js';
import { ApiError } from '../errors.js';
import type { RunInput } from '../models/runner.js';
import type { RunnerSpec } from './openRunner.js';

/** What every host is given when it starts. */
export type HostSetup = {
  upstreams: Config['upstreams'];
  /** The key receipts are signed with, and the EIP-712 domain's parts. */
  signing: { key: Hex; chainId: number; rewardDistributor: Address };
};

export type HostRequest =
  | { t: 'load'; id: number; spec: RunnerSpec }
  | { t: 'unload'; id: number; key: string }
  /** Starts a run; `stream`: pieces are posted as they come and the run waits for `finish`. */
  | { t: 'run'; id: number; key: string; input: RunInput; stream: boolean }
  | { t: 'finish'; id: number; run: number; chars: number | null; cancelled: boolean }
  /** The client left: stop generating (a non-streamed run then finishes with what exists). */
  | { t: 'cancel'; run: number }
  | { t: 'count'; id: number; text: string }
  | { t: 'sign'; id: number; receipts: Receipt[] };

export type HostReply =
  | { t: 'ok'; id: number; value: unknown }
  | { t: 'error'; id: number; error: SerializedError }
  /** Text of a streamed run, in order. */
  | { t: 'pieces'; run: number; text: string }
  /** A streamed run stopped generating (all its pieces were posted before this). */
  | { t: 'ended'; run: number };

export type SignedReceipt = { receiptHash: Hex; signature: Hex };

export type SerializedError = {
  name: string;
  message: string;
  status?: number;
  code?: string;
  details?: readonly string[];
};

/** An error as plain data, keeping what the API needs to answer it. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof ApiError) {
    return {
      name: 'ApiError',
      message: error.message,
      status: error.status,
      code: error.code,
      details: error.details,
    };
  }
  if (error instanceof AttributionError) {
    return { name: 'AttributionError', message: error.message, code: error.code, details: error.details };
  }
  return { name: (error as Error)?.name ?? 'Error', message: String((error as Error)?.message ?? error) };
}

/** The error again, as the class the API maps to a status. */
export function deserializeError(e: SerializedError): Error {
  if (e.name === 'ApiError' && e.status !== undefined) {
    return new ApiError(e.status, e.code ?? 'INTERNAL', e.message, e.details ?? []);
  }
  if (e.name === 'AttributionError') {
    return new AttributionError(e.message, {
      code: e.code as AttributionErrorCode,
      details: e.details ?? [],
    });
  }
  const error = new Error(e.message);
  error.name = e.name;
  return error;
}
