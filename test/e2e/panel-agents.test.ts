import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { shot } from './support/browser.js';
import { startSlapdPanel, type SlapdPanel } from './support/slapd-panel.js';

/**
 * The panel's Agents page (issue 13), in chromium: an administrator creates an agent and sees its
 * one-time connect key once, the list shows its state, and revoking it asks first and keeps it listed.
 */
describe('the Agents page (chromium, idsync serve)', () => {
  let slapd: SlapdDirectory;
  let p: SlapdPanel;

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    p = await startSlapdPanel(slapd, {
      seed: async ({ ou, people }) => {
        const alice = await slapd.addUser({ ou: people, uid: `alice.${ou.length}`, sn: 'Tester' });
        const g = await slapd.addGroup({ ou, cn: 'Staff', members: [alice] });
        return [
          {
            name: 'corp',
            type: 'openldap',
            servers: [slapd.ldapsUrl],
            caFile: slapd.caFile,
            bind: { dn: slapd.bindDn, password: slapd.password },
            baseDn: ou,
            groups: [g],
          },
        ];
      },
    });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('creates an agent with its connect key shown once, lists it, and revokes it after confirmation', async () => {
    const { page } = p;
    const name = `site-${p.tag}`.slice(0, 63);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Create agent' }).click();
    const key = await page.getByLabel('Connect key').inputValue();
    expect(key).toMatch(/^idsync-connect_[A-Za-z0-9_-]{40,}$/);
    await shot(page, 'ag01-agent-created');
    await page.getByRole('button', { name: 'I have saved it' }).click();
    await page.getByLabel('Connect key').waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: new RegExp(name) });
    expect(await row.innerText()).toMatch(/waiting for enrolment/);
    // Never again: not in the list the page reads.
    expect(JSON.stringify((await p.api('GET', '/agents')).body)).not.toContain(key);

    await row.getByRole('button', { name: `Revoke agent ${name}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke agent' }).click();
    await expect.poll(() => row.innerText(), { timeout: 10_000 }).toMatch(/revoked/);
    await expect.poll(async () => row.getByRole('button', { name: `Revoke agent ${name}` }).count()).toBe(0);
    await shot(page, 'ag02-agent-revoked');
  }, 60_000);
});
