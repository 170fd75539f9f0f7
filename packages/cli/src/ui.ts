/**
 * Terminal output: a spinner for each long step (plain lines when not a TTY or with --json),
 * and errors in red with their details.
 */
import pc from 'picocolors';
import type { Failure } from './failure.js';

export type Ui = ReturnType<typeof createUi>;

/** Output helpers; `json` silences everything but the final JSON. */
export function createUi({ json = false }: { json?: boolean } = {}) {
  const tty = process.stderr.isTTY && !json;
  const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  return {
    json,
    /** Runs `work` under a spinner labelled `label`; the label can be updated with progress. */
    async step<T>(label: string, work: (update: (text: string) => void) => Promise<T>): Promise<T> {
      if (json) return work(() => {});
      let text = label;
      let frame = 0;
      const started = Date.now();
      const timer = tty
        ? setInterval(
            () => process.stderr.write(`\r${pc.cyan(frames[frame++ % frames.length])} ${text}\x1b[K`),
            80,
          )
        : null;
      if (!tty) process.stderr.write(`… ${label}\n`);
      try {
        const result = await work((t) => {
          text = `${label} ${pc.dim(t)}`;
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stderr.write(
          `${tty ? '\r' : ''}${pc.green('✔')} ${label} ${pc.dim(`${seconds}s`)}${tty ? '\x1b[K' : ''}\n`,
        );
        return result;
      } catch (error) {
        process.stderr.write(`${tty ? '\r' : ''}${pc.red('✖')} ${label}${tty ? '\x1b[K' : ''}\n`);
        throw error;
      } finally {
        if (timer) clearInterval(timer);
      }
    },
    /** The command's result: one JSON object with --json, else `render` prints it for people. */
    result(value: unknown, render: () => void) {
      if (json) process.stdout.write(`${toJson(value)}\n`);
      else render();
    },
    info(line = '') {
      if (!json) process.stdout.write(`${line}\n`);
    },
    heading(line: string) {
      if (!json) process.stdout.write(`\n${pc.bold(line)}\n`);
    },
    dim: pc.dim,
    bold: pc.bold,
    cyan: pc.cyan,
    green: pc.green,
    red: pc.red,
    yellow: pc.yellow,
  };
}

/** Prints a failure: red on stderr, or `{"error": {…}}` on stdout with --json (scripts read one place). */
export function printFailure(failure: Failure, { json = false }: { json?: boolean } = {}): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ error: failure })}\n`);
    return;
  }
  process.stderr.write(
    `${pc.red(pc.bold('error'))} ${pc.red(failure.message)}${pc.dim(` (${failure.code})`)}\n`,
  );
  for (const line of failure.details) process.stderr.write(`  ${pc.dim(line)}\n`);
  if (failure.hint) process.stderr.write(`  ${pc.yellow('hint')} ${failure.hint}\n`);
}

/** JSON with bigints as decimal strings. */
export const toJson = (value: unknown) =>
  JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? v.toString() : v));
