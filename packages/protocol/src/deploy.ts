/**
 * Deploys the whole protocol to any RPC URL, idempotently: the addresses file records each
 * contract as soon as it exists, so a second run (or a run after a crash) reuses what is on
 * chain and only does what is missing.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type Abi,
  type Account,
  type Address,
  getAddress,
  type Hex,
  isAddressEqual,
  zeroAddress,
} from 'viem';
import { createProtocolClients, type ProtocolClients, writeAndWait } from './clients.js';
import { DeploymentError } from './errors.js';
import {
  datanetRegistryAbi,
  datanetRegistryBytecode,
  governanceRewardsAbi,
  governanceRewardsBytecode,
  modelRegistryAbi,
  modelRegistryBytecode,
  nodeRegistryAbi,
  nodeRegistryBytecode,
  paymentEscrowAbi,
  paymentEscrowBytecode,
  rewardDistributorAbi,
  rewardDistributorBytecode,
  tributaryGovernorAbi,
  tributaryGovernorBytecode,
  tributaryTimelockAbi,
  tributaryTimelockBytecode,
  tributaryTokenAbi,
  tributaryTokenBytecode,
} from './generated/contracts.js';

/** Addresses of a deployment. */
export type ProtocolAddresses = {
  token: Address;
  timelock: Address;
  datanetRegistry: Address;
  nodeRegistry: Address;
  modelRegistry: Address;
  paymentEscrow: Address;
  rewardDistributor: Address;
  governor: Address;
  governanceRewards: Address;
};

/** Protocol parameters set at deployment (governance changes them later). */
export type DeployConfig = {
  /** Fixed token supply in base units, minted once to `initialHolder` (the deployer by default). */
  totalSupply: bigint;
  initialHolder?: Address;
  timelockDelay: bigint;
  votingDelay: number;
  votingPeriod: number;
  proposalThreshold: bigint;
  quorumPercent: bigint;
  bondTimeout: bigint;
  /** Seconds a contributor has to appeal a bond forfeiture, and governance then has to decide. */
  bondAppealPeriod: bigint;
  minStake: bigint;
  unstakeDelay: bigint;
  unlockDelay: bigint;
  settlementGrace: bigint;
  protocolFeeBps: number;
  challengeWindow: bigint;
  /** The smallest challenge bond; above it, `challengeBondBps` of the funds a challenge freezes. */
  challengeBondMin: bigint;
  challengeBondBps: number;
  /** Seconds governance has to uphold a challenge before it lapses (longer than a proposal takes). */
  resolutionPeriod: bigint;
  maxPendingEpochs: bigint;
  /** Voter rewards paid per reward period (to all voters together, at most), from the budget. */
  voterRewardPerPeriod: bigint;
  /** Length of a voter-reward period in seconds: a voter is paid once per period it voted in. */
  voterRewardPeriod: number;
};

const DAY = 86_400n;
const TOKEN = 10n ** 18n;

/** Parameters for a public network: days-long windows and delays. */
export const productionDeployConfig: DeployConfig = {
  totalSupply: 1_000_000_000n * TOKEN,
  timelockDelay: 2n * DAY,
  votingDelay: 86_400,
  votingPeriod: 5 * 86_400,
  proposalThreshold: 100_000n * TOKEN,
  quorumPercent: 4n,
  bondTimeout: 30n * DAY,
  bondAppealPeriod: 14n * DAY,
  minStake: 10_000n * TOKEN,
  unstakeDelay: 14n * DAY,
  unlockDelay: 2n * DAY,
  settlementGrace: DAY,
  protocolFeeBps: 500,
  challengeWindow: DAY,
  challengeBondMin: 1_000n * TOKEN,
  challengeBondBps: 1_000,
  // A proposal takes votingDelay + votingPeriod + timelockDelay = 8 days.
  resolutionPeriod: 14n * DAY,
  maxPendingEpochs: 256n,
  voterRewardPerPeriod: 10_000n * TOKEN,
  voterRewardPeriod: 7 * 86_400,
};

