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

export const DEMO_MODEL_NAME = 'rivers-ngram';

export type LoadDemoReturnType = {
  datanet: DatanetView;
  version: VersionView | null;
  created: boolean;
  model: string;
};

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
    await ensureModel(url, existing.id, onProgress);
    return { datanet: existing, version: versions.at(-1) ?? null, created: false, model: DEMO_MODEL_NAME };
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
  await ensureModel(url, datanet.id, onProgress);
  return { datanet: await owner.getDatanet(datanet.id), version, created: true, model: DEMO_MODEL_NAME };
}

/** An infini-gram model on version 1, registered by dev account 5 and served by this node. */
async function ensureModel(url: string, datanetId: string, onProgress?: (text: string) => void) {
  const developer = createTributaryClient({ url, account: ANVIL_PRIVATE_KEYS[5] as Hex });
  if ((await developer.catalog()).some((m) => m.name === DEMO_MODEL_NAME)) return;
  await developer.login({ label: 'demo' });
  onProgress?.(`building model ${DEMO_MODEL_NAME}`);
  const started = await developer.buildModel({
    name: DEMO_MODEL_NAME,
    kind: 'infini-gram',
    datanets: [{ datanetId, version: 1 }],
  });
  const build = await developer.waitForBuild(started.id);
  onProgress?.(`registering model ${DEMO_MODEL_NAME}`);
  await developer.registerModel({
    build,
    pricing: { pricePerInputToken: 1_000_000_000n, pricePerOutputToken: 3_000_000_000n },
    split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
  });
}
