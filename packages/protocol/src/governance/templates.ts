/**
 * Proposal templates: every action governance can take, as a small typed object a person can
 * write (or a CLI flag can fill), validated with zod, and encoded into the governor's
 * (target, value, calldata) actions. `decodeProposalActions` turns actions back into templates.
 */
import { type Address, getAddress, type Hex, isAddress } from 'viem';
import { z } from 'zod';

const uint = z
  .union([
    z.bigint(),
    z.string().regex(/^\d{1,78}$/, 'a non-negative integer'),
    z.number().int().nonnegative(),
  ])
  .transform((v) => BigInt(v));
const id = uint;
const address = z
  .string()
  .refine((v) => isAddress(v, { strict: false }), 'an Ethereum address (0x + 40 hex digits)')
  .transform((v) => getAddress(v) as Address);
const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, 'a 32-byte hash (0x + 64 hex digits)')
  .transform((v) => v.toLowerCase() as Hex);
const reason = z
  .string()
  .refine((v) => new TextEncoder().encode(v).length <= 32, 'at most 32 bytes')
  .default('');
const bps = z.number().int().min(0).max(10_000);
const split = z
  .object({ computeBps: bps, developerBps: bps, dataBps: bps })
  .refine(
    (s) => s.computeBps + s.developerBps + s.dataBps === 10_000,
    'compute, developer and data shares must sum to 10,000 bps',
  );

/** Every template, by `kind`. */
export const proposalTemplateSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('delist-model'), modelId: id, reason }),
  z.object({ kind: z.literal('relist-model'), modelId: id, reason }),
  z.object({ kind: z.literal('ban-contributor'), account: address }),
  z.object({ kind: z.literal('unban-contributor'), account: address }),
  z.object({
    kind: z.literal('set-parameter'),
    parameter: z.string().min(1),
    value: z.union([uint, address]),
  }),
  z.object({
    kind: z.literal('set-settlement-parameters'),
    parameters: z.record(z.string(), z.union([uint, address])),
  }),
  z.object({
    kind: z.literal('treasury-grant'),
    recipients: z
      .array(z.object({ account: address, amount: uint }))
      .min(1)
      .max(64),
  }),
  z.object({ kind: z.literal('fund-voter-rewards'), amount: uint }),
  z.object({
    kind: z.literal('move-model'),
    modelId: id,
    artifactHash: bytes32,
    configHash: bytes32,
    datanets: z
      .array(z.object({ datanetId: id, version: z.coerce.number().int().positive() }))
      .min(1)
      .max(32),
    /** The most the treasury pays in licence fees for newly used licensed datanets. */
    maxLicenceFees: uint.default(0n),
  }),
  z.object({ kind: z.literal('set-model-split'), modelId: id, split }),
  z.object({ kind: z.literal('adopt-model'), modelId: id }),
  z.object({ kind: z.literal('release-model'), modelId: id }),
  z.object({
    kind: z.literal('slash-node'),
    operator: address,
    amount: uint,
    recipient: address,
    reason,
  }),
  z.object({
    kind: z.literal('resolve-challenge'),
    node: address,
    epoch: uint,
    upheld: z.boolean(),
    reason,
  }),
]);

/** A validated template (amounts and ids as bigints, addresses checksummed). */
export type ProposalTemplate = z.output<typeof proposalTemplateSchema>;
/** A template as a person or a JSON file writes it (amounts as strings or numbers). */
export type ProposalTemplateInput = z.input<typeof proposalTemplateSchema>;
export type ProposalTemplateKind = ProposalTemplate['kind'];

/** The kinds, for help texts and pickers. */
export const PROPOSAL_TEMPLATE_KINDS = proposalTemplateSchema.options.map(
  (o) => o.shape.kind.value,
) as ProposalTemplateKind[];

/** One call the timelock makes when the proposal executes. */
export type ProposalAction = { target: Address; value: bigint; data: Hex };
