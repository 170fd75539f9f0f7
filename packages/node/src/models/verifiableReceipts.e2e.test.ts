import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Receipt, verifyReceipt } from '@tributary/protocol';
import type { Hex } from 'viem';
import { parseEther } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningNode } from '../node.js';
import { collectBlobs } from '../store/collectBlobs.js';
import { buildAndRegister, fundPayer, PLANTED_DOCUMENTS, plantDatanet } from '../testing/modelFixtures.js';
import { startTestNetwork, type TestNetwork } from '../testing/testNetwork.js';
import type { ModelConfig } from './artifact.js';
import { evidenceSettled } from './evidence/captureEvidence.js';
import type { ReceiptEvidence } from './evidence/receiptEvidence.js';
import { preserveEvidence } from './evidence/receiptEvidence.js';
import { verifyEvidence } from './evidence/verifyEvidence.js';
import { recomputeReceipt } from './publicRebuild.js';
import { servingRuntime } from './servingRuntime.js';

type Completion = {
  choices: { text: string }[];
  attribution: {
    receipt_id: Hex;
    /** The salt of the receipt's commitments (the payer's; verifying with the texts needs it). */
    prompt_salt: Hex;
    contributions: { contribution_id: string; weight_ppm: number }[];
  };
};

const KELPIE = PLANTED_DOCUMENTS[0];
/** The CLI's entry point (run as a separate process, as a user would). */
const CLI = fileURLToPath(new URL('../../../cli/bin/tributary.js', import.meta.url));

