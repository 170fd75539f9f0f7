/**
 * A model version's takedown state: the contributions of its datanet versions taken down since
 * its build (those already missing at build time are in model.json's `excluded`). A receipt names
 * the state it was served under by `{ count, root }`; the root is sha256 of the canonical JSON
 * `{ format: "tributary-takedowns/1", contributions: [ids ascending] }`, so a verifier given the
 * list can check it and rebuild exactly what was served.
 */
import { compareContributionIds } from '@tributary/attribution';
import { canonicalJson } from '@tributary/protocol';
import { type Hex, sha256, toBytes } from 'viem';
import type { Queryable } from '../store/db.js';
import type { ModelConfig } from './artifact.js';

export const TAKEDOWNS_FORMAT = 'tributary-takedowns/1';

export type TakedownSet = {
  /** Contribution ids, ascending. */
  ids: string[];
  count: number;
  root: Hex;
};

/** The takedown set of `ids` (any order). */
export function takedownSet(ids: readonly string[]): TakedownSet {
  const sorted = [...new Set(ids)].sort(compareContributionIds);
  const root = sha256(toBytes(canonicalJson({ format: TAKEDOWNS_FORMAT, contributions: sorted })));
  return { ids: sorted, count: sorted.length, root };
}

/** The contributions of the model's datanet versions taken down since its build. */
export async function modelTakedowns(db: Queryable, config: ModelConfig): Promise<TakedownSet> {
  const versions = config.datanets.map((d) => `${d.datanetId}@${d.version}`);
  const rows = await db.query<{ id: string }>(
    `select c.id::text as id from version_contributions v join contributions c on c.id = v.contribution_id
     where (v.datanet_id::text || '@' || v.version::text) = any($1) and c.status = 'removed'`,
    [versions],
  );
  const excluded = new Set(config.excluded);
  return takedownSet(rows.map((r) => r.id).filter((id) => !excluded.has(id)));
}
