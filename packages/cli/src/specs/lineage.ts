/** `tributary lineage <model>`: what it accepts (it runs commands/lineage.ts). */
import { optional, parseInteger, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../failure.js';

export const lineageSpec = defineCommand({
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
      comment: 'The demo model of `tributary dev --demo`, checked against the chain',
      command: 'tributary lineage rivers-ngram --node http://127.0.0.1:8787 --check',
    },
    {
      comment: 'Export for an audit file',
      command: 'tributary lineage 1 --node http://127.0.0.1:8787 --out model-1-lineage.json',
    },
  ],
  exitCodes: { 1: '--check found claims the chain does not back' },
  run: async ({ values, positionals, json }) => {
    const [model] = positionals;
    if (!model || positionals.length > 1) {
      throw new UsageError('lineage needs one <model> (an id or a name)', 'see `tributary lineage --help`');
    }
    const options = {
      model,
      node: parseUrl(values.node, '--node'),
      version: values.version === undefined ? undefined : Number(parseInteger(values.version, '--version')),
      out: values.out,
      check: values.check,
      rpc: optional(parseUrl, values.rpc, '--rpc'),
      json,
    };
    const valid = await (await import('../commands/lineage.js')).lineageCommand(options);
    return valid ? ExitCode.ok : ExitCode.checkFailed;
  },
});
