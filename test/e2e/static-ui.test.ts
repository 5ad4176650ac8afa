import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { resolveUnder, serveUi } from '../../src/api/static-ui.js';

/** serveUi against a throwaway build folder: files, client routes, caching, and nothing outside it. */
function app(opts: { sourceMaps?: boolean } = {}) {
  const root = mkdtempSync(path.join(tmpdir(), 'idsync-ui-'));
  mkdirSync(path.join(root, 'assets'));
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>panel</title>');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(path.join(root, 'assets', 'index-abc123.js.map'), '{"version":3,"sources":["App.tsx"]}');
  writeFileSync(path.join(root, 'favicon.svg'), '<svg/>');
  writeFileSync(path.join(root, '.secret'), 'no');
  writeFileSync(path.join(path.dirname(root), 'outside.txt'), 'no');
  const a = new Hono();
  a.use('*', serveUi({ root, sourceMaps: opts.sourceMaps }));
  a.all('*', (c) => c.json({ error: { code: 'ROUTE_NOT_FOUND' } }, 404));
  return { a, root };
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serveUi (the admin panel from dist/ui)', () => {
  it('serves files with their type, hashed assets as immutable and index.html never stored', async () => {
    const { a } = app();
    const js = await a.request('/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const svg = await a.request('/favicon.svg');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(svg.headers.get('cache-control')).toMatch(/must-revalidate/);
    const index = await a.request('/', { headers: html });
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-store');
    expect(index.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await index.text()).toContain('<title>panel</title>');
  });

  it('answers client routes with index.html, but not missing files or the API', async () => {
    const { a } = app();
    for (const p of ['/users/alice.smith', '/directories/corp/edit', '/runs/12']) {
      const r = await a.request(p, { headers: html });
      expect([p, r.status, r.headers.get('content-type')]).toEqual([p, 200, 'text/html; charset=utf-8']);
    }
    expect((await a.request('/assets/missing-123.js', { headers: html })).status).toBe(404);
    expect((await a.request('/favicon.ico', { headers: html })).status).toBe(404);
    expect((await a.request('/users/alice')).status).toBe(404); // not a browser navigation
    for (const p of ['/api/v1/nothing', '/api', '/metrics', '/healthz']) expect((await a.request(p, { headers: html })).status).toBe(404);
    expect((await a.request('/', { method: 'POST', headers: html })).status).toBe(404);
  });

  it('never leaves the build folder nor serves dot-files', async () => {
    const { a, root } = app();
    for (const p of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/.secret', '/%2esecret', '/assets%5c..%5c..%5coutside.txt']) {
      const r = await a.request(p);
      expect([p, r.status]).toEqual([p, 404]);
    }
    expect(resolveUnder(root, '/../../etc/passwd')).toBe(path.join(root, 'etc/passwd'));
    expect(resolveUnder(root, '/a%00b')).toBeUndefined();
    expect(resolveUnder(root, '/%E0%A4%A')).toBeUndefined();
  });

  it('does not serve source maps unless asked to, and the build makes none', async () => {
    const saved = process.env.IDSYNC_UI_SOURCEMAPS;
    delete process.env.IDSYNC_UI_SOURCEMAPS;
    try {
      const { a } = app();
      expect((await a.request('/assets/index-abc123.js.map')).status).toBe(404);
      expect((await a.request('/assets/INDEX-abc123.js.MAP')).status).toBe(404);
      const debug = app({ sourceMaps: true });
      expect((await debug.a.request('/assets/index-abc123.js.map')).status).toBe(200);
    } finally {
      if (saved !== undefined) process.env.IDSYNC_UI_SOURCEMAPS = saved;
    }
    // The real build (npm run build, run before the tests) ships none.
    const assets = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../dist/ui/assets');
    expect(existsSync(assets)).toBe(true);
    expect(readdirSync(assets).filter((f) => f.endsWith('.map'))).toEqual([]);
  });
});
