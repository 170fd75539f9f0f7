/**
 * Templates → the governor's actions. Only setting one settlement parameter reads the chain (the
 * reward distributor takes all of them at once, so the others are kept as they are).
 */
import { type Abi, encodeFunctionData, type PublicClient } from 'viem';
import type { ProtocolAddresses } from '../deploy.js';
import { TributaryError } from '../errors.js';
import {
  datanetRegistryAbi,
  modelRegistryAbi,
  nodeRegistryAbi,
  rewardDistributorAbi,
  tributaryTokenAbi,
} from '../generated/contracts.js';
import { DISTRIBUTOR_SETTER, SINGLE_PARAMETERS, type SingleParameterName } from './parameters.js';
import {
  type ProposalAction,
  type ProposalTemplate,
  type ProposalTemplateInput,
  proposalTemplateSchema,
} from './templates.js';
import { reasonToBytes32 } from './words.js';

/** Thrown when a template is invalid or cannot be encoded (unknown parameter, value out of bounds). */
export class ProposalTemplateError extends TributaryError {
  override name = 'ProposalTemplateError';
}

export type EncodeProposalParameters = {
  templates: readonly ProposalTemplateInput[];
  addresses: ProtocolAddresses;
  /** Needed only to set one settlement parameter (the others are read from the chain). */
  publicClient?: PublicClient;
};

/**
 * Validates templates and encodes them into actions, in order.
 *
 * @example
 * const actions = await encodeProposal({ templates: [{ kind: 'delist-model', modelId: 2n, reason: 'harmful' }], addresses });
 */
export async function encodeProposal(parameters: EncodeProposalParameters): Promise<ProposalAction[]> {
  const actions: ProposalAction[] = [];
  for (const [i, input] of parameters.templates.entries()) {
    const parsed = proposalTemplateSchema.safeParse(input);
    if (!parsed.success) {
      throw new ProposalTemplateError({
        code: 'PROPOSAL_TEMPLATE_INVALID',
        message: `template ${i + 1} (${(input as { kind?: string }).kind ?? 'no kind'}) is invalid`,
        details: parsed.error.issues.map(
          (issue) => `${issue.path.join('.') || 'template'}: ${issue.message}`,
        ),
      });
    }
    actions.push(...(await encodeTemplate(parsed.data, parameters)));
  }
  return actions;
}

const call = (
  target: ProposalAction['target'],
  abi: Abi,
  functionName: string,
  args: readonly unknown[],
) => ({
  target,
  value: 0n,
  data: encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]),
});

