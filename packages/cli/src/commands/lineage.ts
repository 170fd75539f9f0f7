/**
 * `tributary lineage <model>`: a model version's lineage for auditors — as a Markdown report, or
 * JSON — and, with --check, every on-chain claim in it re-read from the chain.
 */
import { writeFileSync } from 'node:fs';
import { lineageReport, type ModelLineage, verifyLineage } from '@tributary/protocol';
import { createTributaryClient, type TributaryClient } from '@tributary/sdk';
import { UsageError } from '../failure.js';
import { createUi, toJson } from '../ui.js';

export type LineageOptions = {
  /** The model id, or its name in the node's catalog. */
  model: string;
  node: string;
  version?: number | undefined;
  out?: string | undefined;
  check: boolean;
  rpc?: string | undefined;
  json: boolean;
};

/** Prints the lineage; returns false when --check found claims the chain does not back. */
export async function lineageCommand(options: LineageOptions): Promise<boolean> {
  const ui = createUi({ json: options.json });
  const client = createTributaryClient({ url: options.node });
  const modelId = /^\d+$/.test(options.model) ? options.model : await modelIdByName(client, options.model);
  const lineage = await ui.step(`Assembling the lineage of model ${modelId}`, async () =>
    withServingNodeUsage(await client.lineage(modelId, options.version)),
  );
  const check = options.check
    ? await ui.step('Checking it against the chain', async () =>
        verifyLineage({ lineage, client: options.rpc ?? (await client.info()).rpcUrl }),
      )
    : null;
  if (options.out) {
    writeFileSync(
      options.out,
      options.out.endsWith('.json') ? `${toJson(lineage)}\n` : lineageReport(lineage),
    );
  }
  ui.result(check ? { lineage, check } : lineage, () => {
    process.stdout.write(lineageReport(lineage));
    if (check?.valid) ui.info(ui.green(`✔ ${check.checks} claims checked against chain ${lineage.chainId}`));
    for (const problem of check?.problems ?? []) ui.info(`${ui.red('✖')} ${problem}`);
  });
  return !check || check.valid;
}

async function modelIdByName(client: TributaryClient, name: string): Promise<string> {
  const found = (await client.catalog()).find((m) => m.name === name);
  if (!found) throw new UsageError(`the node serves no model named "${name}"`, 'give the model id instead');
  return found.id;
}

/** Calls and payouts come from the node that serves the model (the one asked may not). */
async function withServingNodeUsage(lineage: ModelLineage): Promise<ModelLineage> {
  if (lineage.usage || !lineage.usageFrom) return lineage;
  const response = await fetch(lineage.usageFrom, { signal: AbortSignal.timeout(30_000) }).catch(() => null);
  if (!response?.ok) return lineage;
  const served = (await response.json()) as ModelLineage;
  return served.model.artifactHash === lineage.model.artifactHash
    ? { ...lineage, usage: served.usage }
    : lineage;
}
