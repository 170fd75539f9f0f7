/**
 * The demo datanet: short original notes about rivers (demo/*.md), owned by dev account 1 and
 * contributed by dev accounts 2–4, with version 1 committed. Loaded once; later runs find it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANVIL_PRIVATE_KEYS, type DatanetView, type VersionView } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import type { Hex } from 'viem';

const demoDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'demo');

export const DEMO_DATANET_NAME = 'Rivers and their tributaries';

export type LoadDemoReturnType = { datanet: DatanetView; version: VersionView | null; created: boolean };

/** Creates and fills the demo datanet on the node at `url`, unless it is there already. */
export async function loadDemo({
  url,
  onProgress,
}: {
  url: string;
  onProgress?: (text: string) => void;
}): Promise<LoadDemoReturnType> {
  const owner = createTributaryClient({ url, account: ANVIL_PRIVATE_KEYS[1] as Hex });
  const existing = (await owner.listDatanets()).find(
    (d) => d.metadata?.name === DEMO_DATANET_NAME && d.owner === owner.account!.address,
  );
  if (existing && existing.versionCount > 0) {
    const versions = await owner.listVersions(existing.id);
    return { datanet: existing, version: versions.at(-1) ?? null, created: false };
  }
  await owner.login({ label: 'demo' });
  const datanet =
    existing ??
    (await owner.createDatanet({
      metadata: {
        name: DEMO_DATANET_NAME,
        description: 'Short notes on rivers, watersheds and the water cycle (demo data, CC0).',
        licence: 'CC0-1.0',
      },
      policy: { contributionMode: 'open', licence: 'open', minDataBps: 3000 },
    }));
  const plan = JSON.parse(readFileSync(join(demoDir, 'contributors.json'), 'utf8')) as Record<
    string,
    string[]
  >;
  const total = Object.values(plan).flat().length;
  const already = new Set((await owner.listContributions(datanet.id)).map((c) => c.filename));
  let done = 0;
  for (const [account, files] of Object.entries(plan)) {
    const contributor = createTributaryClient({ url, account: ANVIL_PRIVATE_KEYS[Number(account)] as Hex });
    for (const file of files) {
      onProgress?.(`${++done}/${total} ${file}`);
      if (already.has(file)) continue;
      await contributor.contribute({
        datanetId: datanet.id,
        filename: file,
        content: readFileSync(join(demoDir, file)),
      });
    }
  }
  onProgress?.('committing version 1');
  const version = await owner.commitVersion(datanet.id);
  return { datanet: await owner.getDatanet(datanet.id), version, created: true };
}
