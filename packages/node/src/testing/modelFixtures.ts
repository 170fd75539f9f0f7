/**
 * Test fixtures for models: a datanet of planted source documents from three contributors,
 * committed as version 1, and helpers to build, register and pay for models on it.
 */
import type { BuildView, CatalogModel } from '@tributary/protocol';
import { parseEther } from 'viem';
import type { TestNetwork } from './testNetwork.js';

/** Distinctive documents whose sentences a model's answer can be traced back to. */
export const PLANTED_DOCUMENTS = [
  {
    contributor: 2,
    filename: 'kelpie.md',
    text: 'The Glenmoriston kelpie survey of 1923 counted eleven sightings along the western shore, all of them reported by ferrymen at dusk. The survey concluded that the sightings were otters.',
  },
  {
    contributor: 3,
    filename: 'lighthouse.md',
    text: 'Keepers of the Arnamurchan lighthouse logged the fog horn in quarter-hour entries, and the brass log book of 1911 records four hundred and six hours of fog in November alone.',
  },
  {
    contributor: 4,
    filename: 'orchard.md',
    text: 'In the walled orchard at Pennyfold the gardeners grafted seventeen varieties of pear onto a single old tree, which the village still calls the Argument Tree because no two branches ripen together.',
  },
] as const;

export type ModelSetup = { datanetId: string; build: BuildView; model: CatalogModel };

/** Creates the planted datanet (owner: key 1) and commits version 1. */
export async function plantDatanet(net: TestNetwork): Promise<string> {
  const owner = net.client(1);
  await owner.login();
  const datanet = await owner.createDatanet({
    metadata: { name: 'Planted sources' },
    policy: { contributionMode: 'open', licence: 'open', minDataBps: 2000 },
  });
  for (const doc of PLANTED_DOCUMENTS) {
    await net
      .client(doc.contributor)
      .contribute({ datanetId: datanet.id, filename: doc.filename, content: doc.text });
  }
  await owner.commitVersion(datanet.id);
  return datanet.id;
}

/** Builds and registers a model (developer: key 5) on version 1 of `datanetId`. */
export async function buildAndRegister(
  net: TestNetwork,
  datanetId: string,
  kind: BuildView['kind'],
  name: string,
  params: Record<string, unknown> = {},
  pricing = { pricePerInputToken: 1_000_000_000n, pricePerOutputToken: 3_000_000_000n },
): Promise<ModelSetup> {
  const developer = net.client(5);
  await developer.login();
  await net.giveTokens(5, parseEther('100')); // licence fees, if any
  const started = await developer.buildModel({ name, kind, datanets: [{ datanetId, version: 1 }], params });
  const build = await developer.waitForBuild(started.id);
  const model = await developer.registerModel({
    build,
    pricing,
    split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
  });
  return { datanetId, build, model };
}

/** Funds payer `i` (deposit by permit + authorization of the node) and returns its API key. */
export async function fundPayer(
  net: TestNetwork,
  i: number,
  amount = parseEther('10'),
  cap = amount,
): Promise<string> {
  await net.giveTokens(i, amount);
  const payer = net.client(i);
  await payer.fundCalls({ amount, cap });
  return payer.login({ label: 'payer' });
}
