/**
 * Crash points for the fault tests: when TRIBUTARY_CRASH_AT names a point, the process kills
 * itself with SIGKILL there — the same as `kill -9` at exactly that step. Free otherwise.
 */
export function crashPoint(name: string): void {
  if (process.env.TRIBUTARY_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
