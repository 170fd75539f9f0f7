/**
 * A model lineage as a readable report (Markdown): what the model is, who made and serves it,
 * what it was built from (with the on-chain evidence), how to rebuild it, what governance did,
 * and what its calls paid.
 */
import { formatUnits } from 'viem';
import type { ChainRef, LineageAmounts, ModelLineage } from './lineage.js';

const trib = (amount: string) => `${formatUnits(BigInt(amount), 18)} TRIB`;
const tx = (ref: ChainRef) => `block ${ref.blockNumber}, ${ref.time}, tx \`${ref.txHash}\``;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
const amounts = (a: LineageAmounts) => `${a.calls} calls, ${trib(a.fees)}`;

/**
 * Renders the lineage as Markdown.
 *
 * @example
 * writeFileSync('lineage.md', lineageReport(await client.lineage('3')));
 */
export function lineageReport(l: ModelLineage): string {
  const m = l.model;
  const out: string[] = [];
  out.push(`# Lineage of model ${m.id}${m.name ? ` "${m.name}"` : ''}, version ${m.version}`);
  out.push(
    `Generated ${l.generatedAt} by node \`${l.generatedBy}\` from chain ${l.chainId} ` +
      `(ModelRegistry \`${l.contracts.modelRegistry}\`, DatanetRegistry \`${l.contracts.datanetRegistry}\`). ` +
      'Every hash, root and transaction below can be checked against the chain: `tributary lineage --check`.',
  );

  out.push('## Model');
  out.push(
    [
      row(['', '']),
      row(['---', '---']),
      row(['Kind', m.kind ?? 'unknown (no node holding the artifact answered)']),
      row(['Status', m.status]),
      row(['Developer', `\`${m.developer}\``]),
      row(['Artifact hash', `\`${m.artifactHash}\``]),
      row(['Config hash', `\`${m.configHash}\``]),
      row(['Tokenizer', m.tokenizer ?? '-']),
      row(['Parameters', m.params ? `\`${JSON.stringify(m.params)}\`` : '-']),
      row([
        'Price',
        `${m.pricing.pricePerInputToken} / ${m.pricing.pricePerOutputToken} base units per input / output token`,
      ]),
      row([
        'Split',
        `compute ${m.split.computeBps / 100}%, developer ${m.split.developerBps / 100}%, data ${m.split.dataBps / 100}%`,
      ]),
      row(['Registered', tx(m.registered)]),
      row([`Version ${m.version} published`, tx(m.published)]),
      row(['Versions', String(m.versionCount)]),
    ].join('\n'),
  );

  out.push('## Served by');
  out.push(
    `Node \`${l.servingNode.operator}\`${l.servingNode.endpoint ? ` at ${l.servingNode.endpoint}` : ' (not registered in NodeRegistry)'}` +
      `${l.servingNode.signingKey ? `; its receipts are signed by \`${l.servingNode.signingKey}\`` : ''}.`,
  );

  out.push('## Training data');
  for (const d of l.datanets) {
    out.push(`### Datanet ${d.datanetId}${d.name ? ` "${d.name}"` : ''}, version ${d.version}`);
    out.push(
      [
        `- Owner \`${d.owner}\`; licence ${d.licence}${d.licence === 'licensed' ? ` (fee ${trib(d.licenceFee)})` : ''}` +
          `${d.licencePaid ? `; licensed to this model for ${trib(d.licencePaid.fee)} at ${tx(d.licencePaid)}` : ''}`,
        `- Manifest root \`${d.manifestRoot}\`, manifest hash \`${d.manifestHash}\``,
        `- ${d.contributionCount} contributions, ${d.tokenCount} tokens`,
        `- Committed by \`${d.committed.by}\` at ${tx(d.committed)}`,
        `- Snapshot: ${d.snapshotUrl ?? 'no hosting node answered'}`,
      ].join('\n'),
    );
    if (d.contributors) {
      out.push(
        [
          row(['Contributor', 'Contributions', 'Tokens']),
          row(['---', '---:', '---:']),
          ...d.contributors.map((c) => row([`\`${c.contributor}\``, c.contributions, c.tokens])),
        ].join('\n'),
      );
    }
    if (d.takedowns.length === 0) out.push('No contribution of this version was taken down.');
    else {
      out.push(
        [
          'Taken down since:',
          '',
          row(['Contribution', 'Reason', 'By', 'When']),
          row(['---', '---', '---', '---']),
          ...d.takedowns.map((t) => row([t.contributionId, t.reason, `\`${t.by}\``, tx(t)])),
        ].join('\n'),
      );
    }
  }

  out.push('## How to rebuild it');
  out.push(l.rebuild.steps.map((s, i) => `${i + 1}. ${s}`).join('\n'));

  out.push('## Governance');
  if (l.governance.length === 0) out.push('No governance decision touched this model, its data or its node.');
  for (const g of l.governance) {
    const p = g.proposal;
    out.push(
      `- ${g.summary} — ${tx(g)}` +
        (p ? `\n  - proposal ${p.proposalId} by \`${p.proposer}\` (${p.state}): "${p.description}"` : ''),
    );
  }

  out.push('## Calls and payouts');
  const u = l.usage;
  if (!u)
    out.push(
      `Not known to this node${l.usageFrom ? `: the serving node publishes them at ${l.usageFrom}` : ''}.`,
    );
  else {
    out.push(
      [
        `- ${u.calls} calls, ${u.inputTokens} input and ${u.outputTokens} output tokens, ${trib(u.fees)} in fees`,
        `- To the protocol ${trib(u.shares.protocol)}, the node ${trib(u.shares.compute)}, the developer ${trib(u.shares.developer)}, ` +
          `data contributors ${trib(u.shares.dataAttributed)} by attribution and ${trib(u.shares.dataPool)} through the training pool`,
        `- Settled ${amounts(u.byEpochStatus.settled)}; not yet settled ${amounts(u.byEpochStatus.pending)}; voided ${amounts(u.byEpochStatus.voided)}`,
      ].join('\n'),
    );
    if (u.contributors.length > 0) {
      out.push(
        [
          row(['Contributor', 'Calls attributed', 'Earned by attribution']),
          row(['---', '---:', '---:']),
          ...u.contributors.map((c) => row([`\`${c.contributor}\``, c.calls, trib(c.amount)])),
        ].join('\n'),
      );
    }
    if (u.epochs.length > 0) {
      out.push(
        [
          row(['Epoch', 'Status', 'Calls', 'Fees', 'Settled']),
          row(['---:', '---', '---:', '---:', '---']),
          ...u.epochs.map((e) =>
            row([e.epoch, e.status, e.calls, trib(e.fees), e.settled ? tx(e.settled) : '-']),
          ),
        ].join('\n'),
      );
    }
  }
  return `${out.join('\n\n')}\n`;
}
