/**
 * `tributary gov list|show|propose|vote|queue|execute|delegate|claim|account`: governance from
 * the terminal, through a node (`--node`, default http://127.0.0.1:8787) with a wallet (`--key`:
 * a private key, or 0–9 for a dev account; or TRIBUTARY_KEY). `--json` prints machine-readable
 * results. A step that is not open yet fails with the proposal's state and when the step opens.
 */
import { parseArgs } from 'node:util';
import {
  ANVIL_PRIVATE_KEYS,
  formatTokens,
  type ProposalSummaryView,
  TributaryError,
  type VoteChoice,
} from '@tributary/protocol';
import { createTributaryClient, type TributaryClient } from '@tributary/sdk';
import { type Address, type Hex, isAddress } from 'viem';
import { createUi, type Ui } from '../ui.js';
import { templatesFromFlags } from './govTemplate.js';

export const govUsage = `Usage: tributary gov <command> [options]

Commands:
  list [--state Active]              proposals with state, tally and the next step
  show <id>                          one proposal: actions in plain words, votes, next step
  propose <template> [flags] --title T [--body B]
                                     file a proposal; templates and their flags:
      delist-model | relist-model    --model ID|NAME [--reason TEXT]
      ban-contributor | unban-contributor  --account 0x…
      set-parameter                  --parameter NAME --value V (TRIB, seconds or bps)
      treasury-grant                 --to 0x… --amount TRIB  (or --datanet ID: its contributors, by tokens)
      fund-voter-rewards             --amount TRIB
      move-model                     --model ID --build BUILD_ID (or --artifact 0x… --config 0x… --datanet D:V)
      set-model-split                --model ID --split COMPUTE/DEVELOPER/DATA (bps)
      adopt-model | release-model    --model ID
      slash-node                     --operator 0x… --amount TRIB --to 0x… [--reason TEXT]
      resolve-challenge              --operator 0x… --epoch N [--upheld] [--reason TEXT]
    or: propose --file templates.json --title T
  vote <id> for|against|abstain [--reason TEXT] [--by-sig]
  queue <id>                         after the vote passed
  execute <id>                       after the timelock delay
  delegate [--to 0x…]                make your tokens vote (through yourself by default)
  claim                              claim your voter rewards
  account [0x…]                      voting power, delegate, votes and rewards

Options: --node URL (default http://127.0.0.1:8787), --key 0x…|0-9 (or TRIBUTARY_KEY), --json
A proposal id may be shortened to a unique prefix.`;

const usageError = (message: string, details: string[] = []) =>
  new TributaryError({ code: 'USAGE', message, details: [...details, 'run `tributary gov --help`'] });

function keyOf(given: string | undefined): Hex | undefined {
  const key = given ?? process.env.TRIBUTARY_KEY;
  if (key === undefined) return undefined;
  if (/^\d$/.test(key)) return ANVIL_PRIVATE_KEYS[Number(key)] as Hex;
  if (/^0x[0-9a-fA-F]{64}$/.test(key)) return key as Hex;
  throw usageError('--key must be a 32-byte private key (0x + 64 hex digits) or a dev account number 0–9');
}

/** A full proposal id from a full id or a unique prefix of one. */
async function resolveId(client: TributaryClient, given: string | undefined): Promise<string> {
  if (!given || !/^\d+$/.test(given))
    throw usageError('give a proposal id (decimal; a unique prefix is enough)');
  if (given.length > 20) return given;
  const matches = (await client.proposals()).filter((p) => p.id.startsWith(given));
  if (matches.length === 1) return matches[0]!.id;
  throw usageError(
    matches.length === 0
      ? `no proposal id starts with ${given}`
      : `${matches.length} proposals start with ${given}`,
    matches.map((p) => `${p.id}  ${p.title}`),
  );
}