/** Parameters for a local network: minutes instead of days, small stakes. */
export const devDeployConfig: DeployConfig = {
  ...productionDeployConfig,
  timelockDelay: 60n,
  votingDelay: 1,
  votingPeriod: 300,
  proposalThreshold: 1_000n * TOKEN,
  minStake: 1_000n * TOKEN,
  unstakeDelay: 600n,
  unlockDelay: 600n,
  settlementGrace: 3_600n,
  challengeWindow: 600n,
  challengeBondMin: 100n * TOKEN,
  bondAppealPeriod: 3_600n,
  resolutionPeriod: 3_600n,
  voterRewardPeriod: 86_400,
};

/** What the addresses file holds. */
export type DeploymentRecord = {
  chainId: number;
  deployer: Address;
  /** Block of the first deployment transaction: where an indexer starts. */
  startBlock: string;
  addresses: Partial<ProtocolAddresses>;
  /** Post-deployment wiring steps done. */
  wired: string[];
};

export type DeployParameters = {
  rpcUrl: string;
  /** The deploying account (a private key or viem account); pays gas and receives the supply. */
  deployer: Account | Hex;
  /** JSON file to read and write addresses; without it nothing is reused. */
  addressesFile?: string;
  config?: Partial<DeployConfig>;
  /** Called for each step: a contract deployed or reused, a wiring step done or skipped. */
  onProgress?: (event: {
    step: string;
    status: 'deployed' | 'reused' | 'done' | 'skipped';
    address?: Address;
  }) => void;
};

export type DeployReturnType = {
  chainId: number;
  addresses: ProtocolAddresses;
  startBlock: bigint;
  reused: boolean;
};

type Step = {
  name: keyof ProtocolAddresses;
  abi: Abi;
  bytecode: Hex;
  args: (a: Partial<ProtocolAddresses>) => readonly unknown[];
};

/**
 * Deploys (or finds) the protocol and returns its addresses.
 *
 * @example
 * const { addresses } = await deploy({ rpcUrl, deployer: privateKey, addressesFile: '.tributary/addresses.json' });
 */
