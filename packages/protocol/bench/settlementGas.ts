/**
 * Gas of settlement and claims on a real Anvil, as transactions pay it (base cost and calldata
 * included): one epoch of 10,000 calls from P distinct payers (1, 100, 1,000; pages of 200) per
 * call, the cost of each further distinct payer, and claims (first, by a new and by an existing
 * token holder, and returning). Prints JSON.
 *
 *   npm run -s bench -w @tributary/protocol
 */
import { cpus } from 'node:os';
import { type Address, type Hex, keccak256, parseEther, toHex } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { ANVIL_PRIVATE_KEYS } from '../src/anvil.js';
import { createProtocolClients, writeAndWait } from '../src/clients.js';
import { protocolShare } from '../src/feeSplit.js';
import { paymentEscrowAbi, rewardDistributorAbi, tributaryTokenAbi } from '../src/generated/contracts.js';
import { buildCreditsTree } from '../src/merkle.js';
import { registerNode } from '../src/registerNode.js';
import { increaseTime, startTestChain } from '../src/testing.js';

const PAGE = 200;
const chain = await startTestChain();
try {
  const rpcUrl = chain.anvil.rpcUrl;
  const a = chain.addresses;
  const deployer = await createProtocolClients({
    rpcUrl,
    account: ANVIL_PRIVATE_KEYS[0],
    pollingInterval: 20,
  });
  const nodeKey = ANVIL_PRIVATE_KEYS[9];
  const nodeAddress = privateKeyToAccount(nodeKey).address;
  await writeAndWait(deployer, {
    address: a.token,
    abi: tributaryTokenAbi,
    functionName: 'transfer',
    args: [nodeAddress, parseEther('10000')],
  });
  await registerNode({ rpcUrl, addresses: a, operatorKey: nodeKey, endpoint: 'http://bench' });
  const node = await createProtocolClients({ rpcUrl, account: nodeKey, pollingInterval: 20 });

  /** Payers with deposits and authorizations, sorted by address. */
  const makePayers = async (count: number): Promise<Address[]> => {
    const payers: Address[] = [];
    for (let i = 0; i < count; i++) {
      const key = generatePrivateKey();
      const payer = privateKeyToAccount(key).address;
      await deployer.publicClient.request({
        method: 'anvil_setBalance' as never,
        params: [payer, '0xde0b6b3a7640000'] as never,
      });
      await writeAndWait(deployer, {
        address: a.token,
        abi: tributaryTokenAbi,
        functionName: 'transfer',
        args: [payer, parseEther('1')],
      });
      const client = await createProtocolClients({ rpcUrl, account: key as Hex, pollingInterval: 20 });
      await writeAndWait(client, {
        address: a.token,
        abi: tributaryTokenAbi,
        functionName: 'approve',
        args: [a.paymentEscrow, parseEther('1')],
      });
      await writeAndWait(client, {
        address: a.paymentEscrow,
        abi: paymentEscrowAbi,
        functionName: 'deposit',
        args: [parseEther('1')],
      });
      await writeAndWait(client, {
        address: a.paymentEscrow,
        abi: paymentEscrowAbi,
        functionName: 'authorize',
        args: [nodeAddress, parseEther('1'), BigInt(2 ** 40)],
      });
      payers.push(payer);
    }
    return payers.sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : 1));
  };

  let epoch = 0n;
  const recipients = [
    privateKeyToAccount(ANVIL_PRIVATE_KEYS[3]).address,
    privateKeyToAccount(ANVIL_PRIVATE_KEYS[4]).address,
  ];
  const cumulative = new Map<Address, bigint>();
  /** Settles one epoch debiting each payer `perPayer`; returns the gas of all its transactions. */
  const settle = async (payers: Address[], perPayer: bigint) => {
    epoch += 1n;
    const total = perPayer * BigInt(payers.length);
    const protocolFee = protocolShare(total, 500);
    const distributable = total - protocolFee;
    cumulative.set(recipients[0]!, (cumulative.get(recipients[0]!) ?? 0n) + distributable / 2n);
    cumulative.set(
      recipients[1]!,
      (cumulative.get(recipients[1]!) ?? 0n) + distributable - distributable / 2n,
    );
    const tree = buildCreditsTree(
      [...cumulative].map(([account, cumulativeAmount]) => ({ account, cumulativeAmount })),
    );
    const pages = Math.ceil(payers.length / PAGE);
    const header = {
      epoch,
      receiptsRoot: keccak256(toHex(`receipts ${epoch}`)),
      creditsRoot: tree.root,
      receiptCount: 1n,
      totalFee: total,
      protocolFee,
      protocolFeeBps: 500,
      pageCount: pages,
      dataUri: `http://bench/v1/epochs/${epoch}/data`,
    };
    let gas = 0n;
    for (let p = 0; p < pages; p++) {
      const slice = payers.slice(p * PAGE, (p + 1) * PAGE);
      const receipt = await writeAndWait(node, {
        address: a.rewardDistributor,
        abi: rewardDistributorAbi,
        functionName: 'settleEpoch',
        args: [header, p, slice, slice.map(() => perPayer)],
        gas: 25_000_000n,
      });
      gas += receipt.gasUsed;
    }
    return { gas, tree };
  };

  const CALLS = 10_000;
  const results: { payers: number; pages: number; settlementGas: number; gasPerCallAt10kCalls: number }[] =
    [];
  const payersAll = await makePayers(1000);
  for (const count of [1, 100, 1000]) {
    // 10,000 calls from `count` payers: each payer's calls are one debit of their summed fees.
    const { gas } = await settle(payersAll.slice(0, count), BigInt(CALLS / count) * 1_000n);
    results.push({
      payers: count,
      pages: Math.ceil(count / PAGE),
      settlementGas: Number(gas),
      gasPerCallAt10kCalls: Math.round(Number(gas) / CALLS),
    });
  }
  const one = results[0]!;
  const thousand = results[2]!;
  // Pages add a transaction each (21,000 + the header): compare like with like per page.
  const perPayer = Math.round(
    (thousand.settlementGas - thousand.pages * one.settlementGas) / (thousand.payers - thousand.pages),
  );
  // Claims after the window: a first claim, then a returning one covering several new epochs.
  await increaseTime(deployer.publicClient, 700);
  const { tree: last } = await settle(payersAll.slice(0, 2), 1_000_000n);
  await increaseTime(deployer.publicClient, 700);
  const claimer = await createProtocolClients({
    rpcUrl,
    account: ANVIL_PRIVATE_KEYS[3],
    pollingInterval: 20,
  });
  const claim = async (tree: typeof last, account: Address) => {
    const entry = { account, cumulativeAmount: cumulative.get(account)! };
    const receipt = await writeAndWait(claimer, {
      address: a.rewardDistributor,
      abi: rewardDistributorAbi,
      functionName: 'claim',
      args: [nodeAddress, epoch, account, entry.cumulativeAmount, tree.proof(entry)],
    });
    return Number(receipt.gasUsed);
  };
  // recipients[0] holds no tokens yet (its balance slot is created); recipients[1] already does.
  await writeAndWait(deployer, {
    address: a.token,
    abi: tributaryTokenAbi,
    functionName: 'transfer',
    args: [recipients[1]!, 1n],
  });
  const firstClaimNewHolder = await claim(last, recipients[0]!);
  const firstClaimTokenHolder = await claim(last, recipients[1]!);
  for (let i = 0; i < 3; i++) await settle(payersAll.slice(0, 2), 1_000_000n);
  await increaseTime(deployer.publicClient, 700);
  const { tree: newest } = await settle(payersAll.slice(0, 2), 1_000_000n);
  await increaseTime(deployer.publicClient, 700);
  const returningClaim = await claim(newest, recipients[0]!);

  console.log(
    JSON.stringify(
      {
        machine: { cpu: cpus()[0]?.model, cores: cpus().length, node: process.version },
        method:
          'receipt.gasUsed of real transactions on Anvil (21,000 base and calldata included); 10,000 calls per epoch; pages of 200 payers',
        settlement: results,
        gasPerDistinctPayer: perPayer,
        floor: {
          storagePerDistinctPayer: 10_000,
          gasPerCallAt10kCallsFrom1000Payers: Math.round((1000 * 10_000) / CALLS),
          why: 'a debit updates two storage slots per payer (its allowance for the node, its balance), each a cold read (2,100) and a write (2,900): 10,000 gas per distinct payer, 1,000 per call at 10 calls per payer, before calldata and the epoch header. Only a design that does not touch each payer per epoch gets under that (see docs/design-notes.md).',
        },
        claim: {
          firstFromNodeNewTokenHolder: firstClaimNewHolder,
          firstFromNodeTokenHolder: firstClaimTokenHolder,
          returningCovering4Epochs: returningClaim,
          note: 'a first claim creates the claimed-amount slot (22,100); to an account with no tokens yet the token balance slot too (another 20,000)',
        },
        targets: {
          gasPerCallAt10kCallsFrom1000Payers: '≤ 500',
          firstClaim: '≤ 90,000',
          returningClaim: '≤ 70,000',
        },
      },
      null,
      2,
    ),
  );
} finally {
  await chain.stop();
}
