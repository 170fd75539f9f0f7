import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  keccak256,
  maxUint256,
  parseEther,
  parseSignature,
  toHex,
  zeroAddress,
} from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProtocolClients, type ProtocolClients } from './clients.js';
import {
  ContributionMode,
  createDatanetTypes,
  datanetRegistryDomain,
  Licence,
  nodeRegistryDomain,
  permitTypes,
  signingKeyConsentTypes,
  tokenDomain,
} from './eip712.js';
import { largestRemainder, splitFee } from './feeSplit.js';
import {
  datanetRegistryAbi,
  modelRegistryAbi,
  nodeRegistryAbi,
  paymentEscrowAbi,
  rewardDistributorAbi,
  tributaryTokenAbi,
} from './generated/contracts.js';
import { buildCreditsTree, buildManifestTree, buildReceiptsTree, verifyManifestProof } from './merkle.js';
import { increaseTime, startTestChain, type TestChain } from './testing.js';

/** The custom error name a failed call reverted with. */
async function revertName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BaseError) {
      const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
      if (revert instanceof ContractFunctionRevertedError) return revert.data?.errorName ?? 'unknown';
    }
    throw error;
  }
  throw new Error('expected a revert');
}

describe('one full protocol cycle on a real Anvil', () => {
  let chain: TestChain;
  let c: ProtocolClients[];
  const rpc = () => chain.anvil.rpcUrl;

  beforeAll(async () => {
    chain = await startTestChain();
    c = await Promise.all(
      chain.keys.map((key) => createProtocolClients({ rpcUrl: rpc(), account: key, pollingInterval: 50 })),
    );
  });
  afterAll(() => chain?.stop());

  const [deployerIx, ownerIx, contributorA, contributorB, developerIx, nodeIx, keyIx, payerIx, strangerIx] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8,
  ];
  const addr = (i: number) => c[i]!.account.address;

  async function send(i: number, request: Record<string, unknown>): Promise<void> {
    const { walletClient, publicClient } = c[i]!;
    const { request: simulated } = await publicClient.simulateContract({
      account: walletClient.account,
      ...(request as Parameters<typeof publicClient.simulateContract>[0]),
    });
    const hash = await walletClient.writeContract(
      simulated as Parameters<typeof walletClient.writeContract>[0],
    );
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe('success');
  }
  const balanceOf = (who: Address) =>
    c[0]!.publicClient.readContract({
      address: chain.addresses.token,
      abi: tributaryTokenAbi,
      functionName: 'balanceOf',
      args: [who],
    });

  it('creates a datanet, commits a version, registers a model, settles an epoch and pays every share', async () => {
    const a = chain.addresses;
    const token = { address: a.token, abi: tributaryTokenAbi } as const;
    for (const i of [ownerIx, developerIx, nodeIx, payerIx]) {
      await send(deployerIx, { ...token, functionName: 'transfer', args: [addr(i), parseEther('10000')] });
    }

    // A licensed datanet: models pay 25 TRIB to its owner and give data at least 30%.
    const policy = {
      contributionMode: ContributionMode.Curated,
      licence: Licence.Licensed,
      minDataBps: 3000,
      contributionBond: 0n,
      licenceFee: parseEther('25'),
    };
    await send(ownerIx, {
      address: a.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'createDatanet',
      args: [keccak256(toHex('datanet card')), policy],
    });
    const datanetId = 1n;

    const contributions = [
      { contributionId: 1n, contributor: addr(contributorA), contentHash: keccak256(toHex('doc one')) },
      { contributionId: 2n, contributor: addr(contributorB), contentHash: keccak256(toHex('doc two')) },
      { contributionId: 3n, contributor: addr(contributorA), contentHash: keccak256(toHex('doc three')) },
    ];
    const manifest = buildManifestTree(contributions);
    await send(ownerIx, {
      address: a.datanetRegistry,
      abi: datanetRegistryAbi,
      functionName: 'commitVersion',
      args: [datanetId, manifest.root, 3n, 1500n, keccak256(toHex('manifest blob'))],
    });
    for (const entry of contributions) {
      const proof = manifest.proof(entry);
      expect(verifyManifestProof({ root: manifest.root, entry, proof })).toBe(true);
      const onChain = await c[0]!.publicClient.readContract({
        address: a.datanetRegistry,
        abi: datanetRegistryAbi,
        functionName: 'verifyContribution',
        args: [datanetId, 1n, entry.contributionId, entry.contributor, entry.contentHash, proof],
      });
      expect(onChain).toBe(true);
    }

    // The node registers its signing key (with the key's EIP-712 consent) and stakes.
    const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
    const consent = await c[keyIx]!.walletClient.signTypedData({
      domain: nodeRegistryDomain({ chainId: chain.chainId, verifyingContract: a.nodeRegistry }),
      types: signingKeyConsentTypes,
      primaryType: 'SigningKeyConsent',
      message: { operator: addr(nodeIx), nonce: 0n, deadline },
    });
    await send(nodeIx, {
      address: a.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'register',
      args: ['http://127.0.0.1:8545', addr(keyIx), deadline, consent],
    });
    await send(nodeIx, { ...token, functionName: 'approve', args: [a.nodeRegistry, parseEther('1000')] });
    await send(nodeIx, {
      address: a.nodeRegistry,
      abi: nodeRegistryAbi,
      functionName: 'stake',
      args: [parseEther('1000')],
    });

    // The developer registers a model on version 1, paying the licence fee.
    const split = { computeBps: 2000, developerBps: 3000, dataBps: 5000 };
    await send(developerIx, { ...token, functionName: 'approve', args: [a.modelRegistry, maxUint256] });
    await send(developerIx, {
      address: a.modelRegistry,
      abi: modelRegistryAbi,
      functionName: 'registerModel',
      args: [
        {
          node: addr(nodeIx),
          metadataHash: keccak256(toHex('model card')),
          pricing: { pricePerInputToken: 1_000_000_000n, pricePerOutputToken: 3_000_000_007n },
          split,
          artifactHash: keccak256(toHex('artifact')),
          configHash: keccak256(toHex('config')),
          datanets: [{ datanetId, version: 1n }],
          maxLicenceFees: parseEther('25'),
        },
      ],
    });
    expect(await balanceOf(addr(ownerIx))).toBe(parseEther('10025'));

    // The payer deposits with a permit (no approval transaction) and authorizes the node.
    const deposit = parseEther('50');
    const permit = await c[payerIx]!.walletClient.signTypedData({
      domain: tokenDomain({ chainId: chain.chainId, verifyingContract: a.token }),
      types: permitTypes,
      primaryType: 'Permit',
      message: { owner: addr(payerIx), spender: a.paymentEscrow, value: deposit, nonce: 0n, deadline },
    });
    const { r, s, yParity } = parseSignature(permit);
    await send(payerIx, {
      address: a.paymentEscrow,
      abi: paymentEscrowAbi,
      functionName: 'depositWithPermit',
      args: [deposit, deadline, 27 + yParity, r, s],
    });
    await send(payerIx, {
      address: a.paymentEscrow,
      abi: paymentEscrowAbi,
      functionName: 'authorize',
      args: [addr(nodeIx), parseEther('40'), Number(deadline) + 86_400],
    });

    // One call: 1,234 input and 567 output tokens; attribution gives contribution 1 two parts
    // and contribution 2 one part of the data share.
    const fee = 1234n * 1_000_000_000n + 567n * 3_000_000_007n;
    const shares = splitFee({ fee, protocolFeeBps: 500, split });
    const [toOne, toTwo] = largestRemainder({ amount: shares.data, weights: [666_667n, 333_333n] }) as [
      bigint,
      bigint,
    ];
    const credits = [
      { account: addr(nodeIx), cumulativeAmount: shares.compute },
      { account: addr(developerIx), cumulativeAmount: shares.developer },
      { account: addr(contributorA), cumulativeAmount: toOne },
      { account: addr(contributorB), cumulativeAmount: toTwo },
    ];
    expect(credits.reduce((sum, x) => sum + x.cumulativeAmount, 0n) + shares.protocol).toBe(fee);
    const creditsTree = buildCreditsTree(credits);
    const receipts = buildReceiptsTree([keccak256(toHex('receipt 1'))]);
    await send(nodeIx, {
      address: a.rewardDistributor,
      abi: rewardDistributorAbi,
      functionName: 'settleEpoch',
      args: [
        {
          epoch: 1n,
          receiptsRoot: receipts.root,
          creditsRoot: creditsTree.root,
          receiptCount: 1n,
          totalFee: fee,
          protocolFee: shares.protocol,
          protocolFeeBps: 500,
          pageCount: 1,
          dataUri: 'http://127.0.0.1/epochs/1',
        },
        0,
        [addr(payerIx)],
        [fee],
      ],
    });

    // Inside the window nothing is claimable; after it, every recipient claims once.
    const claimArgs = (x: (typeof credits)[number]) =>
      [addr(nodeIx), 1n, x.account, x.cumulativeAmount, creditsTree.proof(x)] as const;
    const claimRevert = (x: (typeof credits)[number]) =>
      revertName(
        c[strangerIx]!.publicClient.simulateContract({
          account: addr(strangerIx),
          address: a.rewardDistributor,
          abi: rewardDistributorAbi,
          functionName: 'claim',
          args: claimArgs(x),
        }),
      );
    expect(await claimRevert(credits[0]!)).toBe('RewardsEpochNotClaimable');
    await increaseTime(c[0]!.publicClient, 600);

    const before = await Promise.all(credits.map((x) => balanceOf(x.account)));
    for (const x of credits) {
      await send(strangerIx, {
        address: a.rewardDistributor,
        abi: rewardDistributorAbi,
        functionName: 'claim',
        args: claimArgs(x),
      });
    }
    const after = await Promise.all(credits.map((x) => balanceOf(x.account)));
    expect(after.map((balance, i) => balance - before[i]!)).toEqual(credits.map((x) => x.cumulativeAmount));

    await send(strangerIx, {
      address: a.rewardDistributor,
      abi: rewardDistributorAbi,
      functionName: 'finalize',
      args: [addr(nodeIx), 10n],
    });
    await send(strangerIx, {
      address: a.rewardDistributor,
      abi: rewardDistributorAbi,
      functionName: 'sweepProtocolFees',
      args: [],
    });
    expect(await balanceOf(a.timelock)).toBe(shares.protocol);
    expect(await balanceOf(a.rewardDistributor)).toBe(0n);
    const account = await c[0]!.publicClient.readContract({
      address: a.paymentEscrow,
      abi: paymentEscrowAbi,
      functionName: 'accountOf',
      args: [addr(payerIx)],
    });
    expect(account.balance).toBe(deposit - fee);
    expect(await balanceOf(a.paymentEscrow)).toBe(deposit - fee);

    // A second claim pays nothing more.
    expect(await claimRevert(credits[2]!)).toBe('RewardsNothingToClaim');
  });

  it('rejects bad input with the named custom error', async () => {
    const a = chain.addresses;
    const registry = { address: a.datanetRegistry, abi: datanetRegistryAbi } as const;
    const simulate = (i: number, functionName: string, args: readonly unknown[]) =>
      c[i]!.publicClient.simulateContract({ account: addr(i), ...registry, functionName, args } as never);

    expect(
      await revertName(
        simulate(strangerIx, 'commitVersion', [1n, keccak256('0x01'), 1n, 1n, keccak256('0x02')]),
      ),
    ).toBe('DatanetNotCurator');
    expect(await revertName(simulate(strangerIx, 'updateMetadata', [99n, keccak256('0x01')]))).toBe(
      'DatanetUnknown',
    );
    expect(
      await revertName(
        c[strangerIx]!.publicClient.simulateContract({
          account: addr(strangerIx),
          address: a.modelRegistry,
          abi: modelRegistryAbi,
          functionName: 'delist',
          args: [1n, keccak256('0x01')],
        }),
      ),
    ).toBe('OwnableUnauthorizedAccount');

    // Create-by-signature: expired, replayed and wrong-chain signatures are refused.
    const policy = { contributionMode: 0, licence: 0, minDataBps: 0, contributionBond: 0n, licenceFee: 0n };
    const now = BigInt(Math.floor(Date.now() / 1000));
    const request = (deadline: bigint, nonce: bigint) => ({
      owner: addr(ownerIx),
      metadataHash: keccak256('0x05'),
      policy,
      curator: zeroAddress,
      nonce,
      deadline,
    });
    const sign = (chainId: number, deadline: bigint, nonce: bigint) =>
      c[ownerIx]!.walletClient.signTypedData({
        domain: datanetRegistryDomain({ chainId, verifyingContract: a.datanetRegistry }),
        types: createDatanetTypes,
        primaryType: 'CreateDatanet',
        message: request(deadline, nonce),
      });
    const expired = await sign(chain.chainId, now - 10_000n, 0n);
    expect(
      await revertName(simulate(strangerIx, 'createDatanetBySig', [request(now - 10_000n, 0n), expired])),
    ).toBe('DatanetSignatureExpired');
    const otherChain = await sign(chain.chainId + 1, now + 10_000n, 0n);
    expect(
      await revertName(simulate(strangerIx, 'createDatanetBySig', [request(now + 10_000n, 0n), otherChain])),
    ).toBe('DatanetInvalidSignature');
    const good = await sign(chain.chainId, now + 10_000n, 0n);
    await send(strangerIx, {
      ...registry,
      functionName: 'createDatanetBySig',
      args: [request(now + 10_000n, 0n), good],
    });
    expect(
      await revertName(simulate(strangerIx, 'createDatanetBySig', [request(now + 10_000n, 0n), good])),
    ).toBe('DatanetInvalidNonce');
  });
});
