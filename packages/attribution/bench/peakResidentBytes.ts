/**
 * This process's own peak resident memory. Linux carries `ru_maxrss` (Node's
 * `process.resourceUsage().maxRSS`) across fork and exec, so a child spawned by a large parent
 * reports the parent's size; `VmHWM` in /proc/self/status is the high-water mark of the address
 * space exec created, i.e. the child's own. Elsewhere falls back to `maxRSS`.
 */
import { readFileSync } from 'node:fs';

export function peakResidentBytes(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // No procfs: the inherited-maximum caveat applies.
  }
  return process.resourceUsage().maxRSS * 1024;
}
