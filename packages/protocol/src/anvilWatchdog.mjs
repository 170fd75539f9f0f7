// Runs Anvil as its parent's child for as long as the parent lives: when the pipe from the parent
// closes (it exited, crashed or was killed with -9), Anvil gets SIGTERM, so it dumps its state and
// never runs on orphaned. Usage: node anvilWatchdog.mjs <anvil binary> [anvil args…]
// ANVIL_PID_FILE, when set, names a file that holds Anvil's pid while it runs.
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';

const [binary, ...args] = process.argv.slice(2);
const pidFile = process.env.ANVIL_PID_FILE;
const anvil = spawn(binary, args, { stdio: ['ignore', 'inherit', 'inherit'] });
if (pidFile && anvil.pid) writeFileSync(pidFile, String(anvil.pid));

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  anvil.kill('SIGTERM');
  setTimeout(() => anvil.kill('SIGKILL'), 10_000).unref();
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
anvil.on('exit', (code, signal) => {
  if (pidFile) rmSync(pidFile, { force: true });
  process.exit(code ?? (signal ? 1 : 0));
});
