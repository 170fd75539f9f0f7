/**
 * `tributary gov …`: governance from the terminal. commands/gov.ts has a grammar of its own (one
 * parser for every subcommand, templates as flags), so these specs are `rawArgs`: they document
 * each subcommand (help, examples, exit codes) and hand it its arguments unparsed.
 */
import { defineCommand } from '../command.js';
import { govProposeSpec } from './govPropose.js';
import { govOptions } from './options.js';

const ID = { name: '<id>', description: 'a proposal id (decimal; a unique prefix is enough)' };
const REFUSED = {
  4: 'the step is not open yet (the error says the state and when it opens), or the chain refused',
};

/** Runs commands/gov.ts with the subcommand's name and its unparsed arguments. */
const runGov =
  (name: string) =>
  async ({ args }: { args: string[] }) =>
    (await import('../commands/gov.js')).govCommand([name, ...args]);

export const govListSpec = defineCommand({
  name: 'gov list',
  summary: 'Proposals with their state, tally and next step',
  usage: 'gov list [--state STATE] [--node URL]',
  options: {
    state: {
      type: 'string',
      value: 'STATE',
      description: 'only proposals in this state (Pending, Active, Succeeded, Queued, Executed, Defeated, …)',
    },
    node: govOptions.node,
  },
  rawArgs: true,
  examples: [
    { command: 'tributary gov list' },
    { comment: 'Open votes, as JSON', command: 'tributary gov list --state Active --json' },
  ],
  run: runGov('list'),
});

export const govShowSpec = defineCommand({
  name: 'gov show',
  summary: 'One proposal: its actions in plain words, the votes, the next step',
  usage: 'gov show <id> [--node URL]',
  positionals: [ID],
  options: { node: govOptions.node },
  rawArgs: true,
  examples: [{ command: 'tributary gov show 4821' }],
  run: runGov('show'),
});

export const govVoteSpec = defineCommand({
  name: 'gov vote',
  summary: 'Vote for, against or abstain (directly, or signed and relayed by the node)',
  usage: 'gov vote <id> for|against|abstain [--reason TEXT] [--by-sig] --key 0x…|0-9',
  positionals: [ID, { name: 'for|against|abstain', description: 'the vote' }],
  options: {
    reason: { type: 'string', value: 'TEXT', description: 'a reason recorded with the vote' },
    'by-sig': {
      type: 'boolean',
      description: 'sign the ballot (EIP-712) and let the node relay it: no gas from this wallet',
    },
    ...govOptions,
  },
  rawArgs: true,
  examples: [
    { comment: 'Dev account 2 votes for', command: 'tributary gov vote 4821 for --key 2' },
    {
      comment: 'A gasless vote with a reason',
      command: 'tributary gov vote 4821 against --by-sig --reason "keep it listed" --key 3',
    },
  ],
  exitCodes: REFUSED,
  run: runGov('vote'),
});

export const govQueueSpec = defineCommand({
  name: 'gov queue',
  summary: 'Queue a proposal whose vote passed (the timelock delay starts)',
  usage: 'gov queue <id> --key 0x…|0-9 [--node URL]',
  positionals: [ID],
  options: govOptions,
  rawArgs: true,
  examples: [{ command: 'tributary gov queue 4821 --key 1' }],
  exitCodes: REFUSED,
  run: runGov('queue'),
});

export const govExecuteSpec = defineCommand({
  name: 'gov execute',
  summary: 'Execute a queued proposal after the timelock delay',
  usage: 'gov execute <id> --key 0x…|0-9 [--node URL]',
  positionals: [ID],
  options: govOptions,
  rawArgs: true,
  examples: [
    {
      comment: 'On a dev network, move the clock past the delay first',
      command: 'tributary dev time +2m && tributary gov execute 4821 --key 1',
    },
  ],
  exitCodes: REFUSED,
  run: runGov('execute'),
});

export const govDelegateSpec = defineCommand({
  name: 'gov delegate',
  summary: 'Make your tokens vote: through yourself (the default) or another account',
  usage: 'gov delegate [--to 0x…] --key 0x…|0-9 [--node URL]',
  options: {
    to: { type: 'string', value: '0x…', description: 'the delegate (default: yourself)' },
    ...govOptions,
  },
  rawArgs: true,
  examples: [
    { command: 'tributary gov delegate --key 4' },
    {
      comment: "Account 4's votes go through account 5",
      command: 'tributary gov delegate --to 0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc --key 4',
    },
  ],
  run: runGov('delegate'),
});

export const govClaimSpec = defineCommand({
  name: 'gov claim',
  summary: 'Claim your voter rewards for the periods that have closed',
  usage: 'gov claim --key 0x…|0-9 [--node URL]',
  options: govOptions,
  rawArgs: true,
  examples: [{ command: 'tributary gov claim --key 2 --json' }],
  run: runGov('claim'),
});

export const govAccountSpec = defineCommand({
  name: 'gov account',
  summary: 'Voting power, delegate, votes cast and rewards of an account',
  usage: 'gov account [0x…] [--key 0x…|0-9] [--node URL]',
  positionals: [{ name: '[0x…]', description: 'the account (default: the --key wallet)' }],
  options: govOptions,
  rawArgs: true,
  examples: [
    { command: 'tributary gov account 0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
    { comment: 'Your own, as JSON', command: 'tributary gov account --key 1 --json' },
  ],
  run: runGov('account'),
});

export const govSpec = defineCommand({
  name: 'gov',
  summary: 'Governance: list, show, propose, vote, queue, execute, delegate, claim, account',
  usage: 'gov <command> [options]',
  description:
    'Through a node (--node) with a wallet (--key: a private key, or 0–9 for a dev account; or\n' +
    'TRIBUTARY_KEY). A step that is not open yet fails with the proposal state and when it opens.',
  options: govOptions,
  subcommands: [
    govListSpec,
    govShowSpec,
    govProposeSpec,
    govVoteSpec,
    govQueueSpec,
    govExecuteSpec,
    govDelegateSpec,
    govClaimSpec,
    govAccountSpec,
  ],
  examples: [
    {
      comment: 'Delist a model on the dev network: propose, vote, then queue and execute',
      command:
        'tributary gov propose delist-model --model rivers-ngram --title "Delist rivers-ngram" --key 1\n' +
        '  tributary gov vote <id> for --key 2',
    },
  ],
});
