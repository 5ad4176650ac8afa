import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { shot } from './support/browser.js';
import { startSlapdPanel, type SlapdPanel } from './support/slapd-panel.js';

/**
 * Issue 10 item 4 (panel): a user whose removal the safeguard holds is still active and still a
 * member of their groups (docs/configuration.md "Held removals"), and the user page must say the
 * removal is held, naming the run, instead of "Why is this user active? They are in scope of …".
 */
describe('panel: a held removal on the user page and the users list (chromium, idsync serve, slapd)', () => {
  let slapd: SlapdDirectory;
  let p: SlapdPanel;
  let staff: string;
  const dns: Record<string, string> = {};
  const name = (uid: string) => `${uid}.${p.tag}`;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    p = await startSlapdPanel(slapd, {
      seed: async ({ tag, ou, people, groups }) => {
        for (const [uid, given] of [
          ['alice', 'Alice'],
          ['bob', 'Bob'],
          ['carol', 'Carol'],
          ['dave', 'Dave'],
        ]) {
          dns[uid] = await slapd.addUser({
            ou: people,
            uid: `${uid}.${tag}`,
            givenName: given,
            sn: 'Tester',
            displayName: `${given} Tester`,
            mail: `${uid}@${tag}.test`,
          });
        }
        staff = await slapd.addGroup({ ou: groups, cn: 'Staff', members: Object.values(dns) });
        return [
          {
            name: 'ldap',
            type: 'openldap',
            servers: [slapd.ldapsUrl],
            caFile: slapd.caFile,
            bind: { dn: slapd.bindDn, password: slapd.password },
            baseDn: ou,
            groups: [staff],
            safeguard: { maxRemovals: 1, maxRemovalPercent: null },
          },
        ];
      },
    });
  });

  afterAll(async () => {
    await p?.close();
  });

  it('a held user says the removal is held (naming the run), not "in scope", keeps their groups, and the list marks them held', async () => {
    const { page } = p;
    await expect.poll(async () => (await p.api('GET', '/users?directory=ldap')).body.total, { timeout: 60_000 }).toBe(4);
    await p.api('POST', '/directories/ldap/sync?wait=true');

    // Three of four leave the group: over maxRemovals 1, so the run holds all three removals.
    await slapd.removeMembers(staff, [dns.bob, dns.carol, dns.dave]);
    // Change tracking may hold them first; a full sync holds them again (superseding it) either way.
    await p.api('POST', '/directories/ldap/sync?wait=true');
    const bobPath = `/users/${encodeURIComponent(name('bob'))}`;
    await expect.poll(async () => (await p.api('GET', bobPath)).body.heldRemoval?.runId ?? null, { timeout: 60_000 }).not.toBeNull();
    const bob = (await p.api('GET', bobPath)).body;
    expect(bob.status).toBe('active');
    expect(bob.groups.length).toBeGreaterThan(0);
    const runId: number = bob.heldRemoval.runId;

    // The user page: held, naming the run; not "active … in scope of"; the groups still shown.
    await page.goto(`${p.server.origin}${bobPath}`);
    await page.getByRole('heading', { name: name('bob'), level: 1 }).waitFor();
    const why = page.locator('section.why');
    await why.waitFor();
    const whyText = await why.innerText();
    expect(whyText).toMatch(/held for approval/i);
    expect(whyText).toMatch(new RegExp(`(run|#)\\s*#?${runId}\\b`, 'i'));
    const main = await page.locator('main').innerText();
    expect(main).not.toMatch(/Why is this user active/);
    expect(main).not.toMatch(/in scope of/);
    const lineage = page.getByRole('region', { name: 'Lineage' });
    const groups = await lineage.locator('dt', { hasText: 'Groups' }).locator('xpath=following-sibling::dd[1]').innerText();
    expect(groups).not.toBe('none');
    for (const g of bob.groups as string[]) expect(groups).toContain(g);
    const heldBorder = await why.evaluate((e) => getComputedStyle(e).borderLeftColor);
    await shot(page, 'h01-user-held');

    // An unaffected user still reads as active and in scope (the page did not just drop the sentence).
    await page.goto(`${p.server.origin}/users/${encodeURIComponent(name('alice'))}`);
    await page.getByRole('heading', { name: 'Why is this user active?' }).waitFor();
    // Nor is the held card coloured as plainly active (green): it waits on a decision.
    const activeBorder = await page.locator('section.why').evaluate((e) => getComputedStyle(e).borderLeftColor);
    const rgb = (s: string) => (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
    expect(Math.hypot(...rgb(heldBorder).map((v, i) => v - rgb(activeBorder)[i]))).toBeGreaterThan(60);

    // The users list marks the three held, and alice not.
    await page.goto(`${p.server.origin}/users`);
    for (const uid of ['bob', 'carol', 'dave']) {
      const row = page.getByRole('row', { name: new RegExp(esc(name(uid))) });
      await row.waitFor();
      expect(await row.innerText()).toMatch(/held/i);
    }
    const alice = page.getByRole('row', { name: new RegExp(esc(name('alice'))) });
    expect(await alice.innerText()).not.toMatch(/held/i);
    await shot(page, 'h02-users-held');
  }, 180_000);
});
