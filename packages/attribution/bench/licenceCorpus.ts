/**
 * A synthetic corpus shaped like Debian copyright files, for tests that must run anywhere: each
 * document has its own header and notes, and one or two of a few shared licence texts, wrapped at
 * the document's own width and indentation (so the shared text breaks at different places in
 * every document, as real licence boilerplate does).
 */
import { createTextGenerator } from './syntheticText.js';
import { createRandom } from './zipfCorpus.js';

export type LicenceCorpusParameters = { documents: number; contributors: number; seed: number };

/**
 * Documents with contribution ids '1'…, dealt round-robin to contributors.
 * @example
 * const documents = licenceCorpus({ documents: 120, contributors: 40, seed: 1 });
 */
export function licenceCorpus(
  parameters: LicenceCorpusParameters,
): { contributionId: string; contributor: string; text: string }[] {
  const random = createRandom(parameters.seed);
  const prose = createTextGenerator({ seed: parameters.seed + 1 });
  const names = createTextGenerator({ seed: parameters.seed + 2, vocabulary: 5000 });
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const licences = Array.from({ length: 6 }, (_, k) => ({
    name: `Licence-${k + 1}`,
    paragraphs: Array.from({ length: between(3, 6) }, () => prose.text(between(40, 90))),
  }));
  return Array.from({ length: parameters.documents }, (_, d) => {
    const width = between(60, 80);
    const indent = [' ', '  ', '    ', ''][between(0, 3)]!;
    const separator = random() < 0.5 ? `${indent}.` : '';
    const chosen = [licences[between(0, 5)]!];
    if (random() < 0.3) chosen.push(licences[between(0, 5)]!);
    const lines = [
      random() < 0.7 ? 'Format: https://www.example.org/doc/copyright-format/1.0/' : 'Format: unknown',
      `Upstream-Name: ${names.text(2)}`,
      'Files: *',
      `Copyright: ${between(1990, 2020)}-${between(2021, 2025)} ${names.text(3)}`,
    ];
    for (const licence of chosen) {
      lines.push(`License: ${licence.name}`);
      licence.paragraphs.forEach((paragraph, k) => {
        if (k > 0) lines.push(separator);
        lines.push(...wrap(paragraph, width, indent));
      });
    }
    // Debian packaging sections follow the licence text in most files (so ". Files: debian/*
    // Copyright: 20" recurs at the seam of many passages).
    if (random() < 0.8) {
      lines.push('', 'Files: debian/*', `Copyright: ${between(2000, 2025)} ${names.text(2)}`);
      lines.push(`License: ${chosen[0]!.name}`);
    }
    lines.push('', 'Comment:', ...wrap(names.text(between(20, 60)), width, indent));
    return {
      contributionId: String(d + 1),
      contributor: `0x${(d % parameters.contributors).toString(16).padStart(40, '0')}`,
      text: `${lines.join('\n')}\n`,
    };
  });
}

function wrap(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) lines.push(indent + line);
  return lines;
}
