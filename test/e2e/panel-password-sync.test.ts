import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../harness/index.js';
import { startSlapdPanel, type SlapdPanel } from './support/slapd-panel.js';

/**
 * Issue 14, "Show them in … the user page of the panel": a synced user's password sync status and
 * last attempts, in chromium against idsync serve and slapd with `importPasswordHashes`. The page
 * shows the scheme, never the hash.
 */
describe('panel: a user’s password sync (chromium, idsync serve, slapd)', () => {
  let slapd: SlapdDirectory;
  let p: SlapdPanel;
  const hash = execFileSync('slappasswd', ['-h', '{SSHA}', '-s', 'Panel pass 1!'], { encoding: 'utf8' }).trim();
  // SHA-crypt runs on the verify pool's worker through unixcrypt, imported by URL: here from the bundled CLI.
  const crypt6 = `{CRYPT}${execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: 'Panel pass 3!', encoding: 'utf8' }).trim()}`;
  const name = (uid: string) => `${uid}.${p.tag}`;

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    p = await startSlapdPanel(slapd, {
      seed: async ({ tag, ou, people, groups }) => {
        const ann = await slapd.addUser({ ou: people, uid: `ann.${tag}`, sn: 'Tester', userPassword: hash });
        const cid = await slapd.addUser({ ou: people, uid: `cid.${tag}`, sn: 'Tester', userPassword: '{CLEARTEXT}Panel pass 2!' });
        const dee = await slapd.addUser({ ou: people, uid: `dee.${tag}`, sn: 'Tester', userPassword: crypt6 });
        const staff = await slapd.addGroup({ ou: groups, cn: 'Staff', members: [ann, cid, dee] });
        return [
          {
            name: 'ldap',
            type: 'openldap',
            servers: [slapd.ldapsUrl],
            caFile: slapd.caFile,
            bind: { dn: slapd.bindDn, password: slapd.password },
            baseDn: ou,
            groups: [staff],
            importPasswordHashes: true,
          },
        ];
      },
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('shows Success with the scheme for an imported hash, and Failed with the reason for a cleartext value, never the hash', async () => {
    const { page } = p;
    await expect.poll(async () => (await p.api('GET', `/password-sync?username=${name('cid')}`)).body.items?.[0]?.status, { timeout: 60_000 }).toBe('Failed');

    await page.goto(`${p.server.origin}/users/${encodeURIComponent(name('ann'))}`);
    const card = page.getByRole('region', { name: 'Password sync' });
    await card.getByText('Success').first().waitFor();
    const ann = await card.innerText();
    expect(ann).toContain('SSHA');
    expect(ann).toContain('ldap:userPassword');
    expect(ann).toContain('Last attempts');
    expect(await page.content()).not.toContain(hash.slice(6));

    await page.goto(`${p.server.origin}/users/${encodeURIComponent(name('cid'))}`);
    await card.getByText('Failed').first().waitFor();
    const cid = await card.innerText();
    expect(cid).toContain('unsupported_scheme:CLEARTEXT');
    expect(await page.content()).not.toContain('Panel pass 2!');
  }, 120_000);

  it('the bundled idsync serve verifies the imported hashes (SSHA on the pool, SHA-crypt through unixcrypt in its worker)', async () => {
    const token = (await p.api('POST', '/tokens', { name: 'proxy', role: 'verify' })).body.token as string;
    const verify = async (username: string, password: string) =>
      (
        await fetch(`${p.server.origin}/api/v1/auth/verify`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ username, password }),
        })
      ).status;
    await expect.poll(async () => (await p.api('GET', `/password-sync?username=${name('dee')}`)).body.items?.[0]?.status, { timeout: 60_000 }).toBe('Success');
    expect(await verify(name('ann'), 'Panel pass 1!')).toBe(200);
    expect(await verify(name('dee'), 'Panel pass 3!')).toBe(200);
    expect(await verify(name('dee'), 'Panel pass 1!')).toBe(401);
    expect(await verify(name('cid'), 'Panel pass 2!')).toBe(401);

    // A change in the directory reaches the verify route through continuous sync (content sync by default).
    const next = `{CRYPT}${execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: 'Panel pass 4!', encoding: 'utf8' }).trim()}`;
    const t0 = performance.now();
    await slapd.modify(`uid=${name('dee')},${p.people}`, 'userPassword', next);
    await expect.poll(() => verify(name('dee'), 'Panel pass 4!'), { timeout: 60_000, interval: 100 }).toBe(200);
    console.log(`[password sync] OpenLDAP userPassword change → verifiable through idsync serve in ${Math.round(performance.now() - t0)} ms`);
    expect(await verify(name('dee'), 'Panel pass 3!')).toBe(401);
  }, 90_000);
});
