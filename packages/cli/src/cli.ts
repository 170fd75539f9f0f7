/**
 * The `tributary` command. This file only parses arguments; each command lives in commands/.
 * One catch at the top prints any error's message and details in red and exits non-zero.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { printError } from './ui.js';

// Commands load on use: `tributary gov …` need not load the node (a few seconds of imports).
const deployCommand = async (...a: Parameters<typeof import('./commands/deploy.js').deployCommand>) =>
  (await import('./commands/deploy.js')).deployCommand(...a);
const devCommand = async (...a: Parameters<typeof import('./commands/dev.js').devCommand>) =>
  (await import('./commands/dev.js')).devCommand(...a);
const devTimeCommand = async (...a: Parameters<typeof import('./commands/devTime.js').devTimeCommand>) =>
  (await import('./commands/devTime.js')).devTimeCommand(...a);
const govCommand = async (...a: Parameters<typeof import('./commands/gov.js').govCommand>) =>
  (await import('./commands/gov.js')).govCommand(...a);
const nodeCommand = async (...a: Parameters<typeof import('./commands/node.js').nodeCommand>) =>
  (await import('./commands/node.js')).nodeCommand(...a);
const verifyEpochCommand = async (
  ...a: Parameters<typeof import('./commands/verify.js').verifyEpochCommand>
) => (await import('./commands/verify.js')).verifyEpochCommand(...a);
const verifyReceiptCommand = async (
  ...a: Parameters<typeof import('./commands/verify.js').verifyReceiptCommand>
) => (await import('./commands/verify.js')).verifyReceiptCommand(...a);

const usage = `Usage: tributary <command> [options]

Commands:
  dev       Run a local network: Anvil, the contracts, and a node (state in .tributary/)
              --demo            load a demo datanet (several contributors, one version)
              --home DIR        where state lives (default .tributary)
              --chain-port N    Anvil's port (default 8545)
              --port N          the node's port (default 8787)
  dev time +7d     Move the running local network's clock forward (s, m, h, d, w) [--home DIR]
  gov       Governance: list, show, propose, vote, queue, execute, delegate, claim (gov --help)
  node      Run a node against a deployment (configured by env and <home>/config.json)
              --home DIR
  deploy    Deploy the contracts to a chain
              --rpc URL --key 0x… [--out FILE] [--dev]
  verify-epoch     Re-check an epoch a node settled, from its published data and the chain
              --node URL --epoch N
  verify-receipt   Re-check a receipt: rebuild the model from public snapshots, re-run the call
              --node URL --receipt 0x… --prompt TEXT (or --prompt-file F) --output-file F
              --salt 0x… (the answer's attribution.prompt_salt: receipts commit to salted texts)

Every command accepts --json for machine-readable output and --help.`;

async function main(argv: string[]): Promise<void> {
  // Governance has its own options (tributary gov --help).
  if (argv[0] === 'gov') return govCommand(argv.slice(1));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      demo: { type: 'boolean', default: false },
      home: { type: 'string' },
      'chain-port': { type: 'string' },
      port: { type: 'string' },
      rpc: { type: 'string' },
      key: { type: 'string' },
      out: { type: 'string', default: 'addresses.json' },
      dev: { type: 'boolean', default: false },
      node: { type: 'string' },
      epoch: { type: 'string' },
      receipt: { type: 'string' },
      prompt: { type: 'string' },
      'prompt-file': { type: 'string' },
      salt: { type: 'string' },
      'output-file': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const port = (value: string | undefined, flag: string) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65_535)
      throw new Error(`${flag} must be a port number, got ${value}`);
    return n;
  };
  switch (command) {
    case 'dev':
      if (positionals[1] === 'time')
        return devTimeCommand({ duration: positionals[2], home: values.home, json: values.json! });
      return devCommand({
        demo: values.demo!,
        home: values.home,
        chainPort: port(values['chain-port'], '--chain-port'),
        port: port(values.port, '--port'),
        json: values.json!,
      });
    case 'node':
      return nodeCommand({ home: values.home });
    case 'deploy':
      if (!values.rpc || !values.key)
        throw new Error('deploy needs --rpc URL and --key 0x… (the deployer private key)');
      return deployCommand({
        rpc: values.rpc,
        key: values.key,
        out: values.out!,
        dev: values.dev!,
        json: values.json!,
      });
    case 'verify-epoch': {
      if (!values.node || !values.epoch) throw new Error('verify-epoch needs --node URL and --epoch N');
      if (!/^\d+$/.test(values.epoch))
        throw new Error(`--epoch must be an epoch number, got ${values.epoch}`);
      if (!(await verifyEpochCommand({ node: values.node, epoch: BigInt(values.epoch), json: values.json! })))
        process.exitCode = 1;
      return;
    }
    case 'verify-receipt': {
      const prompt =
        values.prompt ?? (values['prompt-file'] ? readFileSync(values['prompt-file'], 'utf8') : undefined);
      if (!values.node || !values.receipt || prompt === undefined || !values['output-file']) {
        throw new Error(
          'verify-receipt needs --node URL, --receipt 0x…, --prompt TEXT (or --prompt-file) and --output-file',
        );
      }
      const ok = await verifyReceiptCommand({
        node: values.node,
        receipt: values.receipt,
        prompt,
        output: readFileSync(values['output-file'], 'utf8'),
        salt: values.salt as `0x${string}` | undefined,
        json: values.json!,
      });
      if (!ok) process.exitCode = 1;
      return;
    }
    default:
      throw new Error(`unknown command "${command}"; run \`tributary --help\``);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(process.exitCode ?? 0),
  (error) => {
    printError(error);
    process.exit(1);
  },
);
