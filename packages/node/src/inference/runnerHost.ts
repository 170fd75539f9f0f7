/**
 * A runner host: what runs inside each pool worker (or in the request thread when the pool has no
 * workers). It opens models, runs generation sessions, counts tokens and signs receipts — the CPU
 * work of a call — and answers the request thread with plain messages.
 */
import { tokenIds } from '@tributary/attribution';
import type { ModelRunner } from '../models/runner.js';
import { GenerationSession } from './generationSession.js';
import { openRunner } from './openRunner.js';
import { type HostReply, type HostRequest, type HostSetup, serializeError } from './poolMessages.js';
import { createReceiptSigner } from './receiptSigner.js';

/** Creates a host that answers requests through `post`. */
export function createRunnerHost(setup: HostSetup, post: (reply: HostReply) => void) {
  const models = new Map<string, Promise<ModelRunner>>();
  const sessions = new Map<number, GenerationSession>();
  // Runs in progress per model: an unloaded model closes once its last run ended.
  const inUse = new Map<string, number>();
  const unloaded = new Map<string, ModelRunner>();
  const use = (key: string, delta: number) => {
    const left = (inUse.get(key) ?? 0) + delta;
    if (left > 0) {
      inUse.set(key, left);
      return;
    }
    inUse.delete(key);
    const runner = unloaded.get(key);
    unloaded.delete(key);
    void runner?.close();
  };
  const sign = createReceiptSigner(setup.signing);

  const reply = (id: number, work: () => unknown) => {
    Promise.resolve()
      .then(work)
      .then(
        (value) => post({ t: 'ok', id, value }),
        (error) => post({ t: 'error', id, error: serializeError(error) }),
      );
  };

  const runnerOf = async (key: string): Promise<ModelRunner> => {
    const runner = models.get(key);
    if (!runner) throw new Error(`model ${key} is not loaded in this runner host`);
    return runner;
  };

  async function run(request: Extract<HostRequest, { t: 'run' }>): Promise<void> {
    const { id, stream } = request;
    // Streamed text is sent in as few messages as keep it flowing: whatever accumulated by the
    // next turn of this thread's event loop (a generator yields every few dozen tokens).
    let buffered = '';
    let flushing = false;
    const flush = () => {
      flushing = false;
      if (buffered) post({ t: 'pieces', run: id, text: buffered });
      buffered = '';
    };
    const onPiece = (piece: string) => {
      if (!stream) return;
      buffered += piece;
      if (!flushing) {
        flushing = true;
        setImmediate(flush);
      }
    };
    const runner = await runnerOf(request.key);
    const session = new GenerationSession(runner, request.input, onPiece);
    sessions.set(id, session);
    use(request.key, 1);
    void session.ended.then(() => use(request.key, -1));
    if (stream) {
      void session.ended.then(() => {
        flush();
        post({ t: 'ended', run: id });
      });
      return;
    }
    reply(id, () => session.finish({ chars: null, cancelled: false }).finally(() => sessions.delete(id)));
  }

  return {
    handle(request: HostRequest): void {
      switch (request.t) {
        case 'load': {
          const { spec } = request;
          let loading = models.get(spec.key);
          if (!loading) {
            loading = openRunner(spec, setup.upstreams);
            models.set(spec.key, loading);
            loading.catch(() => models.delete(spec.key));
          }
          reply(request.id, async () => (await loading).index.indexRoot);
          return;
        }
        case 'unload': {
          const { key } = request;
          const loading = models.get(key);
          models.delete(key);
          reply(request.id, async () => {
            const runner = await loading?.catch(() => null);
            if (!runner) return;
            if (inUse.has(key)) unloaded.set(key, runner);
            else await runner.close();
          });
          return;
        }
        case 'run':
          run(request).catch((error) => post({ t: 'error', id: request.id, error: serializeError(error) }));
          return;
        case 'finish': {
          const session = sessions.get(request.run);
          sessions.delete(request.run);
          reply(request.id, () => {
            if (!session) throw new Error(`run ${request.run} is not in this runner host`);
            return session.finish({ chars: request.chars, cancelled: request.cancelled });
          });
          return;
        }
        case 'cancel':
          sessions.get(request.run)?.cancel();
          return;
        case 'count':
          reply(request.id, () => tokenIds({ text: request.text }).length);
          return;
        case 'sign':
          reply(request.id, () => sign(request.receipts));
          return;
      }
    },
    /** Closes every model (the host is going away). */
    async close(): Promise<void> {
      for (const session of sessions.values()) session.cancel();
      for (const loading of models.values()) await (await loading.catch(() => null))?.close();
      models.clear();
    },
  };
}

export type RunnerHost = ReturnType<typeof createRunnerHost>;
