/**
 * `tributary node status`: a node as the chain records it (NodeRegistry: stake, unstaking,
 * signing key, endpoint) and as its endpoint answers (/health, /v1/info: same operator and key,
 * how far its indexer is behind). Exit 1 when something is wrong, for monitoring.
 */
import { type NodeRegistration, type ProtocolAddresses, readNodeRegistration } from '@tributary/protocol';
import { createTributaryClient } from '@tributary/sdk';
import { type Address, createPublicClient, type Hex, http } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { UsageError } from '../failure.js';
import { type DeploymentOptions, deploymentFrom } from '../operator.js';
import { printRegistration } from '../registration.js';
import { createUi } from '../ui.js';

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

export type NodeStatusOptions = DeploymentOptions & {
  /** A running node: its chain, addresses and operator come from its /v1/info. */
  node?: string | undefined;
  operator?: Address | undefined;
  key?: Hex | undefined;
  json: boolean;
};

/** Prints the status; returns false when something is wrong (the spec exits 1). */
export async function nodeStatusCommand(options: NodeStatusOptions): Promise<boolean> {
  const ui = createUi({ json: options.json });
  let rpcUrl: string;
  let operator: Address;
  let addresses: ProtocolAddresses;
  if (options.node) {
    const info = await createTributaryClient({ url: options.node }).info();
    [rpcUrl, operator, addresses] = [info.rpcUrl, options.operator ?? info.node, info.addresses];
  } else {
    const who = options.operator ?? (options.key ? privateKeyToAccount(options.key).address : undefined);
    if (!who) {
      throw new UsageError(
        'node status needs --node URL, --operator 0x… or --key 0x…',
        'see `tributary node status --help`',
      );
    }
    const deployment = deploymentFrom(options);
    [rpcUrl, operator, addresses] = [deployment.rpcUrl, who, deployment.addresses];
  }
  const client = createPublicClient({ transport: http(rpcUrl) });
  const registration = await readNodeRegistration({ client, addresses, operator });
  const endpoint = registration.registered ? await checkEndpoint(registration.endpoint) : null;
  const head = await client.getBlockNumber();
  const problems = problemsOf(registration, endpoint);
  ui.result({ registration, endpoint, chainHead: head.toString(), problems }, () => {
    printRegistration(ui, registration);
    if (endpoint) {
      const lag =
        endpoint.indexedBlock === null ? '' : `, indexed block ${endpoint.indexedBlock} (chain head ${head})`;
      ui.info(
        endpoint.healthy
          ? `  health       ${ui.green('ok')} ${ui.dim(`${endpoint.latencyMs} ms`)}${lag}`
          : `  health       ${ui.red('unreachable')} ${ui.dim(endpoint.error ?? '')}`,
      );
    }
    for (const problem of problems) ui.info(`  ${ui.red('✖')} ${problem}`);
  });
  return problems.length === 0;
}

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