export async function deploy(parameters: DeployParameters): Promise<DeployReturnType> {
  const config: DeployConfig = { ...productionDeployConfig, ...parameters.config };
  const clients = await createProtocolClients({
    rpcUrl: parameters.rpcUrl,
    account: parameters.deployer,
    pollingInterval: 100,
  });
  const { publicClient, account } = clients;
  const chainId = clients.chain.id;
  const progress = parameters.onProgress ?? (() => {});

  const record = readRecord(parameters.addressesFile, chainId, account.address);
  const save = () => parameters.addressesFile && writeRecord(parameters.addressesFile, record);
  const holder = config.initialHolder ?? account.address;
  const must = (a: Partial<ProtocolAddresses>, name: keyof ProtocolAddresses) => a[name] as Address;

  const steps: Step[] = [
    {
      name: 'token',
      abi: tributaryTokenAbi,
      bytecode: tributaryTokenBytecode,
      args: () => [holder, config.totalSupply],
    },
    {
      name: 'timelock',
      abi: tributaryTimelockAbi,
      bytecode: tributaryTimelockBytecode,
      args: () => [config.timelockDelay, [], [], account.address],
    },
    {
      name: 'datanetRegistry',
      abi: datanetRegistryAbi,
      bytecode: datanetRegistryBytecode,
      args: (a) => [must(a, 'token'), must(a, 'timelock'), config.bondTimeout, config.bondAppealPeriod],
    },
    {
      name: 'nodeRegistry',
      abi: nodeRegistryAbi,
      bytecode: nodeRegistryBytecode,
      args: (a) => [must(a, 'token'), must(a, 'timelock'), config.minStake, config.unstakeDelay],
    },
    {
      name: 'modelRegistry',
      abi: modelRegistryAbi,
      bytecode: modelRegistryBytecode,
      args: (a) => [
        must(a, 'token'),
        must(a, 'datanetRegistry'),
        must(a, 'nodeRegistry'),
        must(a, 'timelock'),
      ],
    },
    {
      name: 'paymentEscrow',
      abi: paymentEscrowAbi,
      bytecode: paymentEscrowBytecode,
      args: (a) => [must(a, 'token'), must(a, 'timelock'), config.unlockDelay, config.settlementGrace],
    },
    {
      name: 'rewardDistributor',
      abi: rewardDistributorAbi,
      bytecode: rewardDistributorBytecode,
      args: (a) => [
        must(a, 'token'),
        must(a, 'paymentEscrow'),
        must(a, 'nodeRegistry'),
        must(a, 'timelock'),
        {
          protocolFeeBps: config.protocolFeeBps,
          challengeWindow: config.challengeWindow,
          challengeBondMin: config.challengeBondMin,
          challengeBondBps: config.challengeBondBps,
          resolutionPeriod: config.resolutionPeriod,
          maxPendingEpochs: config.maxPendingEpochs,
          treasury: must(a, 'timelock'),
        },
      ],
    },
    {
      name: 'governor',
      abi: tributaryGovernorAbi,
      bytecode: tributaryGovernorBytecode,
      args: (a) => [
        must(a, 'token'),
        must(a, 'timelock'),
        config.votingDelay,
        config.votingPeriod,
        config.proposalThreshold,
        config.quorumPercent,
      ],
    },
    {
      name: 'governanceRewards',
      abi: governanceRewardsAbi,
      bytecode: governanceRewardsBytecode,
      args: (a) => [
        must(a, 'governor'),
        must(a, 'token'),
        must(a, 'timelock'),
        config.voterRewardPerPeriod,
        config.voterRewardPeriod,
      ],
    },
  ];

  // A contract whose dependency was redeployed is redeployed too: steps are in dependency order.
  let redeploying = false;
  let reused = true;
  for (const step of steps) {
    const known = record.addresses[step.name];
    if (!redeploying && known && (await hasCode(clients, known))) {
      progress({ step: step.name, status: 'reused', address: known });
      continue;
    }
    redeploying = true;
    reused = false;
    const address = await deployContract(clients, step, step.args(record.addresses));
    if (record.startBlock === '0') {
      record.startBlock = String((await publicClient.getBlockNumber()) - 1n);
    }
    record.addresses[step.name] = address;
    record.wired = [];
    save();
    progress({ step: step.name, status: 'deployed', address });
  }
  const addresses = record.addresses as ProtocolAddresses;

  for (const wiring of wiringSteps(clients, addresses)) {
    const recorded = record.wired.includes(wiring.name);
    if (recorded || (await wiring.isDone())) {
      progress({ step: wiring.name, status: 'skipped' });
    } else {
      await wiring.run().catch((cause: unknown) => {
        throw deploymentFailed(wiring.name, cause);
      });
      reused = false;
      progress({ step: wiring.name, status: 'done' });
    }
    if (recorded) continue;
    record.wired.push(wiring.name);
    save();
  }
  return { chainId, addresses, startBlock: BigInt(record.startBlock), reused };
}

/** Reads an addresses file written by `deploy`; null if there is none. */
export function readDeployment(path: string): DeploymentRecord | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DeploymentRecord;
  } catch (cause) {
    throw new DeploymentError({
      code: 'DEPLOYMENT_FILE_INVALID',
      message: `the addresses file ${path} is not valid JSON`,
      details: ['delete it to deploy afresh, or restore it from a backup'],
      cause,
    });
  }
}

function readRecord(path: string | undefined, chainId: number, deployer: Address): DeploymentRecord {
  const fresh: DeploymentRecord = { chainId, deployer, startBlock: '0', addresses: {}, wired: [] };
  if (!path) return fresh;
  const record = readDeployment(path);
  if (!record) return fresh;
  if (record.chainId !== chainId) {
    throw new DeploymentError({
      code: 'DEPLOYMENT_WRONG_CHAIN',
      message: `${path} records a deployment on chain ${record.chainId}, but the RPC is chain ${chainId}`,
      details: ['point the RPC at the recorded chain, or use another addresses file'],
    });
  }
  return record;
}

function writeRecord(path: string, record: DeploymentRecord) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, path); // atomic: a crash never leaves a half-written file
}

