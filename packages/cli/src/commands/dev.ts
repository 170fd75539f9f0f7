/**
 * `tributary dev [--demo] [--home DIR] [--chain-port N] [--port N] [--json]`: runs the local
 * network until Ctrl-C; a second run resumes it. A signal at any point — while starting, while
 * the demo loads, or after — stops the node and the chain in order (state saved).
 */

import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { loadDemo } from '../demo.js';
import { type DevNetwork, startDevNetwork } from '../devNetwork.js';
import { createUi } from '../ui.js';

export type DevOptions = { demo: boolean; home?: string; chainPort?: number; port?: number; json: boolean };

/** Resolves on the first SIGINT or SIGTERM; `signal` aborts then. */
function listenForStop() {
  const controller = new AbortController();
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const on = (name: NodeJS.Signals) => () => {
      controller.abort();
      resolve(name);
    };
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
  return { signal: controller.signal, stopped };
}

export async function devCommand(options: DevOptions): Promise<void> {
  const ui = createUi({ json: options.json });
  // Listening from the first moment: a signal while starting must not leave Anvil running.
  const { signal, stopped } = listenForStop();
  let network: DevNetwork;
  try {
    network = await startDevNetwork({
      home: options.home,
      chainPort: options.chainPort,
      nodePort: options.port,
      ui,
      signal,
    });
  } catch (error) {
    if ((error as { code?: string }).code !== 'DEV_INTERRUPTED') throw error;
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = (await stopped) === 'SIGINT' ? 130 : 143;
    return;
  }
  let demo: Awaited<ReturnType<typeof loadDemo>> | null = null;
  if (options.demo) {
    const loading = ui.step('Loading the demo datanet', (update) =>
      loadDemo({ url: network.node.url, onProgress: update }),
    );
    const interrupted = await Promise.race([
      loading.then(
        () => null,
        () => null,
      ),
      stopped,
    ]);
    if (interrupted) return stopInterrupted(network, interrupted, loading);
    try {
      demo = await loading;
    } catch (error) {
      await network.stop();
      throw error;
    }
  }
  printSummary(options, network, demo);
  await stopped;
  await network.stop();
  if (!options.json) process.stderr.write('stopped; state saved\n');
}

/** A signal while the demo loads: stop the network (the load then fails), exit 130 / 143. */
async function stopInterrupted(network: DevNetwork, name: NodeJS.Signals, loading: Promise<unknown>) {
  await network.stop();
  await loading.catch(() => {});
  process.stderr.write('interrupted while loading the demo: stopped the node and the chain (state saved)\n');
  process.exitCode = name === 'SIGINT' ? 130 : 143;
}

function printSummary(
  options: DevOptions,
  network: DevNetwork,
  demo: Awaited<ReturnType<typeof loadDemo>> | null,
) {
  const ui = createUi({ json: options.json });
  const accounts = ANVIL_PRIVATE_KEYS.map((key, i) => ({
    index: i,
    address: privateKeyToAccount(key).address,
    privateKey: key,
  }));
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({
        node: network.node.url,
        app: network.node.ctx.config.webDir ? `${network.node.url}/` : null,
        rpc: network.anvil.rpcUrl,
        chainId: network.anvil.chainId,
        home: network.home,
        resumed: network.resumed,
        addresses: network.addresses,
        demo: demo && {
          datanetId: demo.datanet.id,
          version: demo.version?.version ?? null,
          model: demo.model,
        },
        accounts,
      })}\n`,
    );
    return;
  }
  ui.heading(`Tributary local network ${network.resumed ? '(resumed)' : '(new)'}`);
  ui.info(
    `  App      ${network.node.ctx.config.webDir ? ui.cyan(`${network.node.url}/`) : 'not built (npm run build)'}`,
  );
  ui.info(`  API      ${ui.cyan(network.node.url)}   (try ${network.node.url}/v1/datanets)`);
  ui.info(`  Chain    ${network.anvil.rpcUrl} (chain id ${network.anvil.chainId})`);
  ui.info(`  State    ${network.home}`);
  if (demo) {
    ui.info(
      `  Demo     datanet ${demo.datanet.id} "${demo.datanet.metadata?.name}" — ${demo.version?.contributionCount ?? 0} contributions, version ${demo.version?.version ?? '-'}`,
    );
    ui.info(
      `           model "${demo.model}" (infini-gram, by account 5): POST ${network.node.url}/v1/chat/completions`,
    );
  }
  ui.heading(
    'Dev accounts (1–8 hold 15M TRIB each and vote: any three reach quorum; #0 deployed, #9 runs the node)',
  );
  for (const a of accounts) ui.info(`  ${a.index}  ${a.address}  ${ui.dim(a.privateKey)}`);
  ui.info(`\n  Governance: tributary gov --help   ·   move the clock: tributary dev time +7d`);
  ui.info(`\n${ui.dim('Ctrl-C stops the network; the next run resumes it.')}`);
}
