/**
 * Who may build a model from a datanet, by the contracts' licence rules. An open datanet: anyone.
 * A licensed one (DatanetRegistry policy `Licensed`): its owner and curators (they hold the
 * content), and the developer of a model that holds its licence in ModelRegistry (`isLicensed`,
 * recorded by `DatanetLicensed` when a version using it was published and its fee paid) and is
 * not delisted. Anyone else is refused before any of its content is read.
 */
import { type Address, getAddress } from 'viem';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { canCurate, getDatanet } from '../datanets/datanetQueries.js';
import { forbidden } from '../errors.js';

const DELISTED = 2;

/** Throws 403 NOT_LICENSED unless `builder` may build from every datanet in `datanets`. */
export async function requireBuildAccess(
  ctx: Context,
  builder: Address,
  datanets: readonly { datanetId: string }[],
): Promise<void> {
  for (const { datanetId } of datanets) {
    const datanet = await getDatanet(ctx, datanetId);
    if (datanet.policy.licence === 'open' || canCurate(datanet, builder)) continue;
    const held = await ctx.db.query(
      `select 1 from model_licences l join models m on m.id = l.model_id
       where l.datanet_id = $1 and m.developer = $2 and m.status <> $3 limit 1`,
      [datanetId, addressKey(builder), DELISTED],
    );
    if (held.length > 0) continue;
    throw forbidden('NOT_LICENSED', `${getAddress(builder)} holds no licence for datanet ${datanetId}`, [
      `datanet ${datanetId} is licensed (fee ${datanet.policy.licenceFee} base units, paid once per model to its owner)`,
      'its owner and curators may build from it, and developers of a model that licensed it in ModelRegistry',
      `to license it: publish a model version naming datanet ${datanetId} (ModelRegistry.registerModel or publishVersion pays the fee), then build`,
    ]);
  }
}
