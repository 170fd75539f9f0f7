/**
 * The web app's static files at `/` (from `config.webDir`, the built packages/web): files by
 * path, and index.html for any other page a browser asks for (app paths like /datanets/1), so
 * the app and the API share one origin. The page may only talk to this node and its chain's RPC
 * (Content-Security-Policy), so nothing it loads or calls leaves for elsewhere.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import type { Context } from '../context.js';
import type { AppEnv } from './app.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  );

/** Routes serving the app; none when the node has no `webDir`. */
export function webAppRoutes(ctx: Context) {
  const app = new Hono<AppEnv>();
  const dir = ctx.config.webDir ? resolve(ctx.config.webDir) : null;
  if (!dir) return app;
  const rpc = new URL(ctx.config.publicRpcUrl ?? ctx.config.rpcUrl).origin;
  const policy = [
    "default-src 'self'",
    `connect-src 'self' ${rpc}`,
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

  app.get('*', async (c, next) => {
    const path = decodeURIComponent(c.req.path);
    if (path === '/v1' || path.startsWith('/v1/')) return next();
    const file = resolve(dir, `.${path}`);
    const inside = file === dir || file.startsWith(dir + sep);
    if (inside && file !== dir && (await isFile(file))) {
      const immutable = file.startsWith(join(dir, 'assets') + sep); // names carry a content hash
      return c.body(new Uint8Array(await readFile(file)), 200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // Any other page a browser navigates to is the app (it routes by path itself).
    if (!c.req.header('accept')?.includes('text/html') || extname(path)) return next();
    const index = join(dir, 'index.html');
    if (!(await isFile(index))) return next();
    return c.body(new Uint8Array(await readFile(index)), 200, {
      'content-type': TYPES['.html']!,
      'cache-control': 'no-cache',
      'content-security-policy': policy,
      'x-content-type-options': 'nosniff',
    });
  });
  return app;
}
