/**
 * Prometheus metrics, one registry per node (no module-level state).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** The node's metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'tributary_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'tributary_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    indexedBlock: new Gauge({
      name: 'tributary_indexer_block',
      help: 'Last block the event indexer has processed',
      registers: [registry],
    }),
    chainHead: new Gauge({
      name: 'tributary_chain_head',
      help: 'Chain head the indexer saw',
      registers: [registry],
    }),
    reorgs: new Counter({
      name: 'tributary_indexer_reorgs_total',
      help: 'Reorgs undone',
      registers: [registry],
    }),
    transactions: new Counter({
      name: 'tributary_transactions_total',
      help: 'Transactions sent, by purpose and outcome',
      labelNames: ['purpose', 'outcome'] as const,
      registers: [registry],
    }),
    contributions: new Counter({
      name: 'tributary_contributions_total',
      help: 'Contributions received, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
  };
}
