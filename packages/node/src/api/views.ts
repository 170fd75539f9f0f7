/**
 * Response schemas: what each route answers, for the OpenAPI document and for the route tests
 * (which check every 2xx body against its route's schema). They describe the shapes in
 * `@tributary/protocol`'s api.ts; the tests keep the two in step.
 */
import { z } from 'zod';
import { governanceTotalsView } from './governanceViews.js';

const hexString = z.string().regex(/^0x[0-9a-fA-F]*$/);
const addressString = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const decimal = z.string().regex(/^\d+$/);
const time = z.string();

export const errorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'machine-readable, e.g. BAD_REQUEST, INVALID_SIGNATURE' }),
      message: z.string(),
      details: z.array(z.string()).meta({ description: 'what was wrong and what to do' }),
    }),
  })
  .meta({ id: 'Error' });

export const policyView = z
  .object({
    contributionMode: z.enum(['open', 'curated']),
    licence: z.enum(['open', 'licensed']),
    minDataBps: z.number().int(),
    contributionBond: decimal,
    licenceFee: decimal,
  })
  .meta({ id: 'Policy' });

export const datanetView = z
  .object({
    id: decimal,
    owner: addressString,
    curators: z.array(addressString),
    metadataHash: hexString,
    metadata: z.record(z.string(), z.unknown()).nullable(),
    policy: policyView,
    versionCount: z.number().int(),
    createdAt: time,
  })
  .meta({ id: 'Datanet' });

export const contributionView = z
  .object({
    id: decimal,
    datanetId: decimal,
    contributor: addressString,
    contentHash: hexString,
    filename: z.string(),
    mediaType: z.string(),
    bytes: z.number().int(),
    tokens: z.number().int(),
    status: z.enum(['pending', 'accepted', 'rejected', 'removed']),
    createdAt: time,
    decidedAt: time.nullable(),
    removedAt: time.nullable(),
    removalReason: z.number().int().nullable(),
  })
  .meta({ id: 'Contribution' });

export const versionView = z
  .object({
    datanetId: decimal,
    version: z.number().int(),
    parentVersion: z.number().int(),
    manifestRoot: hexString,
    manifestHash: hexString,
    contributionCount: z.number().int(),
    tokenCount: z.number().int(),
    status: z.enum(['pending', 'committed', 'failed']),
    author: addressString.nullable(),
    blockNumber: decimal.nullable(),
    committedAt: time.nullable(),
    added: z.array(decimal),
    removed: z.array(decimal),
  })
  .meta({ id: 'Version' });

export const proofView = z
  .object({
    datanetId: decimal,
    version: z.number().int(),
    manifestRoot: hexString,
    leaf: z.object({ contributionId: decimal, contributor: addressString, contentHash: hexString }),
    proof: z.array(hexString),
  })
  .meta({ id: 'Proof' });

export const historyEntry = z
  .object({
    kind: z.enum(['created', 'version', 'removed', 'owner', 'policy', 'metadata', 'curator']),
    blockNumber: decimal,
    time,
    txHash: hexString,
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'HistoryEntry' });

export const accountView = z
  .object({ address: addressString, createDatanetNonce: decimal, banned: z.boolean() })
  .meta({ id: 'Account' });

export const attributionView = z
  .looseObject({
    indexRoot: hexString,
    tokenizer: z.string(),
    tokens: z.number().int(),
    totalInformation: z.number(),
    contributions: z.array(
      z.looseObject({ contributionId: z.string(), contributor: z.string(), ppm: z.number().int() }),
    ),
    contributors: z.array(z.object({ contributor: z.string(), ppm: z.number().int() })),
    spans: z.array(
      z.looseObject({ tokenStart: z.number().int(), tokenEnd: z.number().int(), text: z.string() }),
    ),
  })
  .meta({ id: 'Attribution' });

const datanetRef = z.object({ datanetId: decimal, version: z.number().int() });

export const buildView = z
  .object({
    id: z.string(),
    developer: addressString,
    name: z.string(),
    kind: z.enum(['infini-gram', 'retrieval', 'upstream']),
    params: z.record(z.string(), z.unknown()),
    datanets: z.array(datanetRef),
    status: z.enum(['queued', 'running', 'built', 'failed']),
    progress: z.object({ documentsDone: z.number().int(), documentsTotal: z.number().int().nullable() }),
    artifactHash: hexString.nullable(),
    configHash: hexString.nullable(),
    error: z.string().nullable(),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'Build' });

const split = z.object({
  computeBps: z.number().int(),
  developerBps: z.number().int(),
  dataBps: z.number().int(),
});

export const catalogModel = z
  .looseObject({
    id: decimal,
    name: z.string(),
    version: z.number().int(),
    kind: z.string(),
    status: z.enum(['active', 'deprecated', 'delisted']),
    developer: addressString,
    artifactHash: hexString,
    configHash: hexString,
    pricing: z.object({ pricePerInputToken: decimal, pricePerOutputToken: decimal }),
    split,
    datanets: z.array(z.looseObject({ datanetId: decimal, version: z.number().int() })),
    contextTokens: z.number().int(),
    maxOutputTokens: z.number().int(),
    serving: z
      .object({
        state: z.enum(['ready', 'rebuilding', 'refused']),
        code: z.string().nullable(),
        reason: z.string().nullable(),
        takedowns: z.object({ count: z.number().int(), root: hexString }),
      })
      .meta({
        description:
          'whether the node serves it now: `rebuilding` (503 until its artifact is rebuilt after tampering or a ' +
          'takedown) or `refused` (`code`, `reason`: e.g. a registration that does not match the artifact); ' +
          '`takedowns`: contributions of its datanet versions taken down since its build, left out of what serves it',
      }),
  })
  .meta({ id: 'CatalogModel' });

