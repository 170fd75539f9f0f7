/**
 * A contributor uploads a text file to a datanet, signed (EIP-712) over the datanet, the
 * content's sha256, the filename, a fresh nonce and a deadline. The contribution is acknowledged
 * only once its bytes are on disk (fsync) and its row is committed; an open datanet accepts it at
 * once and it is attributable when the response arrives.
 */
import { tokenIds } from '@tributary/attribution';
import {
  contributionTypes,
  datanetRegistryAbi,
  datanetRegistryDomain,
  filenameProblem,
} from '@tributary/protocol';
import type { Address, Hex } from 'viem';
import { chargeQuota, checkQuota } from '../auth/quotas.js';
import { verifySignature } from '../auth/verifySignature.js';
import { addressKey } from '../chain/chainContext.js';
import type { Context } from '../context.js';
import { badRequest, conflict, forbidden, paymentRequired, tooLarge } from '../errors.js';
import { crashPoint } from '../faults.js';
import { sha256Hex } from '../store/blobs.js';
import type { Queryable } from '../store/db.js';
import {
  type ContributionRow,
  type ContributionView,
  contributionColumns,
  contributionView,
} from './contributionQueries.js';
import { getDatanet, isBanned } from './datanetQueries.js';
import { scheduleIndexing } from './indexContributions.js';
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
 * Validates, stores and records a contribution. Everything that can refuse it is checked before
 * its bytes are written (type, content, filename, signature, ban, bond, nonce, duplicate, quota);
 * the nonce, duplicate and quota are checked again, atomically, in the transaction that records
 * it. A blob whose transaction then fails is left to the collector (collectBlobs).
 *
 * @example
 * const contribution = await contribute(ctx, { datanetId: '1', contributor, filename: 'notes.md', bytes, nonce, deadline, signature });
 */
export async function contribute(ctx: Context, parameters: ContributeParameters): Promise<ContributionView> {
  const { datanetId, contributor, filename, bytes, nonce, deadline, signature } = parameters;
  const datanet = await getDatanet(ctx, datanetId);
  const { maxUploadBytes, maxContributionsPerDay, maxBytesPerDay } = ctx.config.limits;
  if (bytes.length > maxUploadBytes) {
    throw tooLarge(`the file is ${bytes.length} bytes; the limit is ${maxUploadBytes}`, [
      'split it into smaller files',
    ]);
  }
  const problem = filenameProblem(filename);
  if (problem) {
    throw badRequest(`the filename ${problem}`, [
      'sign and send the NFC form of a plain file name (no control characters, at most 255 UTF-8 bytes)',
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
    message: { datanetId: BigInt(datanetId), contentHash: `0x${contentHash}`, filename, nonce, deadline },
    signature,
    deadline,
    what: 'contribution',
  });
  const quota = {
    account: contributor,
    kind: 'contribution',
    bytes: bytes.length,
    maxCount: maxContributionsPerDay,
    maxBytes: maxBytesPerDay,
  } as const;
  // Three independent reads sent together (an upload under load waits its turn for each round
  // trip), reported in a fixed order: banned, then over quota, then replayed or duplicate.
  const [banned, quotaLeft, fresh] = await Promise.allSettled([
    isBanned(ctx, contributor),
    checkQuota(ctx.db, quota),
    checkFresh(ctx.db, { datanetId, contributor, contentHash, nonce }),
  ]);
  if (banned.status === 'rejected') throw banned.reason;
  if (banned.value) {
    throw forbidden('CONTRIBUTOR_BANNED', `${contributor} is banned by governance from contributing`);
  }
  if (quotaLeft.status === 'rejected') throw quotaLeft.reason;
  if (fresh.status === 'rejected') throw fresh.reason;
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
  const row = await ctx.db
    .transaction(async (tx) => {
      const fresh = await tx.query(
        'insert into contribution_nonces (contributor, nonce) values ($1, $2) on conflict do nothing returning 1',
        [addressKey(contributor), nonce.toString()],
      );
      if (fresh.length === 0) throw nonceReplayed(contributor, nonce);
      // A duplicate committed meanwhile fails the insert on its unique key (caught below).
      await chargeQuota(tx, quota);
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
    })
    .catch((error: { code?: string }) => {
      // A parallel upload of the same content committed first (the unique key decides).
      if (error?.code === '23505')
        throw conflict('DUPLICATE_CONTENT', `datanet ${datanetId} already holds this content`);
      throw error;
    });
  crashPoint('contribution:row-committed');
  ctx.metrics.contributions.inc({ outcome: status });
  ctx.logger.info({ datanetId, contribution: row.id.toString(), contributor, status }, 'contribution stored');
  if (status === 'accepted') scheduleIndexing(ctx, datanetId);
  return contributionView(row); // indexing (in the background) changes nothing the view shows
}

const nonceReplayed = (contributor: Address, nonce: bigint) =>
  conflict('NONCE_REPLAYED', `nonce ${nonce} was already used by ${contributor}`, [
    'sign the upload with a fresh nonce',
  ]);

/** 409 when the nonce (if given) was used or the datanet already holds this content. */
async function checkFresh(
  db: Queryable,
  p: { datanetId: string; contributor: Address; contentHash: string; nonce?: bigint },
): Promise<void> {
  // One statement (an upload under load waits its turn for each).
  const [found] = await db.query<{ nonce_used: boolean; duplicate: bigint | null }>(
    `select exists (select 1 from contribution_nonces where contributor = $1 and nonce = $2) as nonce_used,
            (select id from contributions where datanet_id = $3 and content_hash = $4 limit 1) as duplicate`,
    [addressKey(p.contributor), p.nonce?.toString() ?? null, p.datanetId, p.contentHash],
  );
  if (p.nonce !== undefined && found?.nonce_used) throw nonceReplayed(p.contributor, p.nonce);
  if (found?.duplicate != null) {
    throw conflict('DUPLICATE_CONTENT', `datanet ${p.datanetId} already holds this content`, [
      `contribution ${found.duplicate} has sha256 ${p.contentHash}`,
    ]);
  }
}