// Each test rebuilds models and runs the CLI twice as a separate process (~10 s on a quiet machine).
describe('takedowns reach served models, and every receipt stays verifiable by anyone', {
  timeout: 60_000,
}, () => {
  let net: TestNetwork;
  let node: RunningNode;
  let datanetId: string;
  let apiKey: string;
  let kelpieId: string;

  beforeAll(async () => {
    net = await startTestNetwork();
    node = await net.startNode();
    datanetId = await plantDatanet(net);
    apiKey = await fundPayer(net, 7, parseEther('10'));
    await buildAndRegister(net, datanetId, 'infini-gram', 'planted-ngram');
    await buildAndRegister(net, datanetId, 'retrieval', 'planted-search', { passages: 1 });
    const items = await net.client(1).listContributions(datanetId);
    kelpieId = items.find((c) => c.filename === KELPIE.filename)!.id;
  });
  afterAll(() => net?.stop());

  const call = async (model: string, prompt: string) =>
    fetch(`${net.url}/v1/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, prompt, max_tokens: 40, temperature: 0, seed: 3 }),
    });
  const complete = async (model: string, prompt: string) => {
    const response = await call(model, prompt);
    expect(response.status).toBe(200);
    return (await response.json()) as Completion;
  };
  /** What `tributary verify-receipt` runs: the receipt's signature and amounts, and its recomputation. */
  const verify = async (answer: Completion, prompt: string, output: string, workDir: string) => {
    const { receipt, signature } = await net.client(8).getReceipt(answer.attribution.receipt_id);
    const chain = { rpcUrl: net.chain.anvil.rpcUrl, addresses: net.chain.addresses };
    const promptSalt = answer.attribution.prompt_salt;
    const recomputed = await recomputeReceipt({
      nodeUrl: net.url,
      receipt,
      prompt,
      output,
      promptSalt,
      workDir,
      chain,
    });
    const checked = await verifyReceipt({
      receipt,
      signature,
      rewardDistributor: net.chain.addresses.rewardDistributor,
      expectedSigner: node.ctx.chain.signer.address,
      recomputeAttribution: async () => recomputed.contributions,
    });
    return { receipt, recomputed, valid: checked.valid && recomputed.problems.length === 0, checked };
  };
  /** `tributary verify-receipt … --json` as an outsider runs it: exit code and what it printed. */
  const verifyCli = (answer: Completion, prompt: string, output: string) => {
    const receiptId = answer.attribution.receipt_id;
    const outputFile = join(net.home, `answer-${receiptId.slice(2, 10)}.txt`);
    writeFileSync(outputFile, output);
    const args = ['verify-receipt', '--node', net.url, '--receipt', receiptId, '--prompt', prompt];
    args.push('--salt', answer.attribution.prompt_salt);
    return new Promise<{ code: number; result: { valid: boolean; problems: string[] } }>((resolve) => {
      execFile(
        process.execPath,
        [CLI, ...args, '--output-file', outputFile, '--json'],
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({
            code,
            result: JSON.parse(stdout.trim().split('\n').at(-1) || `{"stderr":${JSON.stringify(stderr)}}`),
          });
        },
      );
    });
  };
  const ownText = 'eleven sightings along the western shore';
  const kelpiePrompt = 'The Glenmoriston kelpie survey of 1923';
  const kelpieQuestion = 'What did the kelpie survey of 1923 count along the western shore?';

  it('stops reciting a taken-down contribution at once, in every model, and verifies receipts from before and after', async () => {
    // Before: both models answer from the kelpie document and pay it.
    const before = await complete('planted-ngram', kelpiePrompt);
    expect(before.choices[0]!.text).toContain(ownText);
    expect(before.attribution.contributions.map((c) => c.contribution_id)).toContain(kelpieId);
    const searched = await complete('planted-search', kelpieQuestion);
    expect(searched.choices[0]!.text).toContain(ownText);

    // The contributor takes it down. The test holds the rebuilds, the new datanet version (its
    // lock) and the indexer, so what the chain records cannot be what stops the models: the
    // takedown itself must, from the moment it is recorded.
    let release!: () => void;
    void node.ctx.locks.run('model-rebuild', () => new Promise<void>((r) => (release = r)));
    let releaseVersion!: () => void;
    void node.ctx.locks.run(`datanet:${datanetId}`, () => new Promise<void>((r) => (releaseVersion = r)));
    await node.ctx.indexer.stop();
    const contributor = net.client(KELPIE.contributor);
    await contributor.login();
    const takenDown = contributor.takedown({ contributionId: kelpieId });
    const removed = async () =>
      (
        await node.ctx.db.query("select 1 from contributions where id = $1 and status = 'removed'", [
          kelpieId,
        ])
      ).length;
    while (!(await removed())) await new Promise((r) => setImmediate(r));
    for (const [model, prompt] of [
      ['planted-ngram', kelpiePrompt],
      ['planted-search', kelpieQuestion],
    ] as const) {
      const refused = await call(model, prompt);
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('MODEL_REBUILDING');
    }
    node.ctx.indexer.start();
    releaseVersion();
    await takenDown;
    const catalog = await net.client(7).catalog();
    expect(catalog.find((m) => m.name === 'planted-ngram')!.serving).toMatchObject({
      state: 'rebuilding',
      code: 'TAKEDOWN',
      takedowns: { count: 1 },
    });
    release();
    await Promise.all(servingRuntime(node.ctx).rebuilding.values());

    // After: neither model recites it nor pays it; the receipt names the takedown state.
    const after = await complete('planted-ngram', kelpiePrompt);
    expect(after.choices[0]!.text).not.toContain(ownText);
    expect(after.attribution.contributions.map((c) => c.contribution_id)).not.toContain(kelpieId);
    const searchedAfter = await complete('planted-search', kelpieQuestion);
    expect(searchedAfter.choices[0]!.text).not.toContain(ownText);
    expect(searchedAfter.attribution.contributions.map((c) => c.contribution_id)).not.toContain(kelpieId);

    // The receipt from after the takedown: rebuilt from the public snapshots without it, re-run.
    const late = await verify(after, kelpiePrompt, after.choices[0]!.text, join(net.home, 'v-after'));
    expect(late.receipt.model.takedowns).toMatchObject({ count: 1 });
    expect(late.recomputed).toMatchObject({
      mode: 'rebuild',
      artifactMatches: true,
      outputMatches: true,
      problems: [],
    });
    expect(late.valid).toBe(true);

    // The receipts from before: the content is gone, so they are checked from the evidence kept.
    for (const [answer, prompt] of [
      [before, kelpiePrompt],
      [searched, kelpieQuestion],
    ] as const) {
      const early = await verify(answer, prompt, answer.choices[0]!.text, join(net.home, 'v-before'));
      expect(early.receipt.model.takedowns).toMatchObject({ count: 0 });
      expect(early.recomputed).toMatchObject({ mode: 'evidence', artifactMatches: true, problems: [] });
      expect(early.valid).toBe(true);
    }
    expect(await verifyCli(before, kelpiePrompt, before.choices[0]!.text)).toMatchObject({
      code: 0,
      result: { valid: true, problems: [] },
    });

    // Evidence is only as good as the answer it is asked about.
    const forged = await verify(
      before,
      kelpiePrompt,
      `${before.choices[0]!.text}!`,
      join(net.home, 'v-forged'),
    );
    expect(forged.valid).toBe(false);
  });

  it('lets an outsider verify a receipt of a model built from a licensed datanet, without its text', async () => {
    const owner = net.client(2);
    await owner.login();
    const licensed = await owner.createDatanet({
      metadata: { name: 'Licensed logbooks' },
      policy: { contributionMode: 'open', licence: 'licensed', licenceFee: parseEther('1').toString() },
    });
    const texts = [
      'The Hollin Reach ferry log of 1931 records the ferryman crossing forty-one times on the day of the great thaw.',
      'Salt merchants at Corrow Quay weighed their sacks on a beam scale the harbour master sealed every Michaelmas.',
    ];
    for (const [i, content] of texts.entries()) {
      await net.client(3 + i).contribute({ datanetId: licensed.id, filename: `log-${i}.md`, content });
    }
    await owner.commitVersion(licensed.id);
    await net.giveTokens(2, parseEther('10'));
    const build = await owner.waitForBuild(
      (
        await owner.buildModel({
          name: 'logbooks',
          kind: 'infini-gram',
          datanets: [{ datanetId: licensed.id, version: 1 }],
        })
      ).id,
    );
    await owner.registerModel({
      build,
      pricing: { pricePerInputToken: 1_000_000_000n, pricePerOutputToken: 3_000_000_000n },
      split: { computeBps: 2000, developerBps: 3000, dataBps: 5000 },
    });
    const prompt = 'The Hollin Reach ferry log';
    const answer = await complete('logbooks', prompt);
    expect(answer.choices[0]!.text).toContain('forty-one times');

    // An outsider cannot read the text …
    const snapshot = await fetch(`${net.url}/v1/datanets/${licensed.id}/versions/1/snapshot.jsonl`);
    expect(snapshot.status).toBe(401);
    // … and still verifies the receipt: every paid contribution holds a run of the answer.
    const checked = await verify(answer, prompt, answer.choices[0]!.text, join(net.home, 'v-lic'));
    expect(checked.recomputed).toMatchObject({ mode: 'evidence', artifactMatches: true, problems: [] });
    expect(checked.valid).toBe(true);
    expect(await verifyCli(answer, prompt, answer.choices[0]!.text)).toMatchObject({
      code: 0,
      result: { valid: true, problems: [] },
    });

    // Evidence needs the answer's salt too: the route confirms no guessed answer to a receipt.
    const unsalted = await fetch(`${net.url}/v1/receipts/${answer.attribution.receipt_id}/evidence`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ output: answer.choices[0]!.text }),
    });
    expect(unsalted.status).toBe(400);

    // A proof that does not lead to the committed token root fails.
    const evidence = (await (
      await fetch(`${net.url}/v1/receipts/${answer.attribution.receipt_id}/evidence`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ output: answer.choices[0]!.text, salt: answer.attribution.prompt_salt }),
      })
    ).json()) as ReceiptEvidence;
    const first = evidence.contributions[0]!;
    const salts = [...first.proof!.salts];
    salts[0] = `0x${'11'.repeat(16)}`;
    const { config } = (await (
      await fetch(
        `${net.url}/v1/models/${checked.receipt.model.id}/versions/${checked.receipt.model.version}`,
      )
    ).json()) as { config: ModelConfig };
    const evidenceCheck = {
      base: net.url,
      receipt: checked.receipt,
      output: answer.choices[0]!.text,
      config,
    };
    const badProof = await verifyEvidence({
      ...evidenceCheck,
      promptSalt: answer.attribution.prompt_salt,
      takedowns: new Set(),
      evidence: { ...evidence, contributions: [{ ...first, proof: { ...first.proof!, salts } }] },
    });
    expect(badProof.join('\n')).toContain(`does not prove that contribution ${first.contributionId} holds`);
    // Without the salt, the verifier says what the node answered and what to pass.
    expect((await verifyEvidence({ ...evidenceCheck, takedowns: new Set() })).join('\n')).toContain(
      "answered 400: the output given is not the receipt's answer (its commitment differs) (pass the receipt's salt: --salt)",
    );

    // Receipts that pay the wrong account, or a contribution outside the model, would not verify.
    const paid = checked.receipt.attribution.contributions;
    const recheck = (contributions: Receipt['attribution']['contributions']) =>
      recomputeReceipt({
        nodeUrl: net.url,
        receipt: { ...checked.receipt, attribution: { ...checked.receipt.attribution, contributions } },
        prompt,
        output: answer.choices[0]!.text,
        promptSalt: answer.attribution.prompt_salt,
        workDir: join(net.home, 'v-doctored'),
      });
    const stranger = net.chain.accounts[8]!;
    expect((await recheck([{ ...paid[0]!, contributor: stranger }])).problems.join('\n')).toContain(
      `is paid to ${stranger}`,
    );
    expect(
      (await recheck([{ ...paid[0]!, contributionId: kelpieId, datanetId }])).problems.join('\n'),
    ).toContain(`contribution ${kelpieId} is not in the model's version of datanet ${datanetId}`);
  });

  it('keeps taken-down content until the receipts citing it have their proofs, even when the collector runs first', async () => {
    // A call that pays the orchard document, its evidence noted (no proof yet: the content is there).
    const orchard = PLANTED_DOCUMENTS[2];
    const answer = await complete('planted-ngram', 'In the walled orchard at Pennyfold');
    expect(answer.choices[0]!.text).toContain('seventeen varieties of pear');
    const items = await net.client(1).listContributions(datanetId);
    const orchardId = items.find((c) => c.filename === orchard.filename)!.id;
    expect(answer.attribution.contributions.map((c) => c.contribution_id)).toContain(orchardId);
    await evidenceSettled(node.ctx);
    const [row] = await node.ctx.db.query<{ content_hash: string }>(
      'select content_hash from contributions where id = $1',
      [orchardId],
    );
    const blob = row!.content_hash.replace(/^0x/, '');

    // The node stops right after marking the takedown (what `takedown` writes first); the blob
    // collector then runs before the takedown is completed.
    await node.ctx.db.query("update contributions set status = 'removed', removed_at = now() where id = $1", [
      orchardId,
    ]);
    await collectBlobs(node.ctx, { graceMs: 0 });
    expect(await node.ctx.blobs.get(blob)).not.toBeNull();

    // Completing the takedown keeps the proof; then the content goes.
    expect(await preserveEvidence(node.ctx, orchardId, row!.content_hash)).toBeGreaterThanOrEqual(1);
    await collectBlobs(node.ctx, { graceMs: 0 });
    expect(await node.ctx.blobs.get(blob)).toBeNull();
  });
});
