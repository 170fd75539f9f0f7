/**
 * The response schema of a model's lineage (`ModelLineage` of @tributary/protocol), for the
 * OpenAPI document and the route tests. The type check at the end keeps the two in step.
 */
import type { ModelLineage } from '@tributary/protocol';
import { z } from 'zod';

const hexString = z.string().regex(/^0x[0-9a-fA-F]*$/);
const addressString = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = z.string().regex(/^\d+$/);
const chainRef = {
  txHash: hexString,
  blockNumber: decimal,
  time: z.string(),
};
const chainRefView = z.object(chainRef).meta({ id: 'ChainRef', description: 'where it happened on-chain' });

const lineageDatanet = z
  .object({
    datanetId: decimal,
    version: z.number().int(),
    name: z.string().nullable(),
    owner: addressString,
    licence: z.enum(['open', 'licensed']),
    licenceFee: decimal,
    licencePaid: z.object({ ...chainRef, fee: decimal }).nullable(),
    manifestRoot: hexString,
    manifestHash: hexString,
    contributionCount: z.number().int(),
    tokenCount: z.number().int(),
    committed: z.object({ ...chainRef, by: addressString }),
    host: z.object({ operator: addressString, endpoint: z.string() }).nullable(),
    snapshotUrl: z.string().nullable(),
    contributions: z
      .array(
        z.object({
          contributionId: decimal,
          contributor: addressString,
          contentHash: hexString,
          tokens: z.number().int(),
          removed: z.boolean(),
        }),
      )
      .nullable()
      .meta({ description: 'null when no node hosting the datanet could be read' }),
    contributors: z
      .array(
        z.object({ contributor: addressString, contributions: z.number().int(), tokens: z.number().int() }),
      )
      .nullable(),
    takedowns: z.array(
      z.object({
        ...chainRef,
        contributionId: decimal,
        reasonCode: z.number().int(),
        reason: z.string(),
        by: addressString,
      }),
    ),
  })
  .meta({ id: 'LineageDatanet' });

const proposal = z.object({
  proposalId: decimal,
  proposer: addressString,
  description: z.string(),
  state: z.string(),
  created: chainRefView,
  calls: z.array(z.object({ contract: z.string(), functionName: z.string(), args: z.array(z.string()) })),
});

const amounts = z.object({ calls: z.number().int(), fees: decimal });

const usage = z.object({
  calls: z.number().int(),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  fees: decimal,
  shares: z.object({
    protocol: decimal,
    compute: decimal,
    developer: decimal,
    dataAttributed: decimal,
    dataPool: decimal,
  }),
  byEpochStatus: z.object({ settled: amounts, pending: amounts, voided: amounts }),
  epochs: z.array(
    z.object({
      epoch: decimal,
      status: z.string(),
      calls: z.number().int(),
      fees: decimal,
      settled: chainRefView.nullable(),
    }),
  ),
  contributors: z.array(z.object({ contributor: addressString, calls: z.number().int(), amount: decimal })),
});

export const modelLineageView = z
  .object({
    format: z.literal('tributary-lineage/1'),
    generatedAt: z.string(),
    generatedBy: addressString,
    chainId: z.number().int(),
    contracts: z.object({
      modelRegistry: addressString,
      datanetRegistry: addressString,
      nodeRegistry: addressString,
      rewardDistributor: addressString,
      governor: addressString,
    }),
    model: z.object({
      id: decimal,
      version: z.number().int(),
      versionCount: z.number().int(),
      name: z.string().nullable(),
      kind: z.string().nullable(),
      params: z.record(z.string(), z.unknown()).nullable(),
      tokenizer: z.string().nullable(),
      excluded: z.array(decimal).nullable(),
      status: z.enum(['active', 'deprecated', 'delisted']),
      developer: addressString,
      artifactHash: hexString,
      configHash: hexString,
      pricing: z.object({ pricePerInputToken: decimal, pricePerOutputToken: decimal }),
      split: z.object({
        computeBps: z.number().int(),
        developerBps: z.number().int(),
        dataBps: z.number().int(),
      }),
      registered: chainRefView,
      published: chainRefView,
    }),
    servingNode: z.object({
      operator: addressString,
      endpoint: z.string().nullable(),
      signingKey: addressString.nullable(),
    }),
    datanets: z.array(lineageDatanet),
    rebuild: z.object({
      configUrl: z.string().nullable(),
      snapshotUrls: z.array(z.string()),
      steps: z.array(z.string()),
    }),
    governance: z.array(
      z.object({
        ...chainRef,
        kind: z.enum(['model-status', 'contributor-ban', 'node-slash', 'proposal']),
        summary: z.string(),
        proposal: proposal.nullable(),
      }),
    ),
    usage: usage.nullable().meta({ description: 'calls and payouts; only the serving node has them' }),
    usageFrom: z.string().nullable().meta({ description: 'the serving node’s lineage URL (for usage)' }),
  })
  .meta({ id: 'ModelLineage' });

// Compile-time: the schema's output is the protocol type, field for field (addresses and hashes
// are checked as strings here; the protocol narrows them to template types).
type Widen<T> = T extends `0x${string}`
  ? string
  : T extends readonly (infer E)[]
    ? Widen<E>[]
    : T extends object
      ? { [K in keyof T]: Widen<T[K]> }
      : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const inStep: Same<Widen<ModelLineage>, z.output<typeof modelLineageView>> = true;
void inStep;
