/**
 * The CLI's surface without a network: help for every command, usage errors (exit 2), and
 * unreachable nodes and RPCs (exit 3) reported with their URL, as text and as JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@tributary/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from './command.js';
import { commandHelp } from './help.js';
import { commands } from './specs/index.js';
import { runCli } from './testing/devProcess.js';

const everyCommand = (list: readonly Command[]): Command[] =>
  list.flatMap((c) => [c, ...everyCommand(c.subcommands ?? [])]);

describe('tributary help', () => {
  it('lists every command and subcommand', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of everyCommand(commands)) expect(stdout).toContain(command.name);
    expect(stdout).toContain('Exit codes: 0 ok');
  });

  it('gives each command its own help: synopsis, every option, examples and exit codes', async () => {
    for (const command of everyCommand(commands)) {
      const help = commandHelp(command);
      expect(help, command.name).toContain(`Usage\n  tributary ${command.usage}`);
      for (const option of Object.keys(command.options)) expect(help, command.name).toContain(`--${option}`);
      expect(command.examples.length, `${command.name} has examples`).toBeGreaterThan(0);
      for (const example of command.examples) expect(example.command, command.name).toMatch(/tributary /);
      expect(help, command.name).toContain('Exit codes');
    }
    // The wiring: `<command> <subcommand> --help` prints that subcommand's help, not the global one.
    const { code, stdout } = await runCli(['node', 'register', '--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('tributary node register — ');
    expect(stdout).toContain('--signing-key 0x…');
    // …and for `gov`, whose subcommands parse their own arguments.
    const vote = await runCli(['gov', 'vote', '--help']);
    expect(vote.code).toBe(0);
    expect(vote.stdout).toContain('tributary gov vote — ');
    expect(vote.stdout).toContain('--by-sig');
  });
});

describe('tributary errors and exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 on bad arguments, naming the option, with a JSON error under --json', async () => {
    const missing = await runCli(['verify-epoch', '--node', 'http://127.0.0.1:8787']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('verify-epoch needs --epoch N');
    expect(missing.stderr).toContain('tributary verify-epoch --help');

    const unknown = await runCli(['dev', '--frobnicate', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: {
        code: 'USAGE',
        message: expect.stringContaining("'--frobnicate'"),
        details: [],
        hint: 'see `tributary dev --help`',
        exitCode: 2,
      },
    });
    expect((await runCli(['frob'])).code).toBe(2);
    // Commands with a grammar of their own: wrong arguments exit 2 too, as JSON under --json.
    const badOption = await runCli(['gov', 'list', '--frobnicate', '--json']);
    expect(badOption.code).toBe(2);
    expect(JSON.parse(badOption.stdout).error).toMatchObject({ code: 'USAGE', exitCode: 2 });
    const badKey = await runCli(['gov', 'vote', '1', 'for', '--key', 'nope', '--json']);
    expect(badKey.code).toBe(2);
    expect(JSON.parse(badKey.stdout).error.message).toContain('--key must be a 32-byte private key');
    const duration = await runCli(['dev', 'time', 'soon', '--home', dir]);
    expect(duration.code).toBe(2);
    expect(duration.stderr).toContain('"soon" is not a duration');

    const salt = await runCli([
      'verify-receipt',
      ...['--node', 'http://127.0.0.1:8787', '--receipt', '0x01', '--prompt', 'Rivers'],
      ...['--output-file', join(dir, 'answer.txt'), '--salt', '0x12'],
    ]);
    expect(salt.code).toBe(2);
    expect(salt.stderr).toContain('--salt must be a salt (0x and 64 hex digits), got 0x12');
    expect(salt.stderr).toContain('attribution.prompt_salt');
  });

  it('exits 3 when the node is unreachable, naming the URL it tried', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const text = await runCli(['verify-epoch', '--node', url, '--epoch', '1']);
    expect(text.code).toBe(3);
    expect(text.stderr).toContain(`could not reach ${url}/v1/info`);
    expect(text.stderr).toContain('ECONNREFUSED');

    const json = await runCli(['verify-epoch', '--node', url, '--epoch', '1', '--json']);
    expect(json.code).toBe(3);
    const { error } = JSON.parse(json.stdout);
    expect(error).toMatchObject({ code: 'NODE_UNREACHABLE', url: `${url}/v1/info`, exitCode: 3 });
    expect(error.hint).toContain('node');
  });

  it("exits 3 when the chain's RPC is unreachable, naming it", async () => {
    const rpc = `http://127.0.0.1:${await freePort()}`;
    const addresses = join(dir, 'addresses.json');
    const names = ['token', 'timelock', 'governor', 'governanceRewards', 'datanetRegistry', 'nodeRegistry'];
    const more = ['modelRegistry', 'paymentEscrow', 'rewardDistributor'];
    writeFileSync(
      addresses,
      JSON.stringify({
        chainId: 31337,
        startBlock: '0',
        wired: [],
        addresses: Object.fromEntries(
          [...names, ...more].map((n, i) => [n, `0x${String(i + 1).padStart(40, '0')}`]),
        ),
      }),
    );
    const operator = '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720';
    const result = await runCli([
      'node',
      'status',
      '--operator',
      operator,
      '--rpc',
      rpc,
      '--addresses',
      addresses,
      '--json',
    ]);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: 'RPC_UNREACHABLE',
      url: `${rpc}/`,
      exitCode: 3,
    });
  });
});
