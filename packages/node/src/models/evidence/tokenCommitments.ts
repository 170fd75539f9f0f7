/**
 * Each contribution's token commitment: a secret salt key (kept by the node) and the root of its
 * salted token tree, made once from its content and committed in every version manifest that
 * holds it (the manifest's sha256 is on-chain). Proofs against it need the content, so they are
 * made while the content exists (and kept for receipts when it is taken down).
 */
import { randomBytes } from 'node:crypto';
import { tokenIds } from '@tributary/attribution';
import type { Hex } from 'viem';
import type { Context } from '../../context.js';
import { buildTokenTree, type TokenTree } from './tokenTree.js';

export type TokenCommitment = { tokenRoot: Hex; tokenCount: number };

type Row = { salt_key: string; token_root: Hex; token_count: number };

async function readRow(ctx: Context, contributionId: bigint | string): Promise<Row | undefined> {
  const [row] = await ctx.db.query<Row>(
    'select salt_key, token_root, token_count from contribution_token_trees where contribution_id = $1',
    [contributionId.toString()],
  );
  return row;
}

/** The tokens of a contribution's content (null when its content is gone). */
export async function contentTokens(ctx: Context, contentHash: string): Promise<Uint32Array | null> {
  const bytes = await ctx.blobs.get(contentHash.replace(/^0x/, ''));
  return bytes ? tokenIds({ text: new TextDecoder().decode(bytes) }) : null;
}

/**
 * The contribution's token commitment, made now if it has none (null when it has none and its
 * content is gone).
 */
export async function tokenCommitment(
  ctx: Context,
  item: { id: bigint | string; contentHash: string },
): Promise<TokenCommitment | null> {
  let row = await readRow(ctx, item.id);
  if (!row) {
    const tokens = await contentTokens(ctx, item.contentHash);
    if (!tokens) return null;
    const key = randomBytes(32);
    const tree = buildTokenTree(tokens, key);
    await ctx.db.query(
      `insert into contribution_token_trees (contribution_id, salt_key, token_root, token_count)
       values ($1, $2, $3, $4) on conflict (contribution_id) do nothing`,
      [item.id.toString(), key.toString('hex'), tree.root, tree.count],
    );
    row = await readRow(ctx, item.id);
  }
  return row ? { tokenRoot: row.token_root, tokenCount: row.token_count } : null;
}

/** A contribution's tree and key, rebuilt from its content (null without content or commitment). */
export async function contributionTree(
  ctx: Context,
  item: { id: bigint | string; contentHash: string },
): Promise<{ tree: TokenTree; key: Uint8Array; tokens: Uint32Array } | null> {
  const row = await readRow(ctx, item.id);
  const tokens = row ? await contentTokens(ctx, item.contentHash) : null;
  if (!row || !tokens) return null;
  const key = Buffer.from(row.salt_key, 'hex');
  const tree = buildTokenTree(tokens, key);
  return tree.root === row.token_root ? { tree, key, tokens } : null;
}
