import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';

/**
 * Serves the admin panel (the Vite build in dist/ui) from `idsync serve`:
 *
 * - a file of the build for its path, with its content type;
 * - index.html for client-side routes (a GET for HTML whose path is not a file and not the API),
 *   so reloads and bookmarks of /users/alice work;
 * - hashed files under /assets/ cached for a year as immutable (a new build has new names),
 *   everything else revalidated, index.html never stored;
 * - nothing outside the build: decoded paths are normalised and must stay under the root, and
 *   dot-files are not served.
 *
 * Anything it does not serve goes to the next handler, so the API answers its own 404s in JSON.
 * It sets its own security headers because it is meant to be mounted before the API's (whose
 * `Cache-Control: no-store` would otherwise undo the asset caching).
 */
export interface StaticUiOptions {
  /** The build folder; defaults to dist/ui beside the compiled server. */
  root?: string;
  /** Path prefixes that are never the panel's (the API, metrics). */
  exclude?: string[];
  /**
   * Whether *.map files of the build are served. Off unless IDSYNC_UI_SOURCEMAPS=1: a source map
   * is the panel's source, which nobody needs to run it (the build makes none by default either).
   */
  sourceMaps?: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/**
 * The panel loads only its own scripts and styles, talks only to its own origin (fetch and
 * EventSource), and cannot be framed. React sets styles through the CSSOM, which style-src
 * 'self' allows; no inline <script> or style="" attribute is written by the build.
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/ui beside the compiled server (dist/api/static-ui.js); from the sources (tsx), the repository's dist/ui. */
export function defaultUiRoot(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const built = path.resolve(here, '../ui');
  return existsSync(path.join(built, 'index.html')) ? built : path.resolve(here, '../../dist/ui');
}

/** The file under root a URL path names, or undefined when it would leave root or names a dot-file. */
export function resolveUnder(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const normal = path.posix.normalize(`/${decoded}`);
  if (normal.split('/').some((s) => s.startsWith('.'))) return undefined;
  const file = path.resolve(root, `.${normal}`);
  return file === root || file.startsWith(root + path.sep) ? file : undefined;
}

async function fileIfExists(file: string): Promise<string | undefined> {
  try {
    return (await stat(file)).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function wantsHtml(accept: string | undefined): boolean {
  return !!accept && /text\/html|application\/xhtml\+xml/.test(accept);
}

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>idsync</title>
<p>The idsync admin panel is not built. Run <code>npm run build</code> (or <code>npm run build:ui</code>) and reload.
The API is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></html>`;

export function serveUi(opts: StaticUiOptions = {}): MiddlewareHandler {
  const root = path.resolve(opts.root ?? defaultUiRoot());
  const exclude = opts.exclude ?? ['/api', '/metrics', '/healthz', '/readyz'];
  const excluded = (p: string) => exclude.some((x) => p === x || p.startsWith(`${x}/`));
  const sourceMaps = opts.sourceMaps ?? process.env.IDSYNC_UI_SOURCEMAPS === '1';

  return async (c, next) => {
    const method = c.req.method;
    const urlPath = c.req.path;
    if ((method !== 'GET' && method !== 'HEAD') || excluded(urlPath)) return next();

    if (!sourceMaps && urlPath.toLowerCase().endsWith('.map')) return next();
    const direct = urlPath.endsWith('/') ? undefined : resolveUnder(root, urlPath);
    let file = direct ? await fileIfExists(direct) : undefined;
    // A client route: an HTML navigation to a path that is not a file of the build. Usernames
    // have dots (/users/alice.smith), so any extension counts as a route except the types the
    // build ships: a missing /assets/x.js or /favicon.ico stays a 404, never the page.
    const ext = path.posix.extname(urlPath).toLowerCase();
    const route = !file && wantsHtml(c.req.header('accept')) && !urlPath.startsWith('/assets/') && !(ext in TYPES);
    if (!file && !route) return next();
    if (!file) file = await fileIfExists(path.join(root, 'index.html'));

    const headers: Record<string, string> = {
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': UI_CSP,
    };
    if (!file) {
      return new Response(method === 'HEAD' ? null : NOT_BUILT, {
        status: 503,
        headers: { ...headers, 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-store' },
      });
    }
    const fileExt = path.extname(file).toLowerCase();
    const rel = path.relative(root, file).split(path.sep).join('/');
    headers['Content-Type'] = TYPES[fileExt] ?? 'application/octet-stream';
    headers['Cache-Control'] =
      rel === 'index.html' ? 'no-store' : rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate';
    const body = await readFile(file);
    headers['Content-Length'] = String(body.byteLength);
    return new Response(method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}
