import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const module = fileURLToPath(new URL('./peakResidentBytes.ts', import.meta.url));

describe.runIf(process.platform === 'linux')('peakResidentBytes', () => {
  it("reports a child's own peak, not the larger parent's it was spawned from", () => {
    const ballast = Buffer.alloc(300e6, 1); // resident in this (the parent) process
    const script = `import(${JSON.stringify(module)}).then((m) => console.log(JSON.stringify({ own: m.peakResidentBytes(), inherited: process.resourceUsage().maxRSS * 1024 })))`;
    const { own, inherited } = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' }),
    ) as { own: number; inherited: number };
    expect(ballast[ballast.length - 1]).toBe(1);
    // The kernel's inherited maximum sees the parent's ballast; the child itself is far smaller.
    expect(inherited).toBeGreaterThan(300e6);
    expect(own).toBeGreaterThan(10e6);
    expect(own).toBeLessThan(200e6);
  });
});
