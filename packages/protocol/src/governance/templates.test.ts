import { type Address, getAddress, keccak256, parseEther, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import type { ProtocolAddresses } from '../deploy.js';
import { protocolAbis } from './contractAbis.js';
import { decodeProposalActions } from './decode.js';
import { encodeProposal, type ProposalTemplateError, settlementParameterFields } from './encode.js';
import { distributorFieldUnit, SINGLE_PARAMETERS } from './parameters.js';
import { proposalDescription, proposalIdOf, proposalTitle } from './proposal.js';
import { PROPOSAL_TEMPLATE_KINDS, type ProposalTemplateInput } from './templates.js';
import { formatDuration, formatTokens, reasonFromBytes32, reasonToBytes32 } from './words.js';

const at = (n: number) => getAddress(`0x${n.toString(16).padStart(40, '0')}`) as Address;
const addresses: ProtocolAddresses = {
  token: at(1),
  timelock: at(2),
  datanetRegistry: at(3),
  nodeRegistry: at(4),
  modelRegistry: at(5),
  paymentEscrow: at(6),
  rewardDistributor: at(7),
  governor: at(8),
  governanceRewards: at(9),
};
const alice = at(0xa11ce);

/** One of every template (the settlement struct is given whole: setting one field reads the chain). */
const everyTemplate: ProposalTemplateInput[] = [
  { kind: 'delist-model', modelId: 2n, reason: 'harmful outputs' },
  { kind: 'relist-model', modelId: '2', reason: 'fixed' },
  { kind: 'ban-contributor', account: alice },
  { kind: 'unban-contributor', account: alice.toLowerCase() },
  { kind: 'set-parameter', parameter: 'votingPeriod', value: 86_400 },
  { kind: 'set-parameter', parameter: 'quorumPercent', value: '5' },
  { kind: 'set-parameter', parameter: 'voterRewardPerPeriod', value: parseEther('500') },
  {
    kind: 'set-settlement-parameters',
    // Every field the distributor's ABI declares, a value of its unit each.
    parameters: Object.fromEntries(
      settlementParameterFields().map((field) => {
        const unit = distributorFieldUnit(field);
        const value =
          unit === 'address'
            ? addresses.timelock
            : { bps: 400n, seconds: 3_600n, tokens: parseEther('100'), count: 64n, percent: 4n }[unit];
        return [field, value];
      }),
    ),
  },
  { kind: 'treasury-grant', recipients: [{ account: alice, amount: parseEther('1000') }] },
  { kind: 'fund-voter-rewards', amount: parseEther('5000') },
  {
    kind: 'move-model',
    modelId: 3n,
    artifactHash: keccak256(toHex('artifact')),
    configHash: keccak256(toHex('config')),
    datanets: [{ datanetId: 1n, version: 2 }],
  },
  { kind: 'set-model-split', modelId: 3n, split: { computeBps: 1500, developerBps: 2500, dataBps: 6000 } },
  { kind: 'adopt-model', modelId: 3n },
  { kind: 'release-model', modelId: 3n },
  {
    kind: 'slash-node',
    operator: alice,
    amount: parseEther('10'),
    recipient: addresses.timelock,
    reason: 'fraud',
  },
  { kind: 'resolve-challenge', node: alice, epoch: 7n, upheld: true, reason: 'bad root' },
];

describe('proposal templates', () => {
  it('cover every kind', () => {
    expect(new Set(everyTemplate.map((t) => t.kind))).toEqual(new Set(PROPOSAL_TEMPLATE_KINDS));
  });

  it('encode to protocol calls that decode back to the same templates, in plain words', async () => {
    const actions = await encodeProposal({ templates: everyTemplate, addresses });
    const decoded = decodeProposalActions({
      actions,
      addresses,
      labels: { models: { '2': 'rivers-ngram' } },
    });
    expect(decoded).toHaveLength(everyTemplate.length);
    for (const d of decoded) expect(d.template, d.summary).not.toBeNull();
    // Decoding then encoding again gives the very same calls (so the words describe what executes).
    const again = await encodeProposal({ templates: decoded.map((d) => d.template!), addresses });
    expect(again).toEqual(actions);
    const words = decoded.map((d) => d.summary);
    expect(words[0]).toBe(
      'Delist model 2 ("rivers-ngram") (reason: "harmful outputs"): nodes stop serving it until governance relists it.',
    );
    expect(words[3]).toBe(`Lift the contribution ban on ${alice}.`);
    expect(words[4]).toBe('Set how long a vote stays open to 1 day.');
    expect(words[6]).toBe(
      'Set the voter reward paid per reward period (to all voters together, at most) to 500 TRIB.',
    );
    expect(words[7]).toMatch(
      /^Set the settlement parameters: protocol fee 4%, challenge window 1 hour, .*max pending epochs 64, treasury 0x/,
    );
    expect(words[8]).toBe(`Pay 1,000 TRIB to ${alice} from the treasury.`);
    expect(words[9]).toBe('Move 5,000 TRIB from the treasury into the voter-reward budget.');
    expect(words[10]).toMatch(
      /^Publish a new version of model 3 built from datanet 1 version 2 \(artifact 0x/,
    );
    expect(words[11]).toBe('Set the fee split of model 3 to compute 15%, developer 25%, data 60%.');
    expect(words[15]).toMatch(/^Uphold the challenge of node .* epoch 7 \(reason: "bad root"\)/);
  });

  it('pays licence fees of a model move from the treasury with an allowance taken back after', async () => {
    const actions = await encodeProposal({
      templates: [
        {
          kind: 'move-model',
          modelId: 3n,
          artifactHash: keccak256(toHex('a')),
          configHash: keccak256(toHex('c')),
          datanets: [{ datanetId: 4n, version: 1 }],
          maxLicenceFees: parseEther('25'),
        },
      ],
      addresses,
    });
    const words = decodeProposalActions({ actions, addresses }).map((d) => `${d.contract}.${d.functionName}`);
    expect(words).toEqual(['token.approve', 'modelRegistry.governancePublishVersion', 'token.approve']);
  });

  it('refuse bad input with the field named', async () => {
    const refused = (templates: unknown[]) =>
      encodeProposal({ templates: templates as ProposalTemplateInput[], addresses }).then(
        () => null,
        (error: ProposalTemplateError) => [error.code, error.message, ...error.details].join(' | '),
      );
    expect(await refused([{ kind: 'delist-model', modelId: -1 }])).toMatch(
      /PROPOSAL_TEMPLATE_INVALID.*modelId/,
    );
    expect(
      await refused([
        { kind: 'set-model-split', modelId: 1, split: { computeBps: 1, developerBps: 1, dataBps: 1 } },
      ]),
    ).toMatch(/sum to 10,000/);
    expect(await refused([{ kind: 'delist-model', modelId: 1, reason: 'x'.repeat(33) }])).toMatch(/32 bytes/);
    expect(await refused([{ kind: 'set-parameter', parameter: 'nope', value: 1 }])).toMatch(
      /PROPOSAL_UNKNOWN_PARAMETER.*votingDelay/,
    );
    expect(await refused([{ kind: 'set-parameter', parameter: 'quorumPercent', value: 101 }])).toMatch(
      /OUT_OF_BOUNDS/,
    );
    expect(await refused([{ kind: 'set-parameter', parameter: 'protocolFeeBps', value: 400 }])).toMatch(
      /PROPOSAL_NEEDS_CHAIN/,
    );
    expect(
      await refused([{ kind: 'set-settlement-parameters', parameters: { protocolFeeBps: 400 } }]),
    ).toMatch(/PROPOSAL_TEMPLATE_INVALID.*missing.*challengeWindow/);
  });

  it('name only setters and getters that exist on the contracts', () => {
    for (const [name, p] of Object.entries(SINGLE_PARAMETERS)) {
      const functions = protocolAbis[p.contract].filter((i) => i.type === 'function').map((i) => i.name);
      expect(functions, name).toContain(p.setter);
      expect(functions, name).toContain(p.getter);
    }
  });

  it('decode calls no template describes, and calls to other addresses', () => {
    const [unknownTarget] = decodeProposalActions({
      actions: [{ target: alice, value: 0n, data: '0x12345678' }],
      addresses,
    });
    expect(unknownTarget!.summary).toBe(`Call ${alice} with 4 bytes of data`);
  });
});

describe('proposal words', () => {
  it('formats amounts, durations and reasons', () => {
    expect(formatTokens(1_234_500_000_000_000_000_000n)).toBe('1,234.5 TRIB');
    expect(formatDuration(5_400)).toBe('1 hour 30 minutes');
    expect(formatDuration(7 * 86_400)).toBe('7 days');
    expect(reasonFromBytes32(reasonToBytes32('spam'))).toBe('spam');
  });

  it('puts the actions in the description and derives the id the governor does', () => {
    const description = proposalDescription({ title: 'Delist a model', body: 'It leaks.' }, [
      { summary: 'Delist model 2.' },
    ]);
    expect(description).toBe('# Delist a model\n\nIt leaks.\n\n## Actions\n\n1. Delist model 2.\n');
    expect(proposalTitle(description)).toBe('Delist a model');
    expect(proposalIdOf([{ target: alice, value: 0n, data: '0x' }], description)).toBeTypeOf('bigint');
  });
});
