/**
 * Uploads to an open datanet are answered once durable and indexed in the background: a client
 * still reads what it uploaded (attribution waits for the indexing scheduled before it), and a
 * takedown that races the indexing leaves nothing of the contribution in the live index.
 */
import { describe, expect, it } from 'vitest';
import { useTestNode } from '../testing/useTestNode.js';

describe('background indexing of accepted uploads (real Anvil and node)', () => {
  const setup = useTestNode();
  const client = (i: number) => setup.net.client(i);

  const openDatanet = async (name: string) => {
    const owner = client(1);
    await owner.login();
    return owner.createDatanet({ metadata: { name }, policy: { contributionMode: 'open', licence: 'open' } });
  };

  it('attributes text to contributions uploaded just before, in parallel', async () => {
    const datanet = await openDatanet('Lakes');
    const notes = [
      'Baikal holds a fifth of the unfrozen fresh water on the planet and freezes from January',
      'Tanganyika stretches six hundred kilometres along the rift between four bordering nations',
      'Superior drains through the St Marys River locks toward Huron at Sault Ste Marie',
      'Victoria feeds the White Nile at Jinja where the Owen Falls dam now stands',
      'Titicaca sits three thousand eight hundred metres up, shared by Peru and Bolivia',
      'Ladoga is the largest lake wholly in Europe, north east of Saint Petersburg',
    ];
    const uploaded = await Promise.all(
      notes.map((note, i) =>
        client(2 + (i % 3)).contribute({ datanetId: datanet.id, filename: `lake-${i}.txt`, content: note }),
      ),
    );
    // No wait: each answer below must already see every upload acknowledged above.
    const reader = client(5);
    for (const [i, note] of notes.entries()) {
      const found = await reader.attribute({ datanetId: datanet.id, text: `Field notes say: ${note}.` });
      expect(found.contributions.map((c) => c.contributionId)).toEqual([uploaded[i]!.id]);
    }
  });

  it('a takedown racing the indexing of its upload leaves it out of the live index', async () => {
    const datanet = await openDatanet('Glaciers');
    const dave = client(3);
    await dave.login();
    for (let round = 0; round < 5; round++) {
      const content = `Glacier log ${round}: the Aletsch tongue retreated ${40 + round} metres past marker ${round * 7}.`;
      const uploaded = await dave.contribute({
        datanetId: datanet.id,
        filename: `aletsch-${round}.txt`,
        content,
      });
      // Taken down at once, while its indexing may be under way.
      await dave.takedown({ contributionId: uploaded.id });
      const found = await dave.attribute({ datanetId: datanet.id, text: content.slice(14) });
      expect(found.contributions).toEqual([]);
      const [row] = await setup.node.ctx.db.query<{ indexed: boolean; status: string }>(
        'select indexed, status from contributions where id = $1',
        [uploaded.id],
      );
      expect(row).toEqual({ indexed: false, status: 'removed' });
    }
  });
});
