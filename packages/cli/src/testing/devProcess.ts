/** Test helpers that run the real `tributary` binary as a child process. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TRIBUTARY_BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'tributary.js');

/** `tributary dev` arguments for a home and free ports (never the fixed defaults). */
export const devArgs = (home: string, chainPort: number, port: number) => [
  'dev',
  '--home',
  home,
  '--chain-port',
  String(chainPort),
  '--port',
  String(port),
];

/** Starts `tributary dev --demo --json` and resolves with its JSON summary once it is up. */
export async function runDev(home: string, chainPort: number, port: number) {
  const child = spawn(
    process.execPath,
    [TRIBUTARY_BIN, ...devArgs(home, chainPort, port), '--demo', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const summary = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`tributary dev exited with ${code}: ${err}`)));
  });
  return { child, summary };
}

/** Stops a `tributary dev` with Ctrl-C and resolves with its exit code. */
export const stopDev = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });

/** Runs one `tributary` command to completion; a non-zero exit is returned, not thrown. */
export function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TRIBUTARY_BIN, ...args], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
