/**
 * Real corpora for the benchmark, found on this machine (Debian packages), each split into many
 * contributors: every document belongs to one contribution, and contributions to contributors.
 *
 * - `debian-copyright`: every package's `/usr/share/doc/<package>/copyright` plus the licence texts
 *   of `/usr/share/common-licenses` — real licence and copyright texts whose GPL, MIT, BSD and
 *   Apache passages recur across hundreds of files (present on any Debian system with docs).
 * - `linux-doc`: the Linux kernel documentation sources (`apt-get install -y linux-doc`), one
 *   document per file, one contributor per top-level directory.
 * - `python-doc`: the Python 3.11 documentation sources (`apt-get install -y python3.11-doc`), one
 *   document per file, one contributor per top-level directory.
 *
 * A corpus that is absent is skipped with a message saying how to install it.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

export type CorpusDocument = { contributionId: string; contributor: string; text: string };

export type RealCorpus = {
  name: string;
  source: string;
  documents: CorpusDocument[];
  contributors: number;
};

export type RealCorpusResult = RealCorpus | { name: string; skipped: string };

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function listFiles(directory: string, keep: (path: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path, keep)));
    else if (entry.isFile() && keep(path)) out.push(path);
  }
  return out.sort();
}

async function readText(path: string): Promise<string> {
  const bytes = await readFile(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** Documents with identical text are kept once (packages of one source share a copyright file). */
function withoutDuplicates<T extends { text: string }>(documents: T[]): T[] {
  const seen = new Set<string>();
  return documents.filter((d) => {
    const key = createHash('sha256').update(d.text).digest('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function numbered(
  documents: { contributor: string; text: string }[],
  name: string,
  source: string,
): RealCorpus {
  return {
    name,
    source,
    documents: documents.map((d, k) => ({ contributionId: String(k + 1), ...d })),
    contributors: new Set(documents.map((d) => d.contributor)).size,
  };
}

/** Debian copyright files and common licences; contributors: 150, packages dealt round-robin. */
export async function debianCopyrightCorpus(): Promise<RealCorpusResult> {
  const name = 'debian-copyright';
  const docs = '/usr/share/doc';
  const packages = (await exists(docs)) ? (await readdir(docs)).sort() : [];
  const files: string[] = [];
  for (const p of packages) {
    const path = join(docs, p, 'copyright');
    // Symlinked package doc directories point at another package's file: read it once.
    if ((await stat(path).catch(() => null))?.isFile()) files.push(path);
  }
  const licences = '/usr/share/common-licenses';
  if (await exists(licences)) {
    for (const f of (await readdir(licences, { withFileTypes: true })).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    ))
      if (f.isFile()) files.push(join(licences, f.name));
  }
  if (files.length < 50) {
    return {
      name,
      skipped: `only ${files.length} files under ${docs}/*/copyright and ${licences}: a Debian system with package docs is needed (minimal images drop /usr/share/doc; reinstall packages without the path-exclude)`,
    };
  }
  const documents = withoutDuplicates(
    await Promise.all(files.map(async (path) => ({ path, text: await readText(path) }))),
  );
  const contributors = 150;
  return numbered(
    documents.map((d, k) => ({
      contributor: `0x${(k % contributors).toString(16).padStart(40, '0')}`,
      text: d.text,
    })),
    name,
    `${docs}/*/copyright and ${licences}/* (${documents.length} distinct files), dealt round-robin to ${contributors} contributors`,
  );
}

/** Documentation sources: one document per file, one contributor per top-level directory. */
async function docsCorpus(
  name: string,
  root: string | null,
  pattern: RegExp,
  install: string,
): Promise<RealCorpusResult> {
  if (!root || !(await exists(root))) return { name, skipped: `not found: install it with \`${install}\`` };
  const files = await listFiles(root, (path) => pattern.test(path));
  if (files.length === 0) return { name, skipped: `no files matching ${pattern} under ${root}` };
  const documents = withoutDuplicates(
    await Promise.all(
      files.map(async (path) => {
        const parts = relative(root, path).split('/');
        return { contributor: parts.length > 1 ? parts[0]! : '(top)', text: await readText(path) };
      }),
    ),
  );
  return numbered(
    documents,
    name,
    `${root}/**/${pattern.source} (${documents.length} files), contributor = top-level directory`,
  );
}

async function linuxDocRoot(): Promise<string | null> {
  const base = '/usr/share/doc';
  if (!(await exists(base))) return null;
  const versions = (await readdir(base)).filter((d) => /^linux-doc-[\d.]+$/.test(d)).sort();
  const last = versions[versions.length - 1];
  return last ? join(base, last, 'Documentation') : null;
}

export async function linuxDocCorpus(): Promise<RealCorpusResult> {
  return docsCorpus('linux-doc', await linuxDocRoot(), /\.rst(\.gz)?$/, 'apt-get install -y linux-doc');
}

export async function pythonDocCorpus(): Promise<RealCorpusResult> {
  return docsCorpus(
    'python-doc',
    '/usr/share/doc/python3.11/html/_sources',
    /\.txt$/,
    'apt-get install -y python3.11-doc',
  );
}
