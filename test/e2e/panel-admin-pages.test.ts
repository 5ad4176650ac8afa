import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { shot } from './support/browser.js';
import { startSlapdPanel, type SlapdPanel } from './support/slapd-panel.js';

/**
 * Pages an administrator expects (issue 10 item 19), in chromium against slapd: groups with the
 * nested path of each member, held removals shown everywhere, approvals that follow by
 * themselves and say who decided, role and password of other admins, CSV exports.
 */
describe('groups, held removals, admins and exports (chromium, idsync serve, slapd)', () => {
  let slapd: SlapdDirectory;
  let p: SlapdPanel;
  let engineering: string;
  let alice: string;
  const name = (uid: string) => `${uid}.${p.tag}`;
  const esc = (s: string) => s.replace(/\./g, '\\.');

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    p = await startSlapdPanel(slapd, {
      seed: async ({ tag, ou, people, groups }) => {
        const user = (uid: string) =>
          slapd.addUser({ ou: people, uid: `${uid}.${tag}`, givenName: uid, sn: 'Tester', displayName: `${uid} Tester`, mail: `${uid}@${tag}.test` });
        alice = await user('alice');
        const bob = await user('bob');
        const backend = await slapd.addGroup({ ou: groups, cn: 'Backend', members: [bob] });
        engineering = await slapd.addGroup({ ou: groups, cn: 'Engineering', members: [alice, backend] });
        // maxRemovals 0: any removal waits for approval.
        return [
          {
            name: 'corp',
            type: 'openldap',
            servers: [slapd.ldapsUrl],
            caFile: slapd.caFile,
            bind: { dn: slapd.bindDn, password: slapd.password },
            baseDn: ou,
            groups: [engineering],
            safeguard: { maxRemovals: 0, maxRemovalPercent: null },
          },
        ];
      },
    });
    await p.ws.waitFor(async () => (await p.api('GET', '/users?directory=corp')).body.total === 2, 60_000, 250);
  });

  afterAll(async () => {
    await p?.close();
  });

  it('a Groups page lists each group and the nested path through which each member arrives', async () => {
    const { page } = p;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups', exact: true }).click();
    await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const row = page.getByRole('row', { name: /Engineering/ });
    expect(await row.innerText()).toMatch(/corp\s+2/);
    await shot(page, 'g01-groups');
    await row.getByRole('link', { name: 'Engineering' }).click();
    await page.getByRole('heading', { name: 'Engineering', level: 1 }).waitFor();
    const bobRow = page.getByRole('row', { name: new RegExp(esc(name('bob'))) });
    await bobRow.getByText('Engineering → Backend').waitFor();
    await page
      .getByRole('row', { name: new RegExp(esc(name('alice'))) })
      .getByText('direct member')
      .waitFor();
    await shot(page, 'g02-group-paths');
  });

  it('held removals show on every page and in the navigation; approvals refresh by themselves and say who decided', async () => {
    const { page } = p;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Approvals' }).click();
    await page.getByText('Nothing waits for approval.').waitFor();
    // alice leaves Engineering in the directory; the page is not reloaded from here on.
    await slapd.removeMembers(engineering, [alice]);
    await p.api('POST', '/directories/corp/sync');
    const card = page.getByRole('region', { name: /held from corp/ });
    await card.getByRole('link', { name: name('alice') }).waitFor({ timeout: 60_000 });
    await shot(page, 'g03-approvals-refreshed');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /1 removal held for approval/ })
      .waitFor();
    expect(
      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: /Approvals/ })
        .innerText(),
    ).toMatch(/1/);
    await shot(page, 'g04-held-banner');

    await page
      .getByRole('status')
      .filter({ hasText: /held for approval/ })
      .getByRole('link', { name: 'Review them' })
      .click();
    await card.getByRole('button', { name: 'Approve removals' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /Approve and remove/ })
      .click();
    await page.getByText('Nothing waits for approval.').waitFor();
    await page.getByLabel('Show decided approvals too').check();
    await page
      .getByRole('region', { name: /held from corp/ })
      .getByText(/approved by owner on/)
      .waitFor();
    await shot(page, 'g05-approval-decided');
    // The banner is gone once nothing waits.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await expect.poll(() => page.getByText(/held for approval/).count()).toBe(0);
  }, 120_000);

  it("an owner changes another admin's role and resets their password", async () => {
    const { page } = p;
    const created = await p.api('POST', '/admins', { username: 'helper', role: 'administrator', password: 'first password 123' });
    expect(created.status).toBe(201);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admins' }).click();
    await page.getByLabel('Role of helper').selectOption('read_only');
    await expect.poll(async () => (await p.api('GET', '/admins')).body.items.find((a: { username: string }) => a.username === 'helper').role).toBe('read_only');
    await page.getByRole('button', { name: 'Reset the password of helper' }).click();
    await page.getByRole('textbox', { name: 'New password for helper' }).fill('second password 456');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /New password set for helper/ })
      .waitFor();
    await shot(page, 'g06-admins');
    const login = (password: string) =>
      fetch(`${p.server.origin}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'helper', password }),
      });
    expect((await login('second password 456')).status).toBe(200);
    expect((await login('first password 123')).status).toBe(401);
  });

  it('exports the users and the audit log as CSV', async () => {
    const { page } = p;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const [users] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const usersCsv = readFileSync((await users.path())!, 'utf8');
    expect(usersCsv.split('\r\n')[0]).toBe('username,fullName,email,status,held,statusReason,directory,syncItem,deleteAfter,updatedAt');
    expect(usersCsv).toMatch(new RegExp(`^${esc(name('bob'))},bob Tester,bob@${p.tag}\\.test,active,`, 'm'));
    expect(usersCsv).toMatch(new RegExp(`^${esc(name('alice'))},.*,trashed,`, 'm'));

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    const [audit] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const auditCsv = readFileSync((await audit.path())!, 'utf8');
    expect(auditCsv.split('\r\n')[0]).toBe('at,actor,actorType,what,action,method,path,target,detail,status,outcome,ip,userAgent');
    expect(auditCsv).toMatch(/,owner,admin,Approved held removals,approveRemovals,POST,/);
    expect(auditCsv).toMatch(/,owner,admin,Reset an admin's password,resetAdminPassword,PUT,/);
  });
});
