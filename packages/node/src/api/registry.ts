/**
 * Every route of the node's HTTP API, in one list: it drives validation (install.ts), the OpenAPI
 * document and reference page, and the route fuzz test.
 */
import type { Route } from './route.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { datanetRoutes } from './routes/datanets.js';
import { docsRoutes } from './routes/docs.js';
import { governanceRoutes } from './routes/governance.js';
import { modelRoutes } from './routes/models.js';
import { openAiRouteDeclarations } from './routes/openaiRoutes.js';
import { settlementRoutes } from './routes/settlement.js';
import { systemRoutes } from './routes/system.js';

/** The routes of one app. */
export function apiRoutes(): readonly Route[] {
  const routes: Route[] = [];
  const all = () => routes;
  routes.push(
    ...systemRoutes(all),
    ...docsRoutes(all),
    ...authRoutes,
    ...accountRoutes,
    ...datanetRoutes,
    ...modelRoutes,
    ...openAiRouteDeclarations,
    ...settlementRoutes,
    ...governanceRoutes,
  );
  return routes;
}
