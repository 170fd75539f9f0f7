/**
 * The packages as a user installs them: `npm pack` each (its prepack builds it), install the
 * tarballs into an empty folder, then run the installed `tributary` and the installed SDK —
 * built JavaScript only, no tsx, no workspace links.
 */
import { execFile, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '@tributary/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PACKAGES = ['protocol', 'attribution', 'sdk', 'node', 'cli'];
/** The web app ships only its static build (its libraries are bundled in), which the CLI's node serves. */
const PACKED = [...PACKAGES, 'web'];
/** npm, without the workspace's settings leaking in from `npm test`'s environment. */
const npmEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !k.startsWith('npm_') && k !== 'INIT_CWD'),
);

describe('packed packages installed into an empty folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-packed-'));
  const app = join(dir, 'app');
  const tarballs: Record<string, string> = {};
  let filesOf: Record<string, string[]> = {};

  beforeAll(async () => {
    const packs = join(dir, 'tarballs');
    mkdirSync(packs);
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--pack-destination', packs, ...PACKED.flatMap((p) => ['-w', `packages/${p}`])],
      { cwd: root, env: npmEnv, maxBuffer: 64 * 1024 * 1024 },
    );
    // npm prints the prepack builds' output first, then the JSON array.
    const packed = JSON.parse(stdout.slice(stdout.lastIndexOf('\n[') + 1)) as {
      name: string;
      filename: string;
      files: { path: string }[];
    }[];
    for (const p of packed) tarballs[p.name] = join(packs, p.filename);
    filesOf = Object.fromEntries(packed.map((p) => [p.name, p.files.map((f) => f.path)]));

    // The tarballs are the only source of @tributary/*: overrides keep npm off the registry for them.
    mkdirSync(app);
    const local = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'app', private: true, type: 'module', dependencies: local, overrides: local }),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: app,
      env: npmEnv,
      maxBuffer: 64 * 1024 * 1024,
    });
  }, 600_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships built JavaScript with type declarations and the non-TypeScript assets', () => {
    for (const name of PACKAGES) {
      const files = filesOf[`@tributary/${name}`]!;
      expect(files, name).toContain('dist/index.js');
      expect(files, name).toContain('dist/index.d.ts');
      expect(
        files.some((f) => f.startsWith('src/') || f.endsWith('.test.js')),
        name,
      ).toBe(false);
    }
    expect(filesOf['@tributary/node']).toContain('dist/store/migrations/001_chain.sql');
    expect(filesOf['@tributary/protocol']).toContain('dist/generated/contracts.js');
    expect(filesOf['@tributary/cli']).toContain('demo/contributors.json');
    expect(filesOf['@tributary/protocol']).toContain('dist/anvilWatchdog.mjs');
    expect(filesOf['@tributary/web']).toContain('dist/index.html');
    expect(filesOf['@tributary/web']!.every((f) => f === 'package.json' || f.startsWith('dist/'))).toBe(true);
  });

  it('installs without tsx and links each package to its tarball', () => {
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);
    for (const name of PACKAGES) {
      const installed = join(app, 'node_modules', '@tributary', name);
      // A real folder unpacked from the tarball, not a link back into the workspace.
      expect(realpathSync(installed)).toBe(installed);
      expect(readdirSync(join(installed, 'dist')).length).toBeGreaterThan(0);
    }
  });

  it('runs `npx tributary --help` and a command help', async () => {
    const help = await run('npx', ['--no-install', 'tributary', '--help'], { cwd: app, env: npmEnv });
    expect(help.stdout).toContain('Usage: tributary <command>');
    const dev = await run('npx', ['--no-install', 'tributary', 'dev', '--help'], { cwd: app, env: npmEnv });
    expect(dev.stdout).toContain('tributary dev');
    expect(dev.stdout).toContain('Examples');
  });

  it('starts `tributary dev --demo` from the installed CLI; the installed SDK calls it, the installed CLI checks a lineage', async () => {
    const [chainPort, port] = [await freePort(), await freePort()];
    const home = join(dir, 'home');
    const child = spawn(
      join(app, 'node_modules', '.bin', 'tributary'),
      ['dev', '--demo', '--json', '--home', home, '--chain-port', String(chainPort), '--port', String(port)],
      { cwd: app, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const summary = await new Promise<{ node: string; app: string | null; chainId: number }>(
        (resolve, reject) => {
          let out = '';
          child.stdout.on('data', (d) => {
            out += d;
            const line = out.split('\n').find((l) => l.startsWith('{'));
            if (line) resolve(JSON.parse(line));
          });
          child.once('exit', (code) => reject(new Error(`tributary dev exited with ${code}: ${stderr}`)));
        },
      );
      // The installed web app, served by the installed node at `/`.
      expect(summary.app).toBe(`${summary.node}/`);
      const page = await fetch(summary.node, { headers: { accept: 'text/html' } });
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(await page.text()).toContain('<div id="root">');
      // The installed SDK (plain Node, no loader), signing with the installed protocol's dev key.
      const script = join(app, 'call.mjs');
      writeFileSync(
        script,
        `import { createTributaryClient } from '@tributary/sdk';
         import { ANVIL_PRIVATE_KEYS } from '@tributary/protocol';
         const client = createTributaryClient({ url: process.argv[2], account: ANVIL_PRIVATE_KEYS[1] });
         const info = await client.info();
         const key = await client.login({ label: 'packed' });
         console.log(JSON.stringify({ chainId: info.chainId, node: info.node, key: key.length > 0,
           sdk: import.meta.resolve('@tributary/sdk') }));`,
      );
      const { stdout } = await run(process.execPath, [script, summary.node], { cwd: app, env: npmEnv });
      const result = JSON.parse(stdout) as { chainId: number; key: boolean; sdk: string };
      expect(result).toMatchObject({ chainId: summary.chainId, key: true });
      expect(fileURLToPath(result.sdk)).toBe(
        join(app, 'node_modules', '@tributary', 'sdk', 'dist', 'index.js'),
      );

      const lineage = await run(
        'npx',
        ['--no-install', 'tributary', 'lineage', 'rivers-ngram', '--node', summary.node, '--check', '--json'],
        { cwd: app, env: npmEnv, maxBuffer: 16 * 1024 * 1024 },
      );
      const { lineage: document, check } = JSON.parse(lineage.stdout);
      expect(check).toMatchObject({ valid: true, problems: [] });
      expect(document.model.name).toBe('rivers-ngram');
      expect(document.datanets[0].contributors).toHaveLength(3);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
  });
});
