/**
 * A local network until the node lands: Anvil with its state under .tributary/chain, the
 * protocol deployed once (addresses in .tributary/addresses.json), dev accounts funded.
 * A second run resumes the same chain. Ctrl-C stops it and saves the state.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseEther } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS, startAnvil } from '../src/anvil.js';
import { createProtocolClients } from '../src/clients.js';
import { deploy, devDeployConfig } from '../src/deploy.js';
import { tributaryTokenAbi } from '../src/generated/contracts.js';

const home = join(process.cwd(), '.tributary');
mkdirSync(join(home, 'chain'), { recursive: true });
const anvil = await startAnvil({ port: 8545, stateFile: join(home, 'chain', 'state.json') });
const { addresses, reused } = await deploy({
  rpcUrl: anvil.rpcUrl,
  deployer: ANVIL_PRIVATE_KEYS[0],
  addressesFile: join(home, 'addresses.json'),
  config: devDeployConfig,
  onProgress: ({ step, status }) => status === 'deployed' && console.log(`  deployed ${step}`),
});
if (!reused) {
  const { walletClient, publicClient } = await createProtocolClients({
    rpcUrl: anvil.rpcUrl,
    account: ANVIL_PRIVATE_KEYS[0],
  });
  for (const key of ANVIL_PRIVATE_KEYS.slice(1)) {
    const hash = await walletClient.writeContract({
      address: addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'transfer',
      args: [privateKeyToAccount(key).address, parseEther('100000')],
    });
    await publicClient.waitForTransactionReceipt({ hash });
  }
}
console.log(
  `\nTributary local network ${reused ? '(resumed)' : '(new)'}: ${anvil.rpcUrl} (chain ${anvil.chainId})`,
);
for (const [name, address] of Object.entries(addresses)) console.log(`  ${name.padEnd(18)} ${address}`);
console.log('\nDev accounts (100,000 TRIB each; the first holds the rest of the supply):');
for (const [i, key] of ANVIL_PRIVATE_KEYS.entries())
  console.log(`  ${i} ${privateKeyToAccount(key).address} ${key}`);
console.log('\nCtrl-C to stop (the chain state is saved).');
const stop = async () => {
  await anvil.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
