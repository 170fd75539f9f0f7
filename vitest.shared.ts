/**
 * What every package's vitest config shares: tests run the TypeScript sources. Workspace
 * packages resolve through their `source` export condition (installed packages, without it, get
 * the built JavaScript in dist/).
 */
export const runFromSource = {
  ssr: { resolve: { conditions: ['tributary-source', 'module', 'node', 'development|production'] } },
};
