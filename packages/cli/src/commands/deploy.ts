/**
 * `tributary deploy --rpc URL --key 0x… [--out FILE] [--dev]`: deploys the protocol to any chain,
 * idempotently (a second run with the same --out reuses what is deployed).
 */
import { deploy, devDeployConfig, productionDeployConfig } from '@tributary/protocol';
import type { Hex } from 'viem';
import { createUi } from '../ui.js';

export async function deployCommand(options: {
  rpc: string;
  key: string;
  out: string;
  dev: boolean;
  json: boolean;
}): Promise<void> {
  const ui = createUi({ json: options.json });
  const result = await ui.step(`Deploying to ${options.rpc}`, (update) =>
    deploy({
      rpcUrl: options.rpc,
      deployer: options.key as Hex,
      addressesFile: options.out,
      config: options.dev ? devDeployConfig : productionDeployConfig,
      onProgress: ({ step, status }) => update(`${step} ${status}`),
    }),
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ ...result, startBlock: result.startBlock.toString() })}\n`);
    return;
  }
  ui.heading(
    `Deployed on chain ${result.chainId}${result.reused ? ' (already deployed: nothing sent)' : ''}`,
  );
  for (const [name, address] of Object.entries(result.addresses)) ui.info(`  ${name.padEnd(18)} ${address}`);
  ui.info(`\n  addresses written to ${options.out}`);
}