export const modelVersionView = z
  .object({
    modelId: decimal,
    version: z.number().int(),
    artifactHash: hexString,
    configHash: hexString,
    datanets: z.unknown(),
    config: z.record(z.string(), z.unknown()).nullable(),
    files: z
      .array(z.object({ path: z.string(), sha256: z.string(), bytes: z.number().int() }))
      .nullable()
      .meta({ description: 'the registered artifact’s files (their list hashes to `artifactHash`)' }),
    derived: z
      .array(
        z.object({
          takedownRoot: hexString,
          takedowns: z.array(decimal),
          servedHash: hexString,
          indexRoot: hexString,
        }),
      )
      .meta({ description: 'artifacts served after takedowns: the contributions each leaves out, its hash' }),
  })
  .meta({ id: 'ModelVersion' });

const tokenRangeProof = z.object({
  start: z.number().int(),
  length: z.number().int(),
  salts: z.array(hexString),
  siblings: z.array(hexString),
});

export const receiptEvidenceView = z
  .object({
    receiptId: hexString,
    outputSha256: hexString,
    contributions: z.array(
      z.object({
        contributionId: decimal,
        outputStart: z
          .number()
          .int()
          .nullable()
          .meta({ description: 'where the run starts in the answer’s tokens' }),
        proof: tokenRangeProof.nullable(),
        unavailable: z.string().nullable().meta({ description: 'why there is no proof' }),
      }),
    ),
  })
  .meta({ id: 'ReceiptEvidence' });

export const quoteView = z
  .object({
    model: z.string(),
    inputTokens: z.number().int(),
    maxOutputTokens: z.number().int(),
    pricePerInputToken: decimal,
    pricePerOutputToken: decimal,
    maxCost: decimal,
    available: decimal.optional(),
    covered: z.boolean().optional(),
  })
  .meta({ id: 'Quote' });

export const receiptView = z
  .object({
    id: hexString,
    receiptHash: hexString,
    signature: hexString,
    receipt: z.looseObject({
      version: z.number().int(),
      chainId: z.number().int(),
      node: addressString,
      payer: addressString,
      fee: decimal,
    }),
    promptSalt: hexString
      .optional()
      .meta({ description: 'only for the payer: the salt of the input and output commitments' }),
  })
  .meta({ id: 'Receipt' });

export const activityEntry = z
  .object({
    receiptId: hexString,
    time,
    epoch: decimal,
    payer: z.string().optional().meta({ description: 'only in the payer’s own activity' }),
    modelId: decimal,
    modelVersion: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    fee: decimal,
    earned: decimal.optional().meta({ description: 'the caller’s share (contributor or developer queries)' }),
  })
  .meta({ id: 'ActivityEntry' });

export const activityAggregate = z
  .object({
    day: z.string(),
    modelId: decimal,
    calls: z.number().int(),
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    fees: decimal,
  })
  .meta({ id: 'ActivityAggregate' });

export const fundsView = z
  .object({
    balance: decimal,
    authorized: decimal,
    expiry: decimal,
    unsettled: decimal,
    reserved: decimal,
    available: decimal,
  })
  .meta({ id: 'Funds' });

export const rewardsView = z
  .object({
    node: addressString,
    account: addressString,
    claimed: decimal,
    claimable: z
      .object({ epoch: decimal, cumulativeAmount: decimal, amount: decimal, proof: z.array(hexString) })
      .nullable(),
    pending: z.object({ epoch: decimal, cumulativeAmount: decimal }).nullable(),
  })
  .meta({ id: 'Rewards' });

const amountRow = z.record(z.string(), z.string());

export const earningsView = z.looseObject({
  account: addressString.optional(),
  byModel: z.array(amountRow).optional(),
  byEpoch: z.array(amountRow),
});

export const protocolTotalsView = z
  .object({
    calls: decimal,
    feesPaid: decimal,
    feesSettled: decimal,
    paidOut: z.object({ protocol: decimal, compute: decimal, developer: decimal, data: decimal }),
    treasuryBalance: decimal,
    tokenSupply: decimal,
    emission: decimal,
    ...governanceTotalsView,
  })
  .meta({ id: 'ProtocolTotals' });

export const openAiModelList = z.looseObject({
  object: z.literal('list'),
  data: z.array(z.looseObject({ id: z.string(), object: z.literal('model') })),
});

export const openAiCompletion = z
  .looseObject({
    id: z.string(),
    object: z.string(),
    model: z.string(),
    choices: z.array(z.looseObject({ index: z.number().int(), finish_reason: z.string().nullable() })),
    usage: z.looseObject({ prompt_tokens: z.number().int(), completion_tokens: z.number().int() }),
    attribution: z.looseObject({ receipt_id: hexString }),
  })
  .meta({
    id: 'Completion',
    description:
      'with `stream: true`, server-sent events of chunks; the last chunk holds usage and attribution',
  });
