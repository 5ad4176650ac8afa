import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { startSlapdPanel, type SlapdPanel } from './support/slapd-panel.js';

/**
 * Issue 12 in the panel (chromium, the real `idsync serve`, the suite's slapd as a provisioning
 * target): a local user whose uid an unmanaged account already has is shown in conflict on their
 * page, with its export state per target; the Adopt button (POST /users/{username}/adopt, after a
 * confirmation) takes the account over, which the next delivery writes and the page then shows
 * as exported. Run `npm run build` first.
 */
describe('export states and adoption on the user page (chromium, idsync serve, slapd)', () => {
  let slapd: SlapdDirectory;
  let p: SlapdPanel;
  let username = '';
  let existing = '';

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    p = await startSlapdPanel(slapd, {
      seed: async ({ tag, ou, people, groups }) => {
        username = `carl${tag}`;
        // An account of the same uid that idsync does not manage.
        existing = await slapd.addUser({ ou: people, uid: username, sn: 'Original' });
        return [
          {
            name: 'ldap',
            type: 'openldap',
            servers: [slapd.ldapsUrl],
            caFile: slapd.caFile,
            bind: { dn: slapd.bindDn, password: slapd.password },
            baseDn: ou,
            provisioning: { userContainer: people, groupContainer: groups },
          },
        ];
      },
    });
  }, 120_000);

  afterAll(async () => {
    await p?.close();
  });

  it('shows the conflict, adopts the account from the Adopt button, then shows it exported', async () => {
    const added = await p.ws.cli(['users', 'add', username, '--full-name', 'Carl Jones']);
    expect(added.code, added.stderr).toBe(0);
    // idsync serve delivers it and finds the unmanaged account: a conflict.
    await p.ws.waitFor(async () => (await p.api('GET', `/users/${username}`)).body.exports?.[0]?.state === 'conflict', 30_000, 200);

    await p.page.goto(`${p.server.origin}/users/${username}`);
    const section = p.page.getByRole('region', { name: 'Provisioning' });
    await section.getByText('PROVISION_CONFLICT').waitFor();
    await expect(section.getByText('conflict', { exact: true }).count()).resolves.toBeGreaterThan(0);

    await section.getByRole('button', { name: 'Adopt the account in ldap' }).click();
    const dialog = p.page.getByRole('dialog');
    await dialog.getByText('recorded in the audit log').waitFor();
    await dialog.getByRole('button', { name: 'Adopt account' }).click();

    // The next delivery writes the store's attributes over the adopted account.
    await p.ws.waitFor(async () => (await p.api('GET', `/users/${username}`)).body.exports?.[0]?.state === 'exported', 30_000, 200);
    await p.page.reload();
    await section.getByText('exported', { exact: true }).waitFor();
    await section.getByText(existing).waitFor();
    expect(await section.getByRole('button', { name: /Adopt/ }).count()).toBe(0);
    expect((await slapd.get(existing, ['cn']))?.cn).toBe('Carl Jones');
    // Audited.
    const audit = await p.api('GET', '/audit');
    expect(JSON.stringify(audit.body)).toMatch(/adopt/i);
  }, 120_000);
});
