/** `tributary dev`: what it accepts (it runs commands/dev.ts), and `dev time` under it. */
import { parsePort } from '../args.js';
import { defineCommand } from '../command.js';
import { devTimeSpec } from './devTime.js';

export const devSpec = defineCommand({
  name: 'dev',
  summary: 'Run a local network: Anvil, the contracts, a node (and a demo datanet and model)',
  usage: 'dev [--demo] [--home DIR] [--chain-port N] [--port N]',
  description:
    'Runs until Ctrl-C. State lives in --home; a second run resumes it (chain, database, files).\n' +
    'Dev accounts 1–8 hold 15M TRIB each and vote (any three reach quorum); #0 deployed the\n' +
    'protocol, #9 operates the node; the treasury holds the rest. `tributary dev time` moves the clock.',
  options: {
    demo: {
      type: 'boolean',
      description: 'load the demo datanet (3 contributors, 10 files) and model "rivers-ngram"',
    },
    home: { type: 'string', value: 'DIR', description: 'where state lives (default .tributary)' },
    'chain-port': {
      type: 'string',
      value: 'N',
      description: "Anvil's port (default 8545; 0 picks a free one)",
    },
    port: { type: 'string', value: 'N', description: "the node's port (default 8787; 0 picks a free one)" },
  },
  subcommands: [devTimeSpec],
  examples: [
    { comment: "The README's local network, with the demo", command: 'tributary dev --demo' },
    {
      comment: 'A throw-away network on free ports, its summary as JSON',
      command: 'tributary dev --home "$(mktemp -d)" --chain-port 0 --port 0 --json',
    },
  ],
  run: async ({ values, json }) => {
    const options = {
      demo: values.demo,
      home: values.home,
      chainPort: parsePort(values['chain-port'], '--chain-port'),
      port: parsePort(values.port, '--port'),
      json,
    };
    await (await import('../commands/dev.js')).devCommand(options);
  },
});
