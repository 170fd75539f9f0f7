/**
 * Governance decisions that touched a model: its status changes (delist, relist, deprecate),
 * bans of its contributors, slashes of its serving node, and every governor proposal whose calls
 * name the model, one of its datanets, or one of those accounts — linked to the proposal that
 * executed them when governance did. Read from indexed events, so proposals of any kind are
 * found the day they exist.
 */
import type { LineageGovernanceEvent, LineageProposal } from '@tributary/protocol';
import { tributaryGovernorAbi } from '@tributary/protocol';
import {
  type Abi,
  type AbiFunction,
  decodeFunctionData,
  getAddress,
  type Hex,
  hexToString,
  isHex,
} from 'viem';
import { addressKey } from '../chain/chainContext.js';
import { protocolContracts } from '../chain/contracts.js';
import type { Context } from '../context.js';
import { chainRef, type EventRow, eventsWhere } from './chainRefs.js';

export type GovernanceScope = {
  modelId: string;
  datanetIds: ReadonlySet<string>;
  /** Lower-case addresses: contributors, the developer, the serving node. */
  accounts: ReadonlySet<string>;
  servingNode: string;
};

/** OpenZeppelin Governor's ProposalState, in order. */
const PROPOSAL_STATES = [
  'pending',
  'active',
  'canceled',
  'defeated',
  'succeeded',
  'queued',
  'expired',
  'executed',
];
const STATUS = ['active', 'deprecated', 'delisted'];

/** A bytes32 reason as text when it is a short string, else the hex. */
function reasonText(reason: unknown): string {
  const hex = String(reason);
  if (!isHex(hex) || /^0x0*$/.test(hex)) return '';
  const text = hexToString(hex as Hex, { size: 32 }).replace(/\0+$/, '');
  return /^[\x20-\x7e]+$/.test(text) ? text : hex;
}

export async function lineageGovernance(
  ctx: Context,
  scope: GovernanceScope,
): Promise<LineageGovernanceEvent[]> {
  const proposals = await touchingProposals(ctx, scope);
  const executed = await eventsWhere(ctx.db, 'governor', ['ProposalExecuted']);
  const executedIn = new Map(executed.map((e) => [e.tx_hash, String(e.args.proposalId)]));
  const proposalOf = (row: EventRow) => {
    const id = executedIn.get(row.tx_hash);
    return id ? (proposals.get(id) ?? null) : null;
  };
  const out: LineageGovernanceEvent[] = [];
  const used = new Set<string>();
  const add = (row: EventRow, kind: LineageGovernanceEvent['kind'], summary: string) => {
    const proposal = proposalOf(row);
    if (proposal) used.add(proposal.proposalId);
    out.push({ ...chainRef(row), kind, summary, proposal });
  };
  for (const row of await eventsWhere(ctx.db, 'modelRegistry', ['ModelStatusChanged'], {
    modelId: scope.modelId,
  })) {
    const reason = reasonText(row.args.reason);
    // Governance delists and relists (through an executed proposal); the developer deprecates or reactivates.
    const by = executedIn.has(row.tx_hash) ? 'governance' : 'the developer';
    const status = STATUS[Number(row.args.status)];
    add(row, 'model-status', `${by} set the model ${status}${reason ? ` (reason: ${reason})` : ''}`);
  }
  for (const row of await eventsWhere(ctx.db, 'datanetRegistry', ['ContributorBanSet'])) {
    if (!scope.accounts.has(addressKey(String(row.args.account)))) continue;
    add(row, 'contributor-ban', `contributor ${row.args.account} ${row.args.banned ? 'banned' : 'unbanned'}`);
  }
  for (const row of await eventsWhere(ctx.db, 'nodeRegistry', ['NodeSlashed'], {
    operator: scope.servingNode,
  })) {
    add(
      row,
      'node-slash',
      `serving node slashed ${row.args.amount} (reason: ${reasonText(row.args.reason) || '-'})`,
    );
  }
  for (const proposal of proposals.values()) {
    if (used.has(proposal.proposalId)) continue;
    out.push({ ...proposal.created, kind: 'proposal', summary: `proposal (${proposal.state})`, proposal });
  }
  return out.sort((a, b) => Number(BigInt(a.blockNumber) - BigInt(b.blockNumber)));
}

/** Proposals whose calls touch the scope, with their state read from the governor. */
async function touchingProposals(
  ctx: Context,
  scope: GovernanceScope,
): Promise<Map<string, LineageProposal>> {
  const contracts = new Map(
    protocolContracts(ctx.chain.addresses).map((c) => [addressKey(c.address), { name: c.name, abi: c.abi }]),
  );
  const found = new Map<string, LineageProposal>();
  for (const row of await eventsWhere(ctx.db, 'governor', ['ProposalCreated'])) {
    const targets = row.args.targets as string[];
    const calldatas = row.args.calldatas as Hex[];
    const calls: LineageProposal['calls'] = [];
    targets.forEach((target, i) => {
      const contract = contracts.get(addressKey(target));
      const call = contract ? decodeCall(contract.abi, calldatas[i]!) : null;
      if (contract && call && touches(call, scope)) {
        calls.push({
          contract: contract.name,
          functionName: call.functionName,
          args: call.args.map((a) => String(a)),
        });
      }
    });
    if (calls.length === 0) continue;
    const proposalId = String(row.args.proposalId);
    const state = await ctx.chain.publicClient.readContract({
      address: ctx.chain.addresses.governor,
      abi: tributaryGovernorAbi,
      functionName: 'state',
      args: [BigInt(proposalId)],
    });
    found.set(proposalId, {
      proposalId,
      proposer: getAddress(String(row.args.proposer)),
      description: String(row.args.description),
      state: PROPOSAL_STATES[Number(state)] ?? String(state),
      created: chainRef(row),
      calls,
    });
  }
  return found;
}

type DecodedCall = { functionName: string; args: readonly unknown[]; inputs: AbiFunction['inputs'] };

function decodeCall(abi: Abi, data: Hex): DecodedCall | null {
  try {
    const { functionName, args } = decodeFunctionData({ abi, data });
    const fn = abi.find((i): i is AbiFunction => i.type === 'function' && i.name === functionName);
    return { functionName, args: args ?? [], inputs: fn?.inputs ?? [] };
  } catch {
    return null;
  }
}

function touches(call: DecodedCall, scope: GovernanceScope): boolean {
  return call.args.some((arg, i) => {
    const input = call.inputs[i];
    if (input?.name === 'modelId') return String(arg) === scope.modelId;
    if (input?.name === 'datanetId') return scope.datanetIds.has(String(arg));
    if (input?.type === 'address') return scope.accounts.has(addressKey(String(arg)));
    return false;
  });
}
