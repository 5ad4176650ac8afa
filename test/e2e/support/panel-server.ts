import { createServer as createNetServer, type AddressInfo } from 'node:net';
import type { Workspace } from '../../support/workspace.js';

/** A port nothing listens on now (the kernel picks it; a race with another process is unlikely on loopback). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, timeoutMs: number, output: () => string): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`idsync serve did not answer ${url} within ${timeoutMs} ms (${String(last)})\n${output()}`);
}

export interface PanelServer {
  /** Where the browser goes: `idsync serve` itself. */
  origin: string;
  apiOrigin: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts the real `idsync serve` (built CLI) of a workspace on a free loopback port; it serves the panel and the API on one origin. */
export async function startPanelServer(ws: Workspace, port: number): Promise<PanelServer> {
  const serve = ws.serve();
  const apiOrigin = `http://127.0.0.1:${port}`;
  await waitHttp(`${apiOrigin}/healthz`, 30_000, serve.output);
  const home = await fetch(`${apiOrigin}/`, { headers: { accept: 'text/html' } });
  if (!(home.headers.get('content-type') ?? '').startsWith('text/html')) throw new Error('idsync serve does not serve the panel at / (is dist/ui built?)');
  return { origin: apiOrigin, apiOrigin, output: serve.output, stop: async () => void (await serve.stop()) };
}
