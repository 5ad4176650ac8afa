import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../support/workspace.js';
import { launch, REPO, shot } from './support/browser.js';
import { freePort, startPanelServer, type PanelServer } from './support/panel-server.js';

/**
 * Issue 12 in the panel (chromium, the real `idsync serve`, no directory): a local group created,
 * given members, one removed, renamed and removed; a local user's password set from their page,
 * and found nowhere it must not be (API answers, the audit log, serve's output).
 */
const OWNER_PASSWORD = 'correct horse battery staple';
const USER_PASSWORD = 'Panel-Set-Password-5521';

describe('local groups and passwords in the panel (chromium, idsync serve)', () => {
  let ws: Workspace;
  let server: PanelServer;
  let browser: Browser;
  let page: Page;

  const api = async (method: string, p: string) =>
    page.evaluate(
      async ([m, url]) => {
        const r = await fetch(url as string, { method: m as string });
        return { status: r.status, text: await r.text() };
      },
      [method, `/api/v1${p}`] as const,
    );

  beforeAll(async () => {
    for (const f of ['dist/ui/index.html', 'dist/cli/main.js']) {
      if (!existsSync(path.join(REPO, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    const port = await freePort();
    ws = new Workspace().configure([], { api: { listen: `127.0.0.1:${port}` } });
    const created = await ws.cli(['admin', 'create', '--username', 'owner', '--role', 'owner'], { env: { IDSYNC_ADMIN_PASSWORD: OWNER_PASSWORD } });
    if (created.code !== 0) throw new Error(created.stderr);
    for (const u of ['alice', 'bob']) expect((await ws.cli(['users', 'add', u])).code).toBe(0);
    server = await startPanelServer(ws, port);
    browser = await launch();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
    await page.goto(`${server.origin}/`);
    await page.getByLabel('Username').fill('owner');
    await page.getByLabel('Password').fill(OWNER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Directories', level: 1 }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a local group, adds and removes members, renames and removes it', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Local groups' }).click();
    await page.getByRole('heading', { name: 'Local groups', level: 1 }).waitFor();
    await page.getByText('No local groups yet.').waitFor();
    const form = page.getByRole('form', { name: 'Create a local group' });
    await form.getByLabel('Name').fill('Eng');
    await form.getByLabel('Description').fill('builders');
    await form.getByRole('button', { name: 'Create group' }).click();
    const row = page.getByRole('row', { name: /Eng/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Eng\s+builders\s+0/);
    await row.getByRole('link', { name: 'Eng' }).click();

    await page.getByRole('heading', { name: 'Eng', level: 1 }).waitFor();
    await page.getByText('No members yet.').waitFor();
    const add = page.getByRole('form', { name: 'Add members' });
    await add.getByLabel('Usernames').fill('alice, bob');
    await add.getByRole('button', { name: 'Add' }).click();
    const members = page.getByRole('region', { name: /Members/ });
    await members.getByRole('heading', { name: 'Members (2)' }).waitFor();
    expect(await members.getByRole('row').allInnerTexts()).toEqual([
      expect.stringMatching(/User/),
      expect.stringMatching(/alice/),
      expect.stringMatching(/bob/),
    ]);
    await shot(page, 'lg01-local-group-members');
    await members.getByRole('button', { name: 'Remove bob from Eng' }).click();
    await members.getByRole('heading', { name: 'Members (1)' }).waitFor();

    // An unknown user is refused with the API's words.
    await add.getByLabel('Usernames').fill('nobody');
    await add.getByRole('button', { name: 'Add' }).click();
    await page.getByText(/no user "nobody"/).waitFor();

    const edit = page.getByRole('form', { name: 'Rename or describe' });
    await edit.getByLabel('Name').fill('Engineering');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Engineering', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/local-groups/Engineering');

    // alice's page lists the group.
    await page.goto(`${server.origin}/users/alice`);
    await page.getByRole('region', { name: 'Lineage' }).getByRole('link', { name: 'Engineering' }).click();
    await page.getByRole('heading', { name: 'Engineering', level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Remove group' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove group' }).click();
    await page.getByRole('heading', { name: 'Local groups', level: 1 }).waitFor();
    await page.getByText('No local groups yet.').waitFor();

    const audit = JSON.parse((await api('GET', '/audit?limit=50')).text) as { items: { action: string }[] };
    expect(audit.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['createLocalGroup', 'addLocalGroupMembers', 'removeLocalGroupMember', 'updateLocalGroup', 'deleteLocalGroup']),
    );
  }, 120_000);

  it("sets a local user's password from their page; it shows nowhere", async () => {
    await page.goto(`${server.origin}/users/alice`);
    const form = page.getByRole('form', { name: 'Set password' });
    await form.getByText('No password set in idsync yet.').waitFor();
    await form.getByLabel('New password for alice').fill(USER_PASSWORD);
    await form.getByLabel('Repeat the password').fill(`${USER_PASSWORD}x`);
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByText('The two passwords differ.').waitFor();
    await form.getByLabel('Repeat the password').fill(USER_PASSWORD);
    await form.getByRole('button', { name: 'Set password' }).click();
    await form.getByText(/Last set/).waitFor();
    expect(await form.getByLabel('New password for alice').inputValue()).toBe('');
    await shot(page, 'lg02-user-password-set');

    for (const p of ['/users/alice', '/audit?limit=100', '/users?limit=100']) expect((await api('GET', p)).text).not.toContain(USER_PASSWORD);
    expect(await page.content()).not.toContain(USER_PASSWORD);
    expect(server.output()).not.toContain(USER_PASSWORD);
  }, 60_000);
});
