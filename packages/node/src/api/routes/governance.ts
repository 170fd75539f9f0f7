/**
 * Governance over REST: proposals with their state, tally and actions in plain words, one
 * proposal with its votes, an account's voting power, delegation and voter rewards, the
 * settings, the proposal templates, and (for the operator) a keeper pass now.
 */
import {
  PROPOSAL_STATES,
  PROPOSAL_TEMPLATE_KINDS,
  SINGLE_PARAMETERS,
  settlementParameterFields,
} from '@tributary/protocol';
import { z } from 'zod';
import { addressKey } from '../../chain/chainContext.js';
import { forbidden } from '../../errors.js';
import { governanceAccount } from '../../governance/accounts.js';
import { readGovernanceParameters } from '../../governance/chainReads.js';
import { keeperPass } from '../../governance/keeper.js';
import { getProposal, listProposals } from '../../governance/proposals.js';
import {
  governanceAccountView,
  governanceParametersView,
  proposalSummaryView,
  proposalView,
} from '../governanceViews.js';
import { defineRoute } from '../route.js';
import { address, decimalId } from '../validate.js';

const tag = 'governance';

export const governanceRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/governance/proposals',
    tag,
    summary: 'Proposals, newest first, with state, tally and each action in plain words',
    auth: 'none',
    query: z.object({
      state: z.enum(PROPOSAL_STATES).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    responses: {
      200: { description: 'the proposals', schema: z.object({ proposals: z.array(proposalSummaryView) }) },
    },
    errors: [503],
    handler: async ({ c, ctx, query }) => c.json({ proposals: await listProposals(ctx, query) }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/governance/proposals/:id',
    tag,
    summary: 'One proposal: decoded actions, votes, the next step and its voter-reward status',
    auth: 'none',
    params: z.object({ id: decimalId }),
    responses: { 200: { description: 'the proposal', schema: proposalView } },
    errors: [404, 503],
    handler: async ({ c, ctx, params }) => c.json(await getProposal(ctx, BigInt(params.id))),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/governance/accounts/:address',
    tag,
    summary: 'An account’s voting power, delegate, votes and voter rewards (claimable and claimed)',
    auth: 'none',
    params: z.object({ address }),
    responses: { 200: { description: 'the account', schema: governanceAccountView } },
    errors: [503],
    handler: async ({ c, ctx, params }) => c.json(await governanceAccount(ctx, params.address)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/governance/parameters',
    tag,
    summary: 'Governance settings now: delays, quorum, timelock, treasury and voter-reward budget',
    auth: 'none',
    responses: { 200: { description: 'the settings', schema: governanceParametersView } },
    errors: [503],
    handler: async ({ c, ctx }) => c.json(await readGovernanceParameters(ctx)),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/governance/templates',
    tag,
    summary: 'The proposal templates and the parameters a proposal can set',
    auth: 'none',
    responses: {
      200: {
        description: 'template kinds and parameter names',
        schema: z.object({ kinds: z.array(z.string()), parameters: z.array(z.string()) }),
      },
    },
    handler: ({ c }) =>
      c.json({
        kinds: [...PROPOSAL_TEMPLATE_KINDS],
        parameters: [...Object.keys(SINGLE_PARAMETERS), ...settlementParameterFields()],
      }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/governance/keeper/run',
    tag,
    summary: 'Operator only: finalize epochs past their window and sweep protocol fees now',
    auth: 'apiKey',
    responses: {
      200: {
        description: 'what the pass did',
        schema: z.object({ finalized: z.array(z.string()), swept: z.string().regex(/^\d+$/) }),
      },
    },
    errors: [403, 503],
    handler: async ({ c, ctx, account }) => {
      if (addressKey(account) !== addressKey(ctx.chain.operator.address)) {
        throw forbidden('NOT_OPERATOR', 'only the node operator can run the keeper by hand');
      }
      const done = await keeperPass(ctx);
      return c.json({ finalized: done.finalized, swept: done.swept.toString() });
    },
  }),
];
