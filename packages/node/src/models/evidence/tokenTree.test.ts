import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTokenTree, proveTokenRange, tokenRootFromProof } from './tokenTree.js';

describe('salted token Merkle trees', () => {
  it('proves every token range of every tree shape, and nothing else', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 70 }),
        fc.nat(),
        fc.nat(),
        (tokens, a, b) => {
          const key = randomBytes(32);
          const tree = buildTokenTree(tokens, key);
          const start = a % tokens.length;
          const length = 1 + (b % (tokens.length - start));
          const run = tokens.slice(start, start + length);
          const proof = proveTokenRange(tree, key, start, length);
          expect(tokenRootFromProof(proof, run, tokens.length)).toBe(tree.root);
          // Another token in the run, another place, another length or another size: not the root.
          const changed = [...run];
          changed[changed.length - 1] = (changed.at(-1)! + 1) % 200_001;
          expect(tokenRootFromProof(proof, changed, tokens.length)).not.toBe(tree.root);
          if (start + length < tokens.length) {
            expect(tokenRootFromProof({ ...proof, start: start + 1 }, run, tokens.length)).not.toBe(
              tree.root,
            );
          }
          expect(tokenRootFromProof(proof, run, tokens.length + 1)).not.toBe(tree.root);
          if (proof.siblings.length > 0) {
            const siblings = [...proof.siblings];
            siblings[0] = `0x${'00'.repeat(32)}`;
            expect(tokenRootFromProof({ ...proof, siblings }, run, tokens.length)).not.toBe(tree.root);
          }
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('depends on the secret key: the same tokens under another key have another root', () => {
    const tokens = [5, 6, 7, 8, 9];
    expect(buildTokenTree(tokens, randomBytes(32)).root).not.toBe(
      buildTokenTree(tokens, randomBytes(32)).root,
    );
    expect(buildTokenTree([], randomBytes(32)).count).toBe(0);
  });
});
