/**
 * The `tributary` command. This file only parses arguments and dispatches: each command lives in
 * commands/<name>.ts (listed in commands/index.ts) and declares its options, help and examples.
 * One catch at the top prints any failure (red, or JSON with --json) and sets the exit code.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command, OptionSpecs, RunContext } from './command.js';
import { describeFailure, ExitCode, UsageError } from './failure.js';
import { commandHelp, globalHelp, globalOptions } from './help.js';
import { commands } from './specs/index.js';
import { createUi, printFailure } from './ui.js';

/** Finds the command (and subcommand) the arguments name; the rest are its options. */
function resolveCommand(argv: readonly string[]): { command: Command; rest: string[] } | null {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith('-')) return null;
  const command = commands.find((c) => c.name === first);
  if (!command) {
    throw new UsageError(`unknown command "${first}"`, 'run `tributary --help` for the list of commands');
  }
  const sub = command.subcommands?.find((s) => s.name === `${first} ${rest[0]}`);
  if (sub) return { command: sub, rest: rest.slice(1) };
  return { command, rest };
}

/** Parses a command's options strictly, with environment fallbacks and required checks. */
function parseCommandArgs(command: Command, args: string[]) {
  const options = { ...command.options, ...globalOptions } as OptionSpecs;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
    });
  } catch (error) {
    throw new UsageError((error as Error).message, `see \`tributary ${command.name} --help\``);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help) return { help: true as const };
  for (const [name, spec] of Object.entries(command.options)) {
    if (values[name] === undefined && spec.env && process.env[spec.env]) values[name] = process.env[spec.env];
    if (values[name] === undefined && spec.type === 'boolean') values[name] = false;
    if (values[name] === undefined && spec.required) {
      throw new UsageError(
        `${command.name} needs --${name}${spec.value ? ` ${spec.value}` : ''}${spec.env ? ` (or ${spec.env})` : ''}`,
        `see \`tributary ${command.name} --help\``,
      );
    }
  }
  if (!command.positionals?.length && parsed.positionals.length > 0) {
    const what = command.subcommands?.length ? 'command' : 'argument';
    throw new UsageError(
      `unexpected ${what} "${parsed.positionals[0]}" for \`tributary ${command.name}\``,
      `see \`tributary ${command.name} --help\``,
    );
  }
  return { help: false as const, values, positionals: parsed.positionals };
}

/** A command that returned nothing may still have set `process.exitCode` (dev: 130 on Ctrl-C while starting). */
const setExitCode = () => (typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok);

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    if (argv[0] === '--version' || argv[0] === '-v') {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
      process.stdout.write(`${pkg.version}\n`);
      return ExitCode.ok;
    }
    const resolved = resolveCommand(argv);
    if (!resolved) {
      process.stdout.write(globalHelp(commands));
      return argv.length === 0 || argv.includes('--help') || argv.includes('-h')
        ? ExitCode.ok
        : ExitCode.usage;
    }
    const { command, rest } = resolved;
    if (command.rawArgs && command.run) {
      // Its own grammar parses the rest; the help still comes from its spec.
      if (rest.includes('--help') || rest.includes('-h')) {
        process.stdout.write(commandHelp(command));
        return ExitCode.ok;
      }
      const ui = createUi({ json });
      return (await command.run({ values: {}, positionals: [], args: rest, ui, json })) ?? setExitCode();
    }
    const parsed = parseCommandArgs(command, rest);
    if (parsed.help || !command.run) {
      process.stdout.write(commandHelp(command));
      return ExitCode.ok;
    }
    const code = await command.run({
      values: parsed.values as RunContext<OptionSpecs>['values'],
      positionals: parsed.positionals,
      args: rest,
      ui: createUi({ json }),
      json,
    });
    return code ?? setExitCode();
  } catch (error) {
    const failure = describeFailure(error);
    printFailure(failure, { json });
    return failure.exitCode;
  }
}

process.exitCode = await main(process.argv.slice(2));
// Clients, timers or sockets a command left open must not keep the process alive.
process.exit(process.exitCode);
