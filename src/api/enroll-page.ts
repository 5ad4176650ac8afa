import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { defaultUiRoot, UI_CSP } from './static-ui.js';

/**
 * The enrollment page (issue 15) at /enroll: its own small page of the Vite build (ui/enroll.html,
 * ui/src/enroll/), not the admin panel. Its script reads the link's token from the URL fragment,
 * which never reaches this server, and presents it to /api/v1/enroll/*. Same headers as the panel:
 * scripts from this origin only, `data:` images (the QR code), no framing, no Referer.
 */
export function serveEnrollPage(opts: { root?: string } = {}): MiddlewareHandler {
  const file = path.join(path.resolve(opts.root ?? defaultUiRoot()), 'enroll.html');
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || (c.req.path !== '/enroll' && c.req.path !== '/enroll/')) return next();
    const headers: Record<string, string> = {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': UI_CSP,
    };
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      const text = '<!doctype html><html lang="en"><meta charset="utf-8"><title>idsync</title><p>The enrollment page is not built (npm run build).</p></html>';
      return new Response(c.req.method === 'HEAD' ? null : text, { status: 503, headers });
    }
    return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}
