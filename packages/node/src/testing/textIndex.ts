/**
 * A small attribution index of plain texts for unit tests: text k is contribution k + 1, held by
 * its own contributor, in datanet 1.
 */
import { type AttributionIndex, openIndex } from '@tributary/attribution';

export async function indexOfTexts(directory: string, texts: readonly string[]): Promise<AttributionIndex> {
  const index = await openIndex({ directory, create: true });
  await index.addDocuments({
    documents: texts.map((text, k) => ({
      contributionId: String(k + 1),
      contributor: `0x${String(k + 1).padStart(40, '0')}`,
      datanetId: '1',
      text,
    })),
  });
  return index;
}
