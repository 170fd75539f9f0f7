/**
 * The help texts, generated from the commands' specs: `tributary --help` lists every command;
 * `tributary <command> --help` shows its synopsis, options (with their environment variables),
 * subcommands, examples and exit codes.
 */
import type { Command, OptionSpec } from './command.js';
import { exitCodeHelp } from './failure.js';

/** Options every command accepts. */
export const globalOptions = {
  json: {
    type: 'boolean',
    description: 'print the result, or the error, as one JSON object on stdout',
  },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
} as const satisfies Record<string, OptionSpec>;

const optionLabel = (name: string, spec: OptionSpec) =>
  `${spec.short ? `-${spec.short}, ` : ''}--${name}${spec.value ? ` ${spec.value}` : ''}`;

function table(rows: [string, string][], indent = '  '): string {
  const width = Math.min(28, Math.max(...rows.map(([left]) => left.length)));
  return rows
    .map(([left, right]) =>
      left.length > width
        ? `${indent}${left}\n${indent}${' '.repeat(width + 2)}${right}`
        : `${indent}${left.padEnd(width)}  ${right}`,
    )
    .join('\n');
}

const bracket = (notes: string[]) => (notes.some(Boolean) ? ` (${notes.filter(Boolean).join('; ')})` : '');

/** `tributary <command> --help`. */
export function commandHelp(command: Command): string {
  const parts = [`tributary ${command.name} — ${command.summary}`, `Usage\n  tributary ${command.usage}`];
  if (command.description) parts.push(command.description);
  if (command.subcommands?.length) {
    parts.push(
      `Commands\n${table(
        command.subcommands.map((s) => [s.name.split(' ').at(-1)!, s.summary]),
      )}\n\n  tributary ${command.name} <command> --help shows each one's options and examples.`,
    );
  }
  if (command.positionals?.length) {
    parts.push(`Arguments\n${table(command.positionals.map((p) => [p.name, p.description]))}`);
  }
  const options: [string, string][] = Object.entries(command.options).map(([name, spec]) => [
    optionLabel(name, spec),
    `${spec.description}${bracket([
      spec.env ? `env ${spec.env}` : '',
      spec.required ? 'required' : '',
      spec.multiple ? 'repeatable' : '',
    ])}`,
  ]);
  for (const [name, spec] of Object.entries(globalOptions))
    options.push([optionLabel(name, spec), spec.description]);
  parts.push(`Options\n${table(options)}`);
  if (command.examples.length) {
    parts.push(
      `Examples\n${command.examples
        .map((e) => `${e.comment ? `  # ${e.comment}\n` : ''}  ${e.command}`)
        .join('\n\n')}`,
    );
  }
  const own = Object.entries(command.exitCodes ?? {}).map(([code, meaning]) => `${code} ${meaning}`);
  parts.push(own.length ? `${exitCodeHelp}\n(here: ${own.join(' · ')})` : exitCodeHelp);
  return `${parts.join('\n\n')}\n`;
}

/** `tributary --help`. */
export function globalHelp(commands: readonly Command[]): string {
  const rows: [string, string][] = [];
  for (const command of commands) {
    rows.push([command.name, command.summary]);
    for (const sub of command.subcommands ?? []) rows.push([`  ${sub.name}`, sub.summary]);
  }
  return `tributary — run and check a Tributary network: datanets, models and the receipts that pay their contributors

Usage: tributary <command> [options]

Commands
${table(rows)}

Every command takes --json (one JSON object on stdout: the result, or {"error": {code, message,
details, url, hint, exitCode}}) and --help (its options and examples): tributary <command> --help

${exitCodeHelp}
`;
}
