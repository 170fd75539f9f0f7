/**
 * A server-sent event stream for a streamed answer that knows which events left the node: the
 * body is a pull stream holding at most one event, and the HTTP server pulls the next event only
 * after handing the previous one to the connection. So an event counts as sent once the next pull
 * comes (or the stream ends after it), and an event still held when the client goes away does
 * not — a streamed answer is charged for exactly the text that left.
 */
import type { Context as HonoContext } from 'hono';

export type EventStream = {
  /** Writes one `data:` event; true once it left for the connection, false if the client is gone. */
  send(data: string): Promise<boolean>;
  /** The client went away. */
  readonly closed: boolean;
  onClose(listener: () => void): void;
};

type Held = { bytes: Uint8Array; resolve(sent: boolean): void };

/** The response of an event stream that `write` produces (in the background, as it is read). */
export function respondWithEvents(
  c: HonoContext,
  headers: Record<string, string>,
  write: (stream: EventStream) => Promise<void>,
): Response {
  const encoder = new TextEncoder();
  let closed = false;
  let ended = false;
  const listeners: (() => void)[] = [];
  /** An event waiting for the server to pull it. */
  let waiting: Held | null = null;
  /** The event the server pulled: sent once it pulls again. */
  let pulled: Held | null = null;
  let wakePull: (() => void) | null = null;

  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        // The server pulls again only after handing the previous event to the connection.
        pulled?.resolve(true);
        pulled = null;
        while (!waiting && !ended) {
          await new Promise<void>((resolve) => {
            wakePull = resolve;
          });
          wakePull = null;
        }
        if (waiting) {
          controller.enqueue(waiting.bytes);
          pulled = waiting;
          waiting = null;
        } else {
          controller.close();
        }
      },
      cancel() {
        closed = true;
        for (const held of [waiting, pulled]) held?.resolve(false);
        waiting = pulled = null;
        for (const listener of listeners) listener();
      },
    },
    { highWaterMark: 0 },
  );

  const events: EventStream = {
    send(data) {
      if (closed) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        waiting = { bytes: encoder.encode(`data: ${data}\n\n`), resolve };
        wakePull?.();
      });
    },
    get closed() {
      return closed;
    },
    onClose: (listener) => listeners.push(listener),
  };
  write(events)
    .catch(() => {}) // the writer reports its own failures in the stream
    .finally(() => {
      ended = true;
      wakePull?.();
    });
  return c.body(body, 200, {
    ...headers,
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    // Streamed as it comes: the server must not read ahead to measure the body.
    'transfer-encoding': 'chunked',
  });
}
