/**
 * Terminal output: a spinner for each long step (plain lines when not a TTY or with --json),
 * and errors in red with their details.
 */
import pc from 'picocolors';

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
    info(line = '') {
      if (!json) process.stdout.write(`${line}\n`);
    },
    heading(line: string) {
      if (!json) process.stdout.write(`\n${pc.bold(line)}\n`);
    },
    dim: pc.dim,
    bold: pc.bold,
    cyan: pc.cyan,
  };
}

/** Prints an error (message, details, hint) in red on stderr. */
export function printError(error: unknown): void {
  const e = error as { message?: string; details?: readonly string[]; code?: string };
  process.stderr.write(
    `${pc.red(pc.bold('error'))} ${pc.red(e.message ?? String(error))}${e.code ? pc.dim(` (${e.code})`) : ''}\n`,
  );
  for (const line of e.details ?? []) process.stderr.write(`  ${pc.dim(line)}\n`);
}
