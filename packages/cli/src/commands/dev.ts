/**
 * `tributary dev [--demo] [--home DIR] [--chain-port N] [--port N] [--json]`: runs the local
 * network until Ctrl-C; a second run resumes it.
 */
import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
import { privateKeyToAccount } from 'viem/accounts';
import { loadDemo } from '../demo.js';
import { startDevNetwork } from '../devNetwork.js';
import { createUi } from '../ui.js';

export type DevOptions = { demo: boolean; home?: string; chainPort?: number; port?: number; json: boolean };

export async function devCommand(options: DevOptions): Promise<void> {
  const ui = createUi({ json: options.json });
  const network = await startDevNetwork({
    home: options.home,
    chainPort: options.chainPort,
    nodePort: options.port,
    ui,
  });
  let demo: Awaited<ReturnType<typeof loadDemo>> | null = null;
  try {
    if (options.demo) {
      demo = await ui.step('Loading the demo datanet', (update) =>
        loadDemo({ url: network.node.url, onProgress: update }),
      );
    }
  } catch (error) {
    await network.stop();
    throw error;
  }

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
  } else {
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
    ui.heading('Dev accounts (each funded with 100,000 TRIB; #0 deployed the protocol, #9 runs the node)');
    for (const a of accounts) ui.info(`  ${a.index}  ${a.address}  ${ui.dim(a.privateKey)}`);
    ui.info(`\n${ui.dim('Ctrl-C stops the network; the next run resumes it.')}`);
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await network.stop();
  if (!options.json) process.stderr.write('stopped; state saved\n');
}
