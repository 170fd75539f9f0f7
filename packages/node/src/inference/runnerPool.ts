/**
 * The runner pool: worker threads that do a call's CPU work (generation, attribution, token
 * counts, receipt signatures) so that the request thread only parses, routes, meters and stores.
 * One worker per core by default; every worker holds every loaded model, and a call goes to the
 * worker with the fewest tasks in flight. With 0 workers the same host runs in this thread.
 * A worker that dies fails its calls in flight (503) and is replaced.
 *
 * An idle node runs a call in this thread (`runsHereWhenIdle`): when no run is in flight anywhere,
 * a call's run goes to a host in this thread that holds the same models, sparing the hand-over to
 * a worker and back — on a small VM, waking an idle thread's virtual CPU is most of an idle call's
 * overhead tail. Generation yields to the event loop every few steps, so a request arriving
 * meanwhile waits at most one step; once two calls overlap, the second goes to a worker.
 */
import { Worker } from 'node:worker_threads';
import { tokenIds } from '@tributary/attribution';
import type { Receipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import { ApiError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RunInput } from '../models/runner.js';
import { workerCode } from '../workerCode.js';
import type { FinishOptions, SessionOutcome } from './generationSession.js';
import type { RunnerSpec } from './openRunner.js';
import {
  deserializeError,
  type HostReply,
  type HostRequest,
  type HostSetup,
  type SignedReceipt,
} from './poolMessages.js';
import { createReceiptSigner } from './receiptSigner.js';
import { createRunnerHost } from './runnerHost.js';

export type RunnerPoolOptions = HostSetup & {
  /** Worker threads; 0 runs everything in this thread. */
  workers: number;
  /** With workers: an idle node's runs go to a host in this thread (each model loaded there too). */
  runsHereWhenIdle?: boolean;
  logger: Logger;
};

/** A model loaded in every worker of the pool. */
export interface PooledModel {
  readonly indexRoot: Hex;
  /**
   * Resolves once the model is loaded on the request thread too (true), or will not be (false: no
   * workers, idle runs inline switched off, or the load failed — runs then all go to workers).
   */
  readonly loadedHere: Promise<boolean>;
  /** Starts a run: on the request thread when nothing is in flight, else on the least busy worker. */
  start(input: RunInput, options: { stream: boolean }): PooledRun;
  /** Unloads the model from every worker. */
  close(): Promise<void>;
}

/** One run of a pooled model. */
export interface PooledRun {
  /** Whether it runs on the request thread (an idle node's run), not on a worker. */
  readonly here: boolean;
  /** Streamed runs: the text as it is generated; ends when generation stops. */
  readonly pieces: AsyncIterable<string>;
  /** Non-streamed runs: the outcome once generation ends (all of it charged, or less if cancelled). */
  readonly outcome: Promise<SessionOutcome>;
  /** Streamed runs: ends the run, charging the first `chars` characters. */
  finish(options: FinishOptions): Promise<SessionOutcome>;
  /** The client left: stop generating. */
  cancel(): void;
}

export interface RunnerPool {
  readonly workers: number;
  load(spec: RunnerSpec): Promise<PooledModel>;
  /** Tokens in `text` (long texts are counted off this thread). */
  countTokens(text: string): Promise<number>;
  /** Hashes and signs receipts: a lone one in this thread, a batch spread over the workers. */
  sign(receipts: Receipt[]): Promise<SignedReceipt[]>;
  /** Whether no worker has a task (a run, a count, signatures) in flight. */
  idle(): boolean;
  close(): Promise<void>;
}

/** Texts shorter than this are counted in this thread (a round trip would cost more). */
const COUNT_INLINE_CHARS = 4096;

type Endpoint = { send(request: HostRequest): void; close(): Promise<void>; inflight: number };
type Pending = { resolve(value: unknown): void; reject(error: Error): void; endpoint: Endpoint };
type StreamState = { queue: string[]; ended: boolean; error: Error | null; wake: (() => void) | null };

export function createRunnerPool(options: RunnerPoolOptions): RunnerPool {
  const setup: HostSetup = { upstreams: options.upstreams, signing: options.signing };
  const pending = new Map<number, Pending>();
  const streams = new Map<number, StreamState>();
  const specs = new Map<string, RunnerSpec>();
  let nextId = 1;
  let closing = false;

  function onReply(reply: HostReply) {
    if (reply.t === 'pieces' || reply.t === 'ended') {
      const state = streams.get(reply.run);
      if (!state) return;
      if (reply.t === 'pieces') state.queue.push(reply.text);
      else state.ended = true;
      state.wake?.();
      return;
    }
    const task = pending.get(reply.id);
    if (!task) return;
    pending.delete(reply.id);
    task.endpoint.inflight--;
    if (reply.t === 'ok') task.resolve(reply.value);
    else task.reject(deserializeError(reply.error));
  }

  /** Fails what a dead worker had in flight. */
  function failEndpoint(endpoint: Endpoint, reason: string) {
    const error = new ApiError(503, 'MODEL_WORKER_FAILED', 'the model worker handling this call stopped', [
      reason,
      'retry the call',
    ]);
    for (const [id, task] of pending) {
      if (task.endpoint !== endpoint) continue;
      pending.delete(id);
      task.reject(error);
      const state = streams.get(id);
      if (state) {
        state.error = error;
        state.wake?.();
      }
    }
    endpoint.inflight = 0;
  }

  // Workers start with the first model loaded (most nodes' first minutes serve no call).
  const endpoints: Endpoint[] = options.workers > 0 ? [] : [inlineEndpoint(setup, onReply)];
  // This thread's host for an idle node's runs, and the models loaded in it (loaded after the
  // workers', off the first call's path).
  const here = options.workers > 0 && options.runsHereWhenIdle ? inlineEndpoint(setup, onReply) : null;
  const loadedHere = new Map<string, Promise<boolean>>();
  const readyHere = new Set<string>();
  const ready = (): Endpoint[] => {
    if (endpoints.length === 0) {
      if (closing) {
        throw new ApiError(503, 'NODE_STOPPING', 'the node is stopping', [
          'retry the call on a running node',
        ]);
      }
      for (let i = 0; i < options.workers; i++) endpoints.push(spawnWorker());
    }
    return endpoints;
  };

  function spawnWorker(): Endpoint {
    const worker = new Worker(workerCode('./runnerWorker', import.meta.url), {
      eval: true,
      workerData: setup,
    });
    worker.unref();
    const endpoint: Endpoint = {
      inflight: 0,
      send: (request) => worker.postMessage(request),
      close: async () => {
        await worker.terminate();
      },
    };
    worker.on('message', onReply);
    worker.on('error', (error) => options.logger.error({ err: error }, 'a model worker failed'));
    worker.on('exit', (code) => {
      if (closing) return;
      options.logger.error({ code }, 'a model worker exited; starting another');
      failEndpoint(endpoint, `the worker exited with code ${code}`);
      const replacement = spawnWorker();
      endpoints[endpoints.indexOf(endpoint)] = replacement;
      for (const spec of specs.values()) replacement.send({ t: 'load', id: 0, spec });
    });
    return endpoint;
  }

  const signHere = createReceiptSigner(setup.signing);

  const leastBusy = () => ready().reduce((best, e) => (e.inflight < best.inflight ? e : best));

  /** Where a run of model `key` goes: this thread when nothing is in flight anywhere, else a worker. */
  const runEndpoint = (key: string): Endpoint =>
    here && here.inflight === 0 && readyHere.has(key) && ready().every((e) => e.inflight === 0)
      ? here
      : leastBusy();

  /** Loads `spec` in this thread's host too; false (and logged) if it fails: runs stay on workers. */
  function loadHere(spec: RunnerSpec): Promise<boolean> {
    if (!here) return Promise.resolve(false);
    const loading = call<Hex>(here, { t: 'load', id: nextId++, spec }).then(
      () => {
        if (loadedHere.get(spec.key) === loading) readyHere.add(spec.key);
        return true;
      },
      (error: Error) => {
        options.logger.warn({ err: error, model: spec.key }, 'model not loaded on the request thread');
        return false;
      },
    );
    loadedHere.set(spec.key, loading);
    return loading;
  }

  async function unloadHere(key: string): Promise<void> {
    const loading = loadedHere.get(key);
    if (!here || !loading) return;
    loadedHere.delete(key);
    readyHere.delete(key);
    if (await loading) await call(here, { t: 'unload', id: nextId++, key });
  }

  function call<T>(endpoint: Endpoint, request: HostRequest & { id: number }): Promise<T> {
    endpoint.inflight++;
    return new Promise<T>((resolve, reject) => {
      pending.set(request.id, { resolve: resolve as (value: unknown) => void, reject, endpoint });
      endpoint.send(request);
    });
  }

  function start(key: string, input: RunInput, { stream }: { stream: boolean }): PooledRun {
    const endpoint = runEndpoint(key);
    const run = nextId++;
    const state: StreamState = { queue: [], ended: false, error: null, wake: null };
    if (stream) streams.set(run, state);
    const started = call<SessionOutcome>(endpoint, { t: 'run', id: run, key, input, stream });
    // A streamed run replies only if it fails to start; that failure ends its pieces.
    if (stream) {
      started.catch((error: Error) => {
        state.error = error;
        state.wake?.();
      });
    } else {
      started.catch(() => {});
    }
    return {
      here: endpoint === here,
      outcome: started,
      pieces: {
        async *[Symbol.asyncIterator]() {
          for (;;) {
            if (state.queue.length > 0) {
              yield state.queue.shift()!;
              continue;
            }
            if (state.error) throw state.error;
            if (state.ended) return;
            await new Promise<void>((resolve) => {
              state.wake = resolve;
            });
            state.wake = null;
          }
        },
      },
      finish(finishOptions) {
        streams.delete(run);
        if (state.error) return Promise.reject(state.error);
        // A streamed run's start replies only on failure: its slot is the finish's from here.
        if (pending.delete(run)) endpoint.inflight--;
        return call<SessionOutcome>(endpoint, { t: 'finish', id: nextId++, run, ...finishOptions });
      },
      cancel: () => endpoint.send({ t: 'cancel', run }),
    };
  }

  return {
    workers: options.workers,
    async load(spec) {
      specs.set(spec.key, spec);
      const roots = await Promise.all(
        ready().map((endpoint) => call<Hex>(endpoint, { t: 'load', id: nextId++, spec })),
      );
      return {
        indexRoot: roots[0]!,
        loadedHere: loadHere(spec),
        start: (input, startOptions) => start(spec.key, input, startOptions),
        async close() {
          specs.delete(spec.key);
          await Promise.all([
            ...endpoints.map((endpoint) => call(endpoint, { t: 'unload', id: nextId++, key: spec.key })),
            unloadHere(spec.key),
          ]);
        },
      };
    },
    async countTokens(text) {
      if (text.length < COUNT_INLINE_CHARS || options.workers === 0) return tokenIds({ text }).length;
      return call<number>(leastBusy(), { t: 'count', id: nextId++, text });
    },
    async sign(receipts) {
      if (receipts.length === 0) return [];
      // A lone receipt (the node is not busy: busy nodes commit receipts in batches) is signed
      // here: a signature takes about a millisecond, a round trip to a worker about as much again.
      if (options.workers === 0 || receipts.length === 1) return signHere(receipts);
      // Spread a batch over the workers: each signs a contiguous slice.
      const parts = Math.min(ready().length, receipts.length);
      const size = Math.ceil(receipts.length / parts);
      const slices = await Promise.all(
        Array.from({ length: parts }, (_, i) =>
          call<SignedReceipt[]>(parts === 1 ? leastBusy() : endpoints[i]!, {
            t: 'sign',
            id: nextId++,
            receipts: receipts.slice(i * size, (i + 1) * size),
          }),
        ),
      );
      return slices.flat();
    },
    idle: () => endpoints.every((endpoint) => endpoint.inflight === 0) && (here?.inflight ?? 0) === 0,
    async close() {
      closing = true;
      await Promise.all([...endpoints, ...(here ? [here] : [])].map((endpoint) => endpoint.close()));
    },
  };
}

/** The same host in this thread: replies come back asynchronously, as from a worker. */
function inlineEndpoint(setup: HostSetup, onReply: (reply: HostReply) => void): Endpoint {
  const host = createRunnerHost(setup, onReply);
  return { inflight: 0, send: (request) => host.handle(request), close: () => host.close() };
}
