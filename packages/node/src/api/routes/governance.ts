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
import { Hono } from 'hono';
import { z } from 'zod';
import { addressKey } from '../../chain/chainContext.js';
import { forbidden } from '../../errors.js';
import { governanceAccount } from '../../governance/accounts.js';
import { readGovernanceParameters } from '../../governance/chainReads.js';
import { keeperPass } from '../../governance/keeper.js';
import { getProposal, listProposals } from '../../governance/proposals.js';
import { type AppEnv, requireAccount } from '../app.js';
import { address, parse } from '../validate.js';

const listQuery = z.object({
  state: z.enum(PROPOSAL_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const proposalId = z.string().regex(/^(0|[1-9]\d{0,77})$/, 'a proposal id (decimal)');

export function governanceRoutes() {
  const app = new Hono<AppEnv>();
  app.get('/proposals', async (c) => {
    const query = parse(listQuery, c.req.query(), 'query');
    return c.json({ proposals: await listProposals(c.get('ctx'), query) });
  });
  app.get('/proposals/:id', async (c) =>
    c.json(await getProposal(c.get('ctx'), BigInt(parse(proposalId, c.req.param('id'), 'proposal id')))),
  );
  app.get('/accounts/:address', async (c) =>
    c.json(await governanceAccount(c.get('ctx'), parse(address, c.req.param('address'), 'address'))),
  );
  app.get('/parameters', async (c) => c.json(await readGovernanceParameters(c.get('ctx'))));
  app.get('/templates', (c) =>
    c.json({
      kinds: PROPOSAL_TEMPLATE_KINDS,
      parameters: [...Object.keys(SINGLE_PARAMETERS), ...settlementParameterFields()],
    }),
  );
  app.post('/keeper/run', async (c) => {
    const ctx = c.get('ctx');
    const account = await requireAccount(ctx, c.req.header('authorization'));
    if (addressKey(account) !== addressKey(ctx.chain.operator.address)) {
      throw forbidden('NOT_OPERATOR', 'only the node operator can run the keeper by hand');
    }
    const done = await keeperPass(ctx);
    return c.json({ finalized: done.finalized, swept: done.swept.toString() });
  });
  return app;
}
