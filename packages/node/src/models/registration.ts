/**
 * A served model's on-chain registration must describe its artifact exactly, or the node refuses
 * to serve it: the version's config hash is the artifact's model.json, its datanet versions are
 * exactly the ones the artifact was built from (no more, no fewer), each with the manifest root the
 * chain committed, and the model holds the licence (fee paid, `DatanetLicensed`) of every licensed
 * datanet among them. Otherwise a developer could register an artifact built from a licensed
 * datanet while declaring only free ones, and the node would serve licensed text unpaid.
 */
import type { Queryable } from '../store/db.js';
import { configHashOf, type ModelConfig } from './artifact.js';

export type RegistrationRecord = {
  modelId: string;
  configHash: string;
  /** The version's datanets as ModelRegistry recorded them. */
  datanets: readonly { datanetId: string | number; version: string | number }[];
};

/** Why a registration does not match its artifact. */
export type RegistrationMismatch = { code: string; reason: string };

const key = (d: { datanetId: string | number; version: string | number }) =>
  `${BigInt(d.datanetId)}@${BigInt(d.version)}`;

/**
 * The first way the registration differs from the artifact's configuration, or null when they
 * match exactly.
 * @example
 * const mismatch = await checkRegistration(db, { modelId: '3', configHash, datanets }, config);
 */
export async function checkRegistration(
  db: Queryable,
  record: RegistrationRecord,
  config: ModelConfig,
): Promise<RegistrationMismatch | null> {
  if (configHashOf(config).toLowerCase() !== record.configHash.toLowerCase()) {
    return {
      code: 'CONFIG_MISMATCH',
      reason: `the registered config hash ${record.configHash} is not the artifact's model.json (${configHashOf(config)})`,
    };
  }
  const registered = new Set(record.datanets.map(key));
  const built = new Set(config.datanets.map(key));
  const undeclared = [...built].filter((d) => !registered.has(d));
  const unused = [...registered].filter((d) => !built.has(d));
  if (undeclared.length > 0 || unused.length > 0) {
    return {
      code: 'DATANETS_MISMATCH',
      reason: [
        'the registered datanet versions are not the ones the artifact was built from',
        undeclared.length ? `built from but not registered: ${undeclared.join(', ')}` : '',
        unused.length ? `registered but not built from: ${unused.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  }
  for (const ref of config.datanets) {
    const [version] = await db.query<{ manifest_root: string }>(
      "select manifest_root from datanet_versions where datanet_id = $1 and version = $2 and status = 'committed'",
      [ref.datanetId, ref.version],
    );
    if (version?.manifest_root.toLowerCase() !== ref.manifestRoot.toLowerCase()) {
      return {
        code: 'MANIFEST_MISMATCH',
        reason: `datanet ${ref.datanetId} version ${ref.version} has manifest root ${version?.manifest_root ?? 'none'} on-chain, the artifact says ${ref.manifestRoot}`,
      };
    }
    const [licence] = await db.query<{ licensed: boolean; held: boolean }>(
      `select (d.policy->>'licence')::int = 1 as licensed,
              exists (select 1 from model_licences l where l.model_id = $2 and l.datanet_id = d.id) as held
       from datanets d where d.id = $1`,
      [ref.datanetId, record.modelId],
    );
    if (licence?.licensed && !licence.held) {
      return {
        code: 'NOT_LICENSED',
        reason: `model ${record.modelId} holds no licence for licensed datanet ${ref.datanetId} (no DatanetLicensed on-chain)`,
      };
    }
  }
  return null;
}
