/**
 * The node serves the built app at `/` beside its API: app paths get index.html (with a
 * Content-Security-Policy that lets the page talk only to this node and its chain), hashed assets
 * are cached for good, and the API keeps its own answers (unknown /v1 routes are JSON errors,
 * /openapi.json is the registry's document). Files outside the app's folder are never served.
 */
import { describe, expect, inject, it } from 'vitest';

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the node serving the web app', () => {
  const node = inject('nodeUrl');
  const rpc = new URL(inject('rpcUrl')).origin;

  it('serves index.html at / and at app paths, with a policy allowing only this node and its chain', async () => {
    for (const path of ['/', '/datanets/1', '/playground']) {
      const response = await fetch(`${node}${path}`, { headers: html });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('content-security-policy')).toContain(`connect-src 'self' ${rpc}`);
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves hashed assets as immutable, and the page references only its own origin', async () => {
    const page = await (await fetch(`${node}/`, { headers: html })).text();
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const response = await fetch(`${node}${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(response.headers.get('cache-control')).toContain('immutable');
  });

  it('leaves the API its own: unknown /v1 routes are JSON errors even for a browser, /openapi.json is the registry', async () => {
    const missing = await fetch(`${node}/v1/no-such-route`, { headers: html });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const doc = await fetch(`${node}/openapi.json`, { headers: html });
    expect(doc.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await doc.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const file = await fetch(`${node}/assets/no-such-file.js`);
    expect(file.status).toBe(404);
    expect(await file.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('never serves files outside the app folder', async () => {
    for (const path of [
      '/%2e%2e/package.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const response = await fetch(`${node}${path}`);
      const text = await response.text();
      expect(text, path).not.toContain('"workspaces"');
      expect(text, path).not.toContain('"@tributary/web"');
    }
  });
});