async function hasCode({ publicClient }: ProtocolClients, address: Address): Promise<boolean> {
  const code = await publicClient.getCode({ address });
  return code !== undefined && code !== '0x';
}

async function deployContract(
  clients: ProtocolClients,
  step: Step,
  args: readonly unknown[],
): Promise<Address> {
  const { walletClient, publicClient } = clients;
  try {
    const hash = await walletClient.deployContract({ abi: step.abi, bytecode: step.bytecode, args });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress)
      throw new Error(`transaction ${hash} reverted`);
    return getAddress(receipt.contractAddress);
  } catch (cause) {
    throw deploymentFailed(`deploying ${step.name}`, cause);
  }
}

const deploymentFailed = (step: string, cause: unknown) =>
  new DeploymentError({
    code: 'DEPLOYMENT_FAILED',
    message: `${step} failed`,
    details: [cause instanceof Error ? cause.message.split('\n')[0]! : String(cause)],
    cause,
  });

type Wiring = { name: string; isDone: () => Promise<boolean>; run: () => Promise<void> };

function wiringSteps(clients: ProtocolClients, a: ProtocolAddresses): Wiring[] {
  const { publicClient, account } = clients;
  const hasRole = (role: Hex, who: Address) =>
    publicClient.readContract({
      address: a.timelock,
      abi: tributaryTimelockAbi,
      functionName: 'hasRole',
      args: [role, who],
    });
  const role = (name: 'PROPOSER_ROLE' | 'CANCELLER_ROLE' | 'EXECUTOR_ROLE' | 'DEFAULT_ADMIN_ROLE') =>
    publicClient.readContract({ address: a.timelock, abi: tributaryTimelockAbi, functionName: name });
  const grant = (name: 'PROPOSER_ROLE' | 'CANCELLER_ROLE' | 'EXECUTOR_ROLE', who: Address): Wiring => ({
    name: `timelock ${name} → ${who}`,
    isDone: async () => hasRole(await role(name), who),
    run: async () => {
      await writeAndWait(clients, {
        address: a.timelock,
        abi: tributaryTimelockAbi,
        functionName: 'grantRole',
        args: [await role(name), who],
      });
    },
  });
  return [
    {
      name: 'escrow distributor',
      // Set once only: a distributor other than ours makes `run` fail loudly instead of passing.
      isDone: async () =>
        isAddressEqual(
          await publicClient.readContract({
            address: a.paymentEscrow,
            abi: paymentEscrowAbi,
            functionName: 'distributor',
          }),
          a.rewardDistributor,
        ),
      run: async () => {
        await writeAndWait(clients, {
          address: a.paymentEscrow,
          abi: paymentEscrowAbi,
          functionName: 'setDistributor',
          args: [a.rewardDistributor],
        });
      },
    },
    {
      name: 'node registry settlement',
      // Lets the distributor slash for upheld challenges and lock stake while epochs are challengeable.
      isDone: async () =>
        isAddressEqual(
          await publicClient.readContract({
            address: a.nodeRegistry,
            abi: nodeRegistryAbi,
            functionName: 'settlement',
          }),
          a.rewardDistributor,
        ),
      run: async () => {
        await writeAndWait(clients, {
          address: a.nodeRegistry,
          abi: nodeRegistryAbi,
          functionName: 'setSettlement',
          args: [a.rewardDistributor],
        });
      },
    },
    grant('PROPOSER_ROLE', a.governor),
    grant('CANCELLER_ROLE', a.governor),
    grant('EXECUTOR_ROLE', zeroAddress),
    {
      // Last: after this the deployer has no power left over the timelock.
      name: 'timelock admin renounced',
      isDone: async () => !(await hasRole(await role('DEFAULT_ADMIN_ROLE'), account.address)),
      run: async () => {
        await writeAndWait(clients, {
          address: a.timelock,
          abi: tributaryTimelockAbi,
          functionName: 'renounceRole',
          args: [await role('DEFAULT_ADMIN_ROLE'), account.address],
        });
      },
    },
  ];
}
