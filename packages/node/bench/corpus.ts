/**
 * The inference benchmark's corpus: the reStructuredText sources of the Python documentation
 * (Debian python3.11-doc), or the CLI's demo documents repeated with variations when that package
 * is missing; prompts drawn from it; and fresh documents for the upload probe.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRandom, tokenize } from '@tributary/attribution';

const here = dirname(fileURLToPath(import.meta.url));

export type Document = { filename: string; text: string };
export type Corpus = { source: string; path: string; documents: Document[]; tokens: number; bytes: number };

const PYTHON_DOCS = [
  '/usr/share/doc/python3.11-doc/html/_sources',
  '/usr/share/doc/python3.11/html/_sources',
];

function walk(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    });
}

export function loadCorpus(targetTokens: number, fallbackTokens: number): Corpus {
  const root = PYTHON_DOCS.find((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
  const documents: Document[] = [];
  let tokens = 0;
  let bytes = 0;
  const add = (filename: string, text: string) => {
    documents.push({ filename, text });
    tokens += tokenize({ text }).ids.length;
    bytes += Buffer.byteLength(text);
  };
  if (root) {
    // Every other file first, then the rest, so a partial corpus spans every part of the docs.
    const files = walk(root).filter((f) => f.endsWith('.txt'));
    const ordered = [...files.filter((_, i) => i % 2 === 0), ...files.filter((_, i) => i % 2 === 1)];
    for (const file of ordered) {
      if (tokens >= targetTokens) break;
      add(relative(root, file).replaceAll('/', '-'), readFileSync(file, 'utf8'));
    }
    return {
      source: 'Debian package python3.11-doc (reStructuredText sources, .rst.txt)',
      path: root,
      documents,
      tokens,
      bytes,
    };
  }
  const demo = join(here, '..', '..', 'cli', 'demo');
  const originals = readdirSync(demo)
    .filter((f) => f.endsWith('.md'))
    .map((f) => readFileSync(join(demo, f), 'utf8'));
  const random = createRandom({ seed: 1 });
  for (let copy = 0; tokens < fallbackTokens; copy++) {
    for (const [i, text] of originals.entries()) {
      // A variation: the paragraphs in a seeded order, under a numbered title.
      const paragraphs = text.split(/\n\s*\n/);
      for (let j = paragraphs.length - 1; j > 0; j--) {
        const k = random.nextInt(j + 1);
        [paragraphs[j], paragraphs[k]] = [paragraphs[k]!, paragraphs[j]!];
      }
      add(`demo-${copy}-${i}.md`, `# Variation ${copy}\n\n${paragraphs.join('\n\n')}`);
    }
  }
  return {
    source: 'packages/cli/demo/*.md repeated with variations (python3.11-doc not installed)',
    path: demo,
    documents,
    tokens,
    bytes,
  };
}

/** Prompts: the first words of prose lines of the corpus (seeded choice). */
export function promptsFrom(corpus: Corpus, count: number, seed: number): string[] {
  const random = createRandom({ seed });
  const lines = corpus.documents.flatMap((d) =>
    d.text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => /^[A-Z][a-z]+ [a-z]+ [a-z]+ [a-z]+/.test(l) && l.split(' ').length >= 10),
  );
  const prompts: string[] = [];
  for (let i = 0; i < count; i++) {
    const line = lines[random.nextInt(lines.length)]!;
    const words = line.split(' ');
    prompts.push(words.slice(0, 4 + random.nextInt(6)).join(' '));
  }
  return prompts;
}

/**
 * Documents for the upload probe: paragraphs of the corpus (about 2 KB each), each made unique by
 * a numbered heading, so every upload is new content.
 */
export function uploadDocuments(corpus: Corpus, count: number, seed: number): Document[] {
  const random = createRandom({ seed });
  const paragraphs = corpus.documents.flatMap((d) => d.text.split(/\n\s*\n/).filter((p) => p.length > 200));
  return Array.from({ length: count }, (_, i) => {
    let text = `# Probe upload ${seed}-${i}\n\n`;
    while (text.length < 2048) text += `${paragraphs[random.nextInt(paragraphs.length)]}\n\n`;
    return { filename: `probe-${seed}-${i}.md`, text };
  });
}
