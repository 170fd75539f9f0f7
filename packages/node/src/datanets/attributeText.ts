/**
 * Attribution against a datanet's live index: which contributions a text came from and how much
 * each mattered (the same method receipts use), for anyone to try on the datanet as it is now.
 */
import { type AttributeReturnType, attribute, type TraceSpansOptions } from '@tributary/attribution';
import type { Context } from '../context.js';
import { getDatanet } from './datanetQueries.js';
import { indexingSettled } from './indexContributions.js';

export type AttributeTextParameters = { datanetId: string; text: string; options?: TraceSpansOptions };

/** Attributes `text` to the datanet's accepted, not taken-down contributions. */
export async function attributeText(
  ctx: Context,
  { datanetId, text, options = {} }: AttributeTextParameters,
): Promise<AttributeReturnType> {
  await getDatanet(ctx, datanetId);
  // What was accepted before this request is in the index it reads.
  await indexingSettled(ctx, datanetId);
  const index = await ctx.indexes.indexOf(datanetId);
  return attribute({ index, text, ...options });
}
