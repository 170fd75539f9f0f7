/**
 * Crash points for the fault tests: when TRIBUTARY_CRASH_AT names a point, the process kills
 * itself with SIGKILL there — the same as `kill -9` at exactly that step. Free otherwise.
 */
export function crashPoint(name: string): void {
  if (process.env.TRIBUTARY_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}

/**
 * Pause points for the race tests: when TRIBUTARY_PAUSE_AT is `name:ms`, the step waits `ms`
 * there, so that concurrent work (another process, another batch) overlaps it for sure. Free
 * otherwise.
 */
export async function pausePoint(name: string): Promise<void> {
  const ms = pauseMs(name);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/** How long TRIBUTARY_PAUSE_AT holds `name` (0: not at all), for steps that must not await. */
export function pauseMs(name: string): number {
  const setting = process.env.TRIBUTARY_PAUSE_AT;
  if (!setting?.startsWith(`${name}:`)) return 0;
  return Math.max(0, Number(setting.slice(name.length + 1)) || 0);
}
