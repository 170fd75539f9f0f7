/**
 * How a command describes itself: its options (which drive parsing, environment fallbacks and
 * the help), examples, subcommands and what it runs. Each lives in commands/<name>.ts and is
 * listed in commands/index.ts; cli.ts only parses and dispatches.
 */
import type { Ui } from './ui.js';

export type OptionSpec = {
  type: 'string' | 'boolean';
  /** A one-letter alias (`-h`). */
  short?: string;
  /** How the value looks in the help (`URL`, `N`, `0x…`). */
  value?: string;
  description: string;
  /** An environment variable read when the option is not given. */
  env?: string;
  /** A usage error names the option when it is missing. */
  required?: boolean;
  /** May be given several times (the values come as an array). */
  multiple?: boolean;
};

export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed option values, typed from their specs. */
export type OptionValues<O extends OptionSpecs> = {
  [K in keyof O]: O[K] extends { type: 'boolean' }
    ? boolean
    : O[K] extends { multiple: true }
      ? string[]
      : O[K] extends { required: true }
        ? string
        : string | undefined;
};

export type RunContext<O extends OptionSpecs> = {
  values: OptionValues<O>;
  /** Positional arguments after the command (and subcommand) name. */
  positionals: string[];
  /** Every argument after the command name, unparsed (for `rawArgs` commands). */
  args: string[];
  ui: Ui;
  json: boolean;
};

/** What a command's run returns: nothing (exit 0) or an exit code (see exitCodes.ts). */
export type RunResult = number | undefined;

export type Command = {
  /** The words that invoke it after `tributary` (`verify-epoch`, `node register`). */
  name: string;
  /** One line: what it does. */
  summary: string;
  /** The synopsis after `tributary` (`verify-epoch --node URL --epoch N`). */
  usage: string;
  /** Paragraphs shown under the synopsis. */
  description?: string;
  options: OptionSpecs;
  /** Positional arguments, for the help. */
  positionals?: { name: string; description: string }[];
  examples: { command: string; comment?: string }[];
  /** Exit codes this command gives beyond the common ones (e.g. 1: a check failed). */
  exitCodes?: Record<number, string>;
  /**
   * The command parses its own arguments (and prints its own `--help`): its run gets them in
   * `args`. For commands with a grammar of their own, like `gov`.
   */
  rawArgs?: boolean;
  /** Commands under this one (`node register`); the command itself may still run on its own. */
  subcommands?: Command[];
  run?: (context: RunContext<OptionSpecs>) => Promise<RunResult>;
};

/**
 * Declares a command; its run receives option values typed from `options`.
 *
 * @example
 * export const helloCommand = defineCommand({
 *   name: 'hello', summary: 'Greets', usage: 'hello --name NAME',
 *   options: { name: { type: 'string', value: 'NAME', description: 'who', required: true } },
 *   examples: [{ command: 'tributary hello --name Ada' }],
 *   run: async ({ values, ui }) => ui.info(`hello ${values.name}`),
 * });
 */
export function defineCommand<const O extends OptionSpecs>(
  spec: Omit<Command, 'options' | 'run'> & {
    options: O;
    // biome-ignore lint/suspicious/noConfusingVoidType: a command that only succeeds returns nothing.
    run?: (context: RunContext<O>) => Promise<RunResult | void>;
  },
): Command {
  return spec as unknown as Command;
}