async function encodeTemplate(
  t: ProposalTemplate,
  { addresses: a, publicClient }: EncodeProposalParameters,
): Promise<ProposalAction[]> {
  switch (t.kind) {
    case 'delist-model':
    case 'relist-model':
      return [
        call(a.modelRegistry, modelRegistryAbi, t.kind === 'delist-model' ? 'delist' : 'relist', [
          t.modelId,
          reasonToBytes32(t.reason),
        ]),
      ];
    case 'ban-contributor':
    case 'unban-contributor':
      return [
        call(a.datanetRegistry, datanetRegistryAbi, 'setBanned', [t.account, t.kind === 'ban-contributor']),
      ];
    case 'set-parameter':
      return [await encodeParameter(t.parameter, t.value, a, publicClient)];
    case 'set-settlement-parameters': {
      const fields = settlementParameterFields();
      const missing = fields.filter((f) => !(f in t.parameters));
      const unknown = Object.keys(t.parameters).filter((f) => !fields.includes(f));
      if (missing.length > 0 || unknown.length > 0) {
        throw new ProposalTemplateError({
          code: 'PROPOSAL_TEMPLATE_INVALID',
          message: 'set-settlement-parameters sets every settlement parameter at once',
          details: [
            ...(missing.length ? [`missing: ${missing.join(', ')}`] : []),
            ...(unknown.length ? [`unknown: ${unknown.join(', ')}`] : []),
            'to change one, use set-parameter (the others are read from the chain)',
          ],
        });
      }
      return [call(a.rewardDistributor, rewardDistributorAbi, DISTRIBUTOR_SETTER, [t.parameters])];
    }
    case 'treasury-grant':
      return t.recipients.map((r) => call(a.token, tributaryTokenAbi, 'transfer', [r.account, r.amount]));
    case 'fund-voter-rewards':
      return [call(a.token, tributaryTokenAbi, 'transfer', [a.governanceRewards, t.amount])];
    case 'move-model': {
      const publish = call(a.modelRegistry, modelRegistryAbi, 'governancePublishVersion', [
        t.modelId,
        t.artifactHash,
        t.configHash,
        t.datanets.map((d) => ({ datanetId: d.datanetId, version: BigInt(d.version) })),
        t.maxLicenceFees,
      ]);
      if (t.maxLicenceFees === 0n) return [publish];
      // The treasury pays new licences: allow exactly this much, and take the allowance back after.
      const approve = (amount: bigint) =>
        call(a.token, tributaryTokenAbi, 'approve', [a.modelRegistry, amount]);
      return [approve(t.maxLicenceFees), publish, approve(0n)];
    }
    case 'set-model-split':
      return [call(a.modelRegistry, modelRegistryAbi, 'governanceSetSplit', [t.modelId, t.split])];
    case 'adopt-model':
    case 'release-model':
      return [
        call(a.modelRegistry, modelRegistryAbi, 'setCommunityGoverned', [
          t.modelId,
          t.kind === 'adopt-model',
        ]),
      ];
    case 'slash-node':
      return [
        call(a.nodeRegistry, nodeRegistryAbi, 'slash', [
          t.operator,
          t.amount,
          t.recipient,
          reasonToBytes32(t.reason),
        ]),
      ];
    case 'resolve-challenge':
      return [
        call(a.rewardDistributor, rewardDistributorAbi, 'resolveChallenge', [
          t.node,
          t.epoch,
          t.upheld,
          reasonToBytes32(t.reason),
        ]),
      ];
  }
}

/** The fields of the reward distributor's parameter struct, as its ABI declares them. */
export function settlementParameterFields(): string[] {
  const setter = rewardDistributorAbi.find((i) => i.type === 'function' && i.name === DISTRIBUTOR_SETTER) as
    | { inputs: readonly { components?: readonly { name: string }[] }[] }
    | undefined;
  return setter?.inputs[0]?.components?.map((c) => c.name) ?? [];
}

async function encodeParameter(
  name: string,
  value: bigint | string,
  a: ProtocolAddresses,
  publicClient: PublicClient | undefined,
): Promise<ProposalAction> {
  const single = SINGLE_PARAMETERS[name as SingleParameterName];
  if (single) {
    if (typeof value !== 'bigint') throw invalidValue(name, value, 'a number');
    if ('max' in single && value > single.max) throw invalidValue(name, value, `at most ${single.max}`);
    return call(a[single.contract], single.abi, single.setter, [value]);
  }
  const fields = settlementParameterFields();
  if (!fields.includes(name)) {
    throw new ProposalTemplateError({
      code: 'PROPOSAL_UNKNOWN_PARAMETER',
      message: `there is no governed parameter "${name}"`,
      details: [`parameters: ${[...Object.keys(SINGLE_PARAMETERS), ...fields].join(', ')}`],
    });
  }
  if (/Bps$/.test(name) && typeof value === 'bigint' && value > 10_000n)
    throw invalidValue(name, value, 'at most 10,000 bps');
  if (!publicClient) {
    throw new ProposalTemplateError({
      code: 'PROPOSAL_NEEDS_CHAIN',
      message: `setting ${name} needs the chain: the other settlement parameters are kept as they are`,
      details: ['pass publicClient to encodeProposal'],
    });
  }
  const current: Record<string, unknown> = {};
  for (const field of fields) {
    current[field] = await publicClient.readContract({
      address: a.rewardDistributor,
      abi: rewardDistributorAbi as Abi,
      functionName: field,
    });
  }
  return call(a.rewardDistributor, rewardDistributorAbi, DISTRIBUTOR_SETTER, [{ ...current, [name]: value }]);
}

const invalidValue = (name: string, value: unknown, expected: string) =>
  new ProposalTemplateError({
    code: 'PROPOSAL_VALUE_OUT_OF_BOUNDS',
    message: `${name} must be ${expected}, got ${String(value)}`,
  });
