/**
 * The probe of the inference benchmark, its own process: while another process loads the node
 * with chat calls, it measures what other users of the node see — `GET /health` at a steady rate,
 * and contribution uploads one after another (signed before the clock starts, so that only the
 * node's time is measured). Prints one JSON line.
 *
 *   tsx bench/probeChild.ts <file holding the ProbeSpec as JSON>
 */
import { readFileSync } from 'node:fs';
import { contributionTypes, datanetRegistryDomain } from '@tributary/protocol';
import { type Address, type Hex, sha256 } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { type Summary, summary } from './stats.js';

export type ProbeSpec = {
  url: string;
  chainId: number;
  datanetRegistry: Address;
  datanetId: string;
  /** Contributor keys, used in turn. */
  keys: Hex[];
  /** Documents to upload (each once), in order. */
  documents: { filename: string; text: string }[];
  /** Measuring time, seconds. */
  durationSeconds: number;
  /** Pause between two `/health` requests, ms. */
  healthEveryMs: number;
  /** Pause between two uploads, ms. */
  uploadEveryMs: number;
};

export type ProbeResult = {
  health: Summary & { status: Record<string, number> };
  uploads: Summary & { status: Record<string, number>; bytesMean: number };
};

const spec = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ProbeSpec;

type Upload = { form: () => FormData; bytes: number };

/** Every upload signed in advance: the measured time is the node's. */
async function prepareUploads(): Promise<Upload[]> {
  const domain = datanetRegistryDomain({ chainId: spec.chainId, verifyingContract: spec.datanetRegistry });
  return Promise.all(
    spec.documents.map(async (doc, i) => {
      const account = privateKeyToAccount(spec.keys[i % spec.keys.length]!);
      const bytes = new TextEncoder().encode(doc.text);
      const nonce = BigInt(`0x${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex')}`);
      const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
      const signature = await account.signTypedData({
        domain,
        types: contributionTypes,
        primaryType: 'Contribution',
        message: {
          datanetId: BigInt(spec.datanetId),
          contentHash: sha256(bytes),
          filename: doc.filename,
          nonce,
          deadline,
        },
      });
      return {
        bytes: bytes.length,
        form: () => {
          const form = new FormData();
          form.set('file', new Blob([bytes]), doc.filename);
          form.set('contributor', account.address);
          form.set('nonce', nonce.toString());
          form.set('deadline', deadline.toString());
          form.set('signature', signature);
          return form;
        },
      };
    }),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function timed(request: () => Promise<Response>, status: Record<string, number>): Promise<number> {
  const started = performance.now();
  const response = await request().catch(() => null);
  await response?.arrayBuffer();
  const took = performance.now() - started;
  const key = String(response?.status ?? 'error');
  status[key] = (status[key] ?? 0) + 1;
  return took;
}

const uploads = await prepareUploads();
const until = performance.now() + spec.durationSeconds * 1000;
const healthTimes: number[] = [];
const healthStatus: Record<string, number> = {};
const uploadTimes: number[] = [];
const uploadStatus: Record<string, number> = {};
let uploadedBytes = 0;

await Promise.all([
  (async () => {
    while (performance.now() < until) {
      healthTimes.push(await timed(() => fetch(`${spec.url}/health`), healthStatus));
      await sleep(spec.healthEveryMs);
    }
  })(),
  (async () => {
    for (const upload of uploads) {
      if (performance.now() >= until) break;
      const took = await timed(
        () =>
          fetch(`${spec.url}/v1/datanets/${spec.datanetId}/contributions`, {
            method: 'POST',
            body: upload.form(),
          }),
        uploadStatus,
      );
      uploadTimes.push(took);
      uploadedBytes += upload.bytes;
      await sleep(spec.uploadEveryMs);
    }
  })(),
]);

const result: ProbeResult = {
  health: { ...summary(healthTimes), status: healthStatus },
  uploads: {
    ...summary(uploadTimes),
    status: uploadStatus,
    bytesMean: Math.round(uploadedBytes / Math.max(1, uploadTimes.length)),
  },
};
process.stdout.write(`${JSON.stringify(result)}\n`);
