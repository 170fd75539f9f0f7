/**
 * `tributary lineage <model>`: a model version's lineage for auditors — as a Markdown report, or
 * JSON — and, with --check, every on-chain claim in it re-read from the chain.
 */
import { writeFileSync } from 'node:fs';
import { lineageReport, type ModelLineage, verifyLineage } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { parseInteger, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../failure.js';
import { toJson } from '../ui.js';

export const lineageCommand = defineCommand({
  name: 'lineage',
  summary: "A model version's lineage: data versions, evidence on-chain, governance, calls and payouts",
  usage: 'lineage <model> --node URL [--version N] [--out FILE] [--check] [--rpc URL]',
  description:
    'For auditors and regulators: the datanet versions the model was built from (manifest roots and\n' +
    'the transactions that committed them, contributors, licences, takedowns), its developer and\n' +
    'serving node, its artifact hash and how to rebuild it, the governance decisions that touched it,\n' +
    'and what its calls paid (from the serving node). Prints a Markdown report; --json prints the\n' +
    'lineage document ({lineage, check} with --check). --out writes it: .json as JSON, else Markdown.',
  positionals: [{ name: '<model>', description: "the model id, or its name in the node's catalog" }],
  options: {
    node: {
      type: 'string',
      value: 'URL',
      description: 'any node of the network',
      env: 'TRIBUTARY_NODE',
      required: true,
    },
    version: { type: 'string', value: 'N', description: 'the model version (default: the latest)' },
    out: {
      type: 'string',
      value: 'FILE',
      description: 'also write the lineage to FILE (.json: JSON, else Markdown)',
    },
    check: { type: 'boolean', description: 'verify every hash, root and transaction against the chain' },
    rpc: { type: 'string', value: 'URL', description: "the chain's RPC for --check (default: the node's)" },
  },
  examples: [
    {
      comment: 'The demo model of `tributary dev --demo`, checked',
      command: 'tributary lineage rivers-ngram --node http://127.0.0.1:8787 --check',
    },
    {
      comment: 'Export for an audit file',
      command: 'tributary lineage 1 --node http://127.0.0.1:8787 --out model-1-lineage.json',
    },
  ],
  exitCodes: { 1: '--check found claims the chain does not back' },
  run: async ({ values, positionals, ui }) => {
    const [model] = positionals;
    if (!model || positionals.length > 1)
      throw new UsageError('lineage needs one <model> (an id or a name)', 'see `tributary lineage --help`');
    const client = createTributaryClient({ url: parseUrl(values.node, '--node') });
    const modelId = /^\d+$/.test(model) ? model : await modelIdByName(client, model);
    const version = values.version ? Number(parseInteger(values.version, '--version')) : undefined;
    const lineage = await ui.step(`Assembling the lineage of model ${modelId}`, async () =>
      withServingNodeUsage(await client.lineage(modelId, version)),
    );
    const check = values.check
      ? await ui.step('Checking it against the chain', async () =>
          verifyLineage({
            lineage,
            client: values.rpc ? parseUrl(values.rpc, '--rpc') : (await client.info()).rpcUrl,
          }),
        )
      : null;
    if (values.out)
      writeFileSync(
        values.out,
        values.out.endsWith('.json') ? `${toJson(lineage)}\n` : lineageReport(lineage),
      );
    ui.result(check ? { lineage, check } : lineage, () => {
      process.stdout.write(lineageReport(lineage));
      if (check?.valid)
        ui.info(ui.green(`✔ ${check.checks} claims checked against chain ${lineage.chainId}`));
      for (const problem of check?.problems ?? []) ui.info(`${ui.red('✖')} ${problem}`);
    });
    return check && !check.valid ? ExitCode.checkFailed : ExitCode.ok;
  },
});

async function modelIdByName(
  client: ReturnType<typeof createTributaryClient>,
  name: string,
): Promise<string> {
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
