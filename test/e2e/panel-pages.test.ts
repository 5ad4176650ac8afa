import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { shot } from './support/browser.js';
import { freePort } from './support/panel-server.js';
import { startSlapdPanel, type SlapdPanel } from './support/slapd-panel.js';

/**
 * The panel's pages in chromium against slapd (issue 10 items 6 and 18): a failed sync shown as
 * failed, and values shown as an administrator reads them rather than raw.
 */
describe('panel pages (chromium, idsync serve, slapd)', () => {
  let slapd: SlapdDirectory;
  let p: SlapdPanel;
  let staff: string;
  let bob: string;
  const name = (uid: string) => `${uid}.${p.tag}`;

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    const deadPort = await freePort();
    p = await startSlapdPanel(slapd, {
      seed: async ({ tag, ou, people, groups }) => {
        const alice = await slapd.addUser({
          ou: people,
          uid: `alice.${tag}`,
          givenName: 'Alice',
          sn: 'Tester',
          displayName: 'Alice Tester',
          mail: `alice@${tag}.test`,
          telephoneNumber: '212-555-0100',
        });
        bob = await slapd.addUser({ ou: people, uid: `bob.${tag}`, givenName: 'Bob', sn: 'Tester', displayName: 'Bob Tester', mail: `bob@${tag}.test` });
        staff = await slapd.addGroup({ ou: groups, cn: 'Staff', members: [alice, bob] });
        const base = { type: 'openldap', bind: { dn: slapd.bindDn, password: slapd.password }, baseDn: ou, groups: [staff] };
        return [
          { ...base, name: 'ldap', servers: [slapd.ldapsUrl], caFile: slapd.caFile, importPhones: true, defaultCountry: 'US', safeguard: { enabled: false } },
          // Nothing listens there: every sync of it fails.
          { ...base, name: 'down', servers: [`ldaps://127.0.0.1:${deadPort}`], caFile: slapd.caFile, timeouts: { connectMs: 2000 } },
        ];
      },
    });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('item 6: "Sync now" of a directory whose server is down says the sync failed, and where', async () => {
    const { page } = p;
    await page.goto(`${p.server.origin}/directories/down`);
    await page.getByRole('heading', { name: 'down', level: 1 }).waitFor();
    const syncNow = page.getByRole('button', { name: 'Sync now' });
    await expect.poll(() => syncNow.isEnabled(), { timeout: 60_000 }).toBe(true);
    await syncNow.click();
    const box = page.getByRole('region', { name: /Full sync (failed|finished)/ });
    await box.waitFor();
    await page.getByRole('heading', { name: 'Full sync failed' }).waitFor();
    expect(await page.getByRole('heading', { name: 'Full sync finished' }).count()).toBe(0);
    const done = box.getByRole('listitem').filter({ hasText: 'Done' });
    expect(await done.getAttribute('data-state')).toBe('todo');
    expect(await box.getByRole('listitem').filter({ hasText: 'Connecting' }).getAttribute('data-state')).toBe('failed');
    expect(await box.innerText()).toMatch(/failed/);
    await shot(page, 'p01-sync-failed');
  }, 120_000);

  it('item 18: phones, times in reasons, the trash, the audit log, colours and phone width read as words', async () => {
    const { page } = p;
    await expect.poll(async () => (await p.api('GET', '/users?directory=ldap')).body.total, { timeout: 60_000 }).toBe(2);

    // Phones as a number, not JSON.
    await page.goto(`${p.server.origin}/users/${encodeURIComponent(name('alice'))}`);
    const attrs = page.getByRole('region', { name: 'Attributes' });
    await attrs.getByText('+12125550100').waitFor();
    expect(await attrs.innerText()).not.toContain('{');

    // bob leaves the group: trashed (the safeguard is off for this directory).
    await slapd.removeMembers(staff, [bob]);
    // Change tracking may see it first; either way bob ends in the trash.
    await p.api('POST', '/directories/ldap/sync?wait=true');
    await expect.poll(async () => (await p.api('GET', `/users/${encodeURIComponent(name('bob'))}`)).body.status, { timeout: 60_000 }).toBe('trashed');
    await page.goto(`${p.server.origin}/users/${encodeURIComponent(name('bob'))}`);
    await page.getByRole('heading', { name: 'Why is this user in the trash?' }).waitFor();
    const iso = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
    expect(await page.locator('main').innerText()).not.toMatch(iso);
    await shot(page, 'p02-user-trashed');

    // The trash: bob was never restored, so nothing says "restored by".
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Trash' }).click();
    const row = page.getByRole('row', { name: new RegExp(name('bob').replace(/\./g, '\\.')) });
    await row.waitFor();
    expect(await row.innerText()).not.toMatch(/restored by/i);
    expect(await row.innerText()).not.toMatch(iso);
    await shot(page, 'p03-trash');

    // "Trashed" and "Failed" are told apart by colour too, not only by the word.
    await page.goto(`${p.server.origin}/runs`);
    await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
    await page.locator('.badge', { hasText: 'failed' }).first().waitFor();
    const failedBg = await page
      .locator('.badge', { hasText: 'failed' })
      .first()
      .evaluate((e) => getComputedStyle(e).color);
    await page.goto(`${p.server.origin}/users/${encodeURIComponent(name('bob'))}`);
    const trashedBg = await page
      .locator('.badge', { hasText: 'trashed' })
      .first()
      .evaluate((e) => getComputedStyle(e).color);
    const rgb = (s: string) => (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    const distance = Math.hypot(...rgb(failedBg).map((v, i) => v - rgb(trashedBg)[i]));
    expect(distance).toBeGreaterThan(60);

    // The audit log: what happened in words; a type-ahead is a read and is not written at all.
    const before = (await p.api('GET', '/audit')).body.total;
    for (const search of ['s', 'st', 'sta']) {
      const r = await p.api('POST', '/directory-drafts/groups', {
        directory: {
          name: 'draft',
          type: 'openldap',
          servers: [slapd.ldapsUrl],
          ca: readFileSync(slapd.caFile, 'utf8'),
          baseDn: p.ou,
          bind: { dn: slapd.bindDn, password: slapd.password },
        },
        search,
      });
      expect(r.status).toBe(200);
    }
    expect((await p.api('GET', '/audit')).body.total).toBe(before);
    await page.goto(`${p.server.origin}/audit`);
    const audit = page.getByRole('table');
    await audit.getByText('Started a full sync').first().waitFor();
    const text = await audit.innerText();
    expect(text).not.toMatch(/syncDirectory|\/api\/v1\//);
    // The action filter is in words too.
    await page.getByLabel('Action').selectOption({ label: 'Started a full sync' });
    await expect.poll(async () => [...new Set((await audit.locator('tbody th').allInnerTexts()).map((t) => t.trim()))]).toEqual(['Started a full sync']);
    await shot(page, 'p04-audit');

    // A warning about a directory made in the panel names its server, not a configuration-file key path.
    const made = await p.api('POST', '/directories', {
      name: 'plain',
      type: 'openldap',
      servers: [slapd.url],
      transport: 'clear',
      bind: { dn: slapd.bindDn, password: slapd.password },
      baseDn: p.ou,
      groups: [staff],
    });
    expect(made.status).toBe(201);
    expect(made.body.warnings.join(' ')).toMatch(/transport "clear"/);
    await page.goto(`${p.server.origin}/directories/plain`);
    const config = page.getByRole('region', { name: 'Configuration' });
    await config.getByText(/transport "clear" sends the bind password/).waitFor();
    expect(await config.innerText()).toContain(`Server ${slapd.url}: transport "clear"`);
    expect(await config.innerText()).not.toContain('directories[');
    await p.api('DELETE', '/directories/plain');

    // Phone width: the status column stays on screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${p.server.origin}/users`);
    const badge = page.getByRole('row', { name: new RegExp(name('alice').replace(/\./g, '\\.')) }).locator('.badge');
    await badge.waitFor();
    const boxAt = await badge.boundingBox();
    expect(boxAt!.x + boxAt!.width).toBeLessThanOrEqual(390);
    await shot(page, 'p05-phone-users', { fullPage: false });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 180_000);
});
