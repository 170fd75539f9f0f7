/**
 * `tributary node status`: a node as the chain records it (NodeRegistry: stake, unstaking,
 * signing key, endpoint) and as its endpoint answers (/health, /v1/info: same operator and key,
 * how far its indexer is behind). Exit 1 when something is wrong, for monitoring.
 */
import { type NodeInfo, type NodeRegistration, readNodeRegistration } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { type Address, createPublicClient, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { parseAddress, parseKey, parseUrl } from '../args.js';
import { defineCommand } from '../command.js';
import { ExitCode, UsageError } from '../failure.js';
import { deploymentFrom, deploymentOptions } from '../operator.js';
import { printRegistration } from '../registration.js';

export type EndpointCheck = {
  url: string;
  healthy: boolean;
  latencyMs: number | null;
  /** The operator and signer the endpoint says it runs as. */
  node: Address | null;
  signer: Address | null;
  indexedBlock: string | null;
  error: string | null;
};

export const nodeStatusCommand = defineCommand({
  name: 'node status',
  summary: "A node's stake, unstaking, signing key and endpoint on-chain, and its endpoint's health",
  usage: 'node status (--node URL | --operator 0x… | --key 0x…) [--rpc URL] [--addresses FILE]',
  description:
    'With --node, the chain and addresses come from that node (GET /v1/info). Otherwise name the\n' +
    'operator by address or key, with the deployment as for `node register`.',
  options: {
    node: { type: 'string', value: 'URL', description: 'a running node: reads its own registration' },
    operator: { type: 'string', value: '0x…', description: "the operator's address" },
    key: {
      type: 'string',
      value: '0x…',
      description: "or the operator's key (its address is used)",
      env: 'OPERATOR_KEY',
    },
    ...deploymentOptions,
  },
  examples: [
    { comment: 'The node of `tributary dev`', command: 'tributary node status --node http://127.0.0.1:8787' },
    {
      comment: 'Any operator, from the chain',
      command:
        'tributary node status --operator 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 --rpc http://127.0.0.1:8545 --addresses .tributary/addresses.json',
    },
  ],
  exitCodes: { 1: 'not registered, not active, or the endpoint is unhealthy or runs another key' },
  run: async ({ values, ui }) => {
    let rpcUrl: string;
    let operator: Address;
    let deployment: Pick<NodeInfo, 'addresses'>;
    if (values.node) {
      const info = await createTributaryClient({ url: parseUrl(values.node, '--node') }).info();
      [rpcUrl, operator, deployment] = [
        info.rpcUrl,
        values.operator ? parseAddress(values.operator, '--operator') : info.node,
        info,
      ];
    } else {
      const d = deploymentFrom(values);
      const who = values.operator
        ? parseAddress(values.operator, '--operator')
        : values.key
          ? privateKeyToAccount(parseKey(values.key, '--key')).address
          : undefined;
      if (!who)
        throw new UsageError(
          'node status needs --node URL, --operator 0x… or --key 0x…',
          'see `tributary node status --help`',
        );
      [rpcUrl, operator, deployment] = [d.rpcUrl, who, d];
    }
    const client = createPublicClient({ transport: http(rpcUrl) });
    const registration = await readNodeRegistration({ client, addresses: deployment.addresses, operator });
    const endpoint = registration.registered ? await checkEndpoint(registration.endpoint) : null;
    const head = await client.getBlockNumber();
    const problems = problemsOf(registration, endpoint);
    ui.result({ registration, endpoint, chainHead: head.toString(), problems }, () => {
      printRegistration(ui, registration);
      if (endpoint) {
        const lag =
          endpoint.indexedBlock === null
            ? ''
            : `, indexed block ${endpoint.indexedBlock} (chain head ${head})`;
        ui.info(
          endpoint.healthy
            ? `  health       ${ui.green('ok')} ${ui.dim(`${endpoint.latencyMs} ms`)}${lag}`
            : `  health       ${ui.red('unreachable')} ${ui.dim(endpoint.error ?? '')}`,
        );
      }
      for (const problem of problems) ui.info(`  ${ui.red('✖')} ${problem}`);
    });
    return problems.length === 0 ? ExitCode.ok : ExitCode.checkFailed;
  },
});

/** Asks the registered endpoint for /health and /v1/info. */
async function checkEndpoint(url: string): Promise<EndpointCheck> {
  const base = url.replace(/\/$/, '');
  const started = performance.now();
  try {
    const health = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5_000) });
    const latencyMs = Math.round(performance.now() - started);
    const info = await createTributaryClient({ url: base }).info();
    return {
      url: base,
      healthy: health.ok,
      latencyMs,
      node: info.node,
      signer: info.signer,
      indexedBlock: info.indexedBlock,
      error: health.ok ? null : `/health answered ${health.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      url: base,
      healthy: false,
      latencyMs: null,
      node: null,
      signer: null,
      indexedBlock: null,
      error: `${(error as Error).message}${cause ? ` (${cause})` : ''}`,
    };
  }
}

function problemsOf(r: NodeRegistration, endpoint: EndpointCheck | null): string[] {
  if (!r.registered) return [`${r.operator} is not registered in NodeRegistry`];
  const problems: string[] = [];
  if (!r.active) problems.push('the stake is below the minimum: the node is not active');
  if (endpoint && !endpoint.healthy) problems.push(`the endpoint ${endpoint.url} does not answer`);
  if (endpoint?.node && endpoint.node.toLowerCase() !== r.operator.toLowerCase())
    problems.push(`the endpoint runs as ${endpoint.node}, not ${r.operator}`);
  if (endpoint?.signer && endpoint.signer.toLowerCase() !== r.signingKey.toLowerCase())
    problems.push(`the endpoint signs with ${endpoint.signer}, but NodeRegistry holds ${r.signingKey}`);
  return problems;
}