const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 10)}…` : id);
const tally = (p: ProposalSummaryView) =>
  `for ${formatTokens(BigInt(p.tally.for))} · against ${formatTokens(BigInt(p.tally.against))} · abstain ${formatTokens(BigInt(p.tally.abstain))} (quorum ${formatTokens(BigInt(p.quorum))})`;

/** Runs `tributary gov …` with the arguments after `gov`. */
export async function govCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      node: { type: 'string', default: 'http://127.0.0.1:8787' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      state: { type: 'string' },
      title: { type: 'string' },
      body: { type: 'string' },
      file: { type: 'string' },
      model: { type: 'string' },
      reason: { type: 'string' },
      account: { type: 'string' },
      parameter: { type: 'string' },
      value: { type: 'string' },
      to: { type: 'string' },
      amount: { type: 'string' },
      build: { type: 'string' },
      artifact: { type: 'string' },
      config: { type: 'string' },
      datanet: { type: 'string', multiple: true },
      'max-licence-fees': { type: 'string' },
      split: { type: 'string' },
      operator: { type: 'string' },
      epoch: { type: 'string' },
      upheld: { type: 'boolean', default: false },
      'by-sig': { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${govUsage}\n`);
    return;
  }
  const ui = createUi({ json: values.json });
  const client = createTributaryClient({ url: values.node!, account: keyOf(values.key) });
  const out = (json: unknown, human: () => void) => {
    if (values.json)
      process.stdout.write(`${JSON.stringify(json, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
    else human();
  };
  const needKey = () => {
    if (!client.account) throw usageError(`gov ${command} needs a wallet: pass --key (or set TRIBUTARY_KEY)`);
  };

  switch (command) {
    case 'list': {
      const proposals = await client.proposals(values.state ? { state: values.state as never } : {});
      return out({ proposals }, () => {
        if (proposals.length === 0) ui.info('No proposals yet. File one with `tributary gov propose`.');
        for (const p of proposals) {
          ui.info(`${ui.bold(shortId(p.id))}  ${p.state.padEnd(9)} ${p.title}`);
          ui.info(`            ${ui.dim(tally(p))}`);
          ui.info(`            ${ui.dim(`next: ${p.next.message}`)}`);
        }
      });
    }
    case 'show': {
      const p = await client.getProposal(await resolveId(client, rest[0]));
      return out(p, () => {
        ui.heading(`${p.title}  [${p.state}]`);
        ui.info(`  id        ${p.id}`);
        ui.info(`  proposer  ${p.proposer}`);
        ui.info(`  votes     ${tally(p)}`);
        ui.info(`  next      ${p.next.message}`);
        ui.info(
          `  rewards   period ${p.reward.period}: ${p.reward.eligibility} (claims open ${new Date(p.reward.periodEndsAt * 1000).toISOString()})`,
        );
        ui.heading('What it does');
        for (const [i, a] of p.actions.entries()) ui.info(`  ${i + 1}. ${a.summary}`);
        ui.heading(`Votes (${p.votes.length})`);
        for (const v of p.votes)
          ui.info(
            `  ${v.voter}  ${v.support.padEnd(7)} ${formatTokens(BigInt(v.weight))}${v.reason ? `  "${v.reason}"` : ''}`,
          );
      });
    }
    case 'propose': {
      needKey();
      const templates = await templatesFromFlags(client, rest[0], values);
      if (!values.title) throw usageError('gov propose needs --title (the first line voters see)');
      const p = await ui.step('Filing the proposal', () =>
        client.propose({ title: values.title!, body: values.body, templates }),
      );
      return out(p, () => {
        ui.heading(`Proposal ${p.id}`);
        for (const [i, a] of p.actions.entries()) ui.info(`  ${i + 1}. ${a.summary}`);
        ui.info(`  next: ${p.next.message}`);
      });
    }
    case 'vote': {
      needKey();
      const id = await resolveId(client, rest[0]);
      const support = rest[1] as VoteChoice;
      if (!['for', 'against', 'abstain'].includes(support)) throw usageError('vote for, against or abstain');
      const result = values['by-sig']
        ? await ui.step('Signing the vote (EIP-712) and relaying it', () =>
            client.castVoteBySig({ proposalId: id, support, reason: values.reason }),
          )
        : await ui.step(`Voting ${support}`, () =>
            client.castVote({ proposalId: id, support, reason: values.reason }),
          );
      return out({ proposalId: id, support, txHash: result.txHash }, () =>
        ui.info(`voted ${support} on ${shortId(id)}`),
      );
    }
    case 'queue':
    case 'execute': {
      needKey();
      const id = await resolveId(client, rest[0]);
      const result = await ui.step(`${command === 'queue' ? 'Queueing' : 'Executing'} ${shortId(id)}`, () =>
        command === 'queue' ? client.queue({ proposalId: id }) : client.execute({ proposalId: id }),
      );
      const p = await client.getProposal(id);
      return out({ proposalId: id, txHash: result.txHash, state: p.state, next: p.next }, () =>
        ui.info(`${shortId(id)} is ${p.state}; next: ${p.next.message}`),
      );
    }
    case 'delegate': {
      needKey();
      if (values.to && !isAddress(values.to)) throw usageError('--to must be an address');
      const result = await ui.step('Delegating votes', () =>
        client.delegate({ to: values.to as Address | undefined }),
      );
      const account = await client.getGovernanceAccount(client.account!.address);
      return out({ ...result, votes: account.votes }, () =>
        ui.info(
          `votes of ${client.account!.address} go through ${result.delegate}; voting power now ${formatTokens(BigInt(account.votes))}`,
        ),
      );
    }
    case 'claim': {
      needKey();
      const result = await ui.step('Claiming voter rewards', () => client.claimVoterRewards());
      return out(result, () =>
        ui.info(
          result.amount === 0n
            ? 'nothing to claim now (`tributary gov account` shows when rewards open)'
            : `claimed ${formatTokens(result.amount)} for ${result.claims.length} reward period(s)`,
        ),
      );
    }
    case 'account': {
      const address = (rest[0] ?? client.account?.address) as Address | undefined;
      if (!address || !isAddress(address)) throw usageError('gov account needs an address or --key');
      const a = await client.getGovernanceAccount(address);
      return out(a, () => printAccount(ui, a));
    }
    default:
      throw usageError(`unknown gov command "${command}"`);
  }
}

function printAccount(ui: Ui, a: Awaited<ReturnType<TributaryClient['getGovernanceAccount']>>) {
  ui.heading(a.account);
  ui.info(`  balance         ${formatTokens(BigInt(a.balance))}`);
  ui.info(
    `  voting power    ${formatTokens(BigInt(a.votes))}${a.delegate ? '' : ' (not delegated: `tributary gov delegate`)'}`,
  );
  ui.info(`  delegate        ${a.delegate ?? 'none'}`);
  ui.info(`  votes cast      ${a.votesCast.length}`);
  ui.info(
    `  rewards         ${formatTokens(BigInt(a.rewards.claimableTotal))} claimable, ${formatTokens(BigInt(a.rewards.claimedTotal))} claimed`,
  );
  for (const u of a.rewards.upcoming)
    ui.info(`                  period ${u.period} opens ${new Date(u.opensAt * 1000).toISOString()}`);
}
