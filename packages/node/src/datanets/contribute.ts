/**
 * A contributor uploads a text file to a datanet, signed (EIP-712) over the datanet, the
 * content's sha256, a fresh nonce and a deadline. The contribution is acknowledged only once its
 * bytes are on disk (fsync) and its row is committed; an open datanet accepts it at once and it
 * is attributable when the response arrives.
 */
import { tokenIds } from '@tributary/attribution';
import { contributionTypes, datanetRegistryAbi, datanetRegistryDomain } from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import { verifySignature } from '../auth/verifySignature.js';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { conflict, forbidden, paymentRequired, rateLimited, tooLarge } from '../errors.js';
import { crashPoint } from '../faults.js';
import { sha256Hex } from '../store/blobs.js';
import {
  type ContributionRow,
  type ContributionView,
  contributionColumns,
  contributionView,
} from './contributionQueries.js';
import { getDatanet, isBanned } from './datanetQueries.js';
import { indexContributions } from './indexContributions.js';
import { checkUpload } from './uploadChecks.js';

export type ContributeParameters = {
  datanetId: string;
  contributor: Address;
  filename: string;
  bytes: Uint8Array;
  nonce: bigint;
  deadline: bigint;
  signature: Hex;
};

/**
 * Validates, stores and records a contribution.
 *
 * @example
 * const contribution = await contribute(ctx, { datanetId: '1', contributor, filename: 'notes.md', bytes, nonce, deadline, signature });
 */
export async function contribute(ctx: Context, parameters: ContributeParameters): Promise<ContributionView> {
  const { datanetId, contributor, filename, bytes, nonce, deadline, signature } = parameters;
  const datanet = await getDatanet(ctx, datanetId);
  const { maxUploadBytes, maxContributionsPerDay, maxBytesPerDay } = ctx.config.limits;
  if (bytes.length > maxUploadBytes) {
    throw tooLarge(`${filename} is ${bytes.length} bytes; the limit is ${maxUploadBytes}`, [
      'split it into smaller files',
    ]);
  }
  const { text, mediaType } = checkUpload(filename, bytes);
  const contentHash = sha256Hex(bytes);
  await verifySignature(ctx, {
    signer: contributor,
    domain: datanetRegistryDomain({
      chainId: ctx.chain.chainId,
      verifyingContract: ctx.chain.addresses.datanetRegistry,
    }),
    types: contributionTypes,
    primaryType: 'Contribution',
    message: { datanetId: BigInt(datanetId), contentHash: `0x${contentHash}`, nonce, deadline },
    signature,
    deadline,
    what: 'contribution',
  });
  if (await isBanned(ctx, contributor)) {
    throw forbidden('CONTRIBUTOR_BANNED', `${contributor} is banned by governance from contributing`);
  }
  const [usage] = await ctx.db.query<{ count: number; bytes: string | null }>(
    `select count(*)::int as count, sum(bytes)::text as bytes from contributions
     where contributor = $1 and created_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc'`,
    [addressKey(contributor)],
  );
  if (
    (usage?.count ?? 0) + 1 > maxContributionsPerDay ||
    Number(usage?.bytes ?? 0) + bytes.length > maxBytesPerDay
  ) {
    throw rateLimited(`${contributor} is over today's contribution limit`, [
      `${usage?.count ?? 0} contributions and ${usage?.bytes ?? 0} bytes today (UTC)`,
      `limits: ${maxContributionsPerDay} contributions and ${maxBytesPerDay} bytes a day`,
    ]);
  }
  const bond = BigInt(datanet.policy.contributionBond);
  if (bond > 0n) {
    const [posted] = await ctx.chain.publicClient.readContract({
      address: ctx.chain.addresses.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'bondOf',
      args: [BigInt(datanetId), contributor, `0x${contentHash}`],
    });
    if (posted < bond) {
      throw paymentRequired('BOND_REQUIRED', `datanet ${datanetId} asks a contribution bond of ${bond}`, [
        `call DatanetRegistry.postBond(${datanetId}, 0x${contentHash}) first, then upload again`,
      ]);
    }
  }

  await ctx.blobs.put(bytes); // durable before the row that acknowledges it
  crashPoint('contribution:blob-written');
  const status = datanet.policy.contributionMode === 'open' ? 'accepted' : 'pending';
  const tokens = tokenIds({ text }).length;
  const row = await ctx.db.transaction(async (tx) => {
    const fresh = await tx.query(
      'insert into contribution_nonces (contributor, nonce) values ($1, $2) on conflict do nothing returning 1',
      [addressKey(contributor), nonce.toString()],
    );
    if (fresh.length === 0) {
      throw conflict('NONCE_REPLAYED', `nonce ${nonce} was already used by ${contributor}`, [
        'sign the upload with a fresh nonce',
      ]);
    }
    const duplicate = await tx.query<{ id: bigint }>(
      'select id from contributions where datanet_id = $1 and content_hash = $2',
      [datanetId, contentHash],
    );
    if (duplicate[0]) {
      throw conflict('DUPLICATE_CONTENT', `datanet ${datanetId} already holds this content`, [
        `contribution ${duplicate[0].id} has sha256 ${contentHash}`,
      ]);
    }
    const [inserted] = await tx.query<ContributionRow>(
      `insert into contributions (datanet_id, contributor, content_hash, filename, media_type, bytes, characters, tokens,
         nonce, signature, status, decided_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $11 = 'accepted' then now() end)
       returning ${contributionColumns}`,
      [
        datanetId,
        addressKey(contributor),
        contentHash,
        filename,
        mediaType,
        bytes.length,
        text.length,
        tokens,
        nonce.toString(),
        signature,
        status,
      ],
    );
    return inserted!;
  });
  crashPoint('contribution:row-committed');
  ctx.metrics.contributions.inc({ outcome: status });
  ctx.logger.info({ datanetId, contribution: row.id.toString(), contributor, status }, 'contribution stored');
  if (status === 'accepted') await indexContributions(ctx, datanetId);
  return contributionView(row); // indexing changes nothing the view shows
}
