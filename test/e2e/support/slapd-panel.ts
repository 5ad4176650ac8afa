import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SlapdDirectory } from '../../harness/index.js';
import { uniqueName, Workspace } from '../../support/workspace.js';
import { launch, REPO } from './browser.js';
import { freePort, startPanelServer, type PanelServer } from './panel-server.js';

export const PASSWORD = 'correct horse battery staple';

/**
 * The panel against the real `idsync serve` (built CLI) and the suite's slapd, for the panel
 * tests that need no Active Directory: an OU of the test's own with people and groups, an owner
 * admin, chromium, and a logged-in page.
 */
export interface SlapdPanel {
  ws: Workspace;
  server: PanelServer;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  tag: string;
  ou: string;
  people: string;
  groups: string;
  /** Calls the admin API from the logged-in page (cookie and CSRF token as the panel sends them). */
  api: <T = any>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;
  close: () => Promise<void>;
}

/** `seed` fills the test's OU before idsync serve starts and returns the configuration file's directories. */
export async function startSlapdPanel(
  slapd: SlapdDirectory,
  opts: { seed?: (ctx: { tag: string; ou: string; people: string; groups: string }) => Promise<Record<string, unknown>[]> } = {},
): Promise<SlapdPanel> {
  for (const f of ['dist/ui/index.html', 'dist/cli/main.js']) {
    if (!existsSync(path.join(REPO, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
  }
  const tag = uniqueName('p');
  const ou = await slapd.addOu(tag);
  const people = await slapd.addOu('people', ou);
  const groups = await slapd.addOu('groups', ou);
  const port = await freePort();
  const directories = opts.seed ? await opts.seed({ tag, ou, people, groups }) : [];
  const ws = new Workspace().configure(directories, { api: { listen: `127.0.0.1:${port}` } });
  const created = await ws.cli(['admin', 'create', '--username', 'owner', '--role', 'owner'], { env: { IDSYNC_ADMIN_PASSWORD: PASSWORD } });
  if (created.code !== 0) throw new Error(`idsync admin create exited ${created.code}: ${created.stderr}`);
  const server = await startPanelServer(ws, port);
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  await page.goto(`${server.origin}/`);
  await page.getByLabel('Username').fill('owner');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
  const api = async (method: string, p: string, body?: unknown) =>
    page.evaluate(
      async ([m, url, b]) => {
        const csrf = document.cookie
          .split(';')
          .map((c) => c.trim().split('='))
          .find(([k]) => k === 'idsync_csrf')?.[1];
        const r = await fetch(url as string, {
          method: m as string,
          headers: { 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}) },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        const text = await r.text();
        return { status: r.status, body: text ? JSON.parse(text) : null };
      },
      [method, `/api/v1${p}`, body] as const,
    );
  return {
    ws,
    server,
    browser,
    context,
    page,
    tag,
    ou,
    people,
    groups,
    api,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}
