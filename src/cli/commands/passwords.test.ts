import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../../test/harness/index.js';
import { uniqueName, Workspace } from '../../../test/support/workspace.js';

/**
 * `idsync passwords status [USER]` (issue 14) after `idsync sync` of an OpenLDAP directory with
 * importPasswordHashes: each user's status, the reason for a refused value, the scheme (never the
 * hash), SourceConnectorNotPresent for a synced user without a value, and one user's attempts.
 */
describe('idsync passwords status with OpenLDAP hashes', () => {
  let slapd: SlapdDirectory;
  let ws: Workspace;
  const hash = execFileSync('slappasswd', ['-h', '{SSHA}', '-s', 'Cli pass 1!'], { encoding: 'utf8' }).trim();

  beforeAll(async () => {
    slapd = connectSlapd(inject('slapd'));
    const base = await slapd.addOu(uniqueName('pwcli'));
    const people = await slapd.addOu('people', base);
    await slapd.addUser({ ou: people, uid: 'ann', sn: 'Tester', userPassword: hash });
    await slapd.addUser({ ou: people, uid: 'bo', sn: 'Tester', userPassword: '{CLEARTEXT}Cli pass 2!' });
    await slapd.addUser({ ou: people, uid: 'cy', sn: 'Tester' });
    ws = new Workspace().configure([
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: people,
        syncItems: [{ container: people }],
        importPasswordHashes: true,
      },
    ]);
    await ws.sync();
  }, 60_000);

  it('lists every synced user with its status, and one user with its attempts, never the hash', async () => {
    const all = (await ws.json(['passwords', 'status'])) as { username: string; status: string; reason: string | null; kdf: string | null }[];
    expect(all.map((r) => [r.username, r.status])).toEqual([
      ['ann', 'Success'],
      ['bo', 'Failed'],
      ['cy', 'SourceConnectorNotPresent'],
    ]);
    expect(all[0].kdf).toMatch(/^SSHA/);
    expect(all[1].reason).toMatch(/^unsupported_scheme:CLEARTEXT/);
    const text = await ws.cli(['passwords', 'status', 'bo']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/bo \[ldap, ldap:userPassword\]: Failed \(unsupported_scheme:CLEARTEXT/);
    expect(text.stdout).toMatch(/\n {2}\S+ Failed \(unsupported_scheme:CLEARTEXT/);
    const everything = (await ws.cli(['passwords', 'status'])).stdout + JSON.stringify(all) + (await ws.cli(['export'])).stdout;
    expect(everything).not.toContain(hash.slice(6));
    expect(everything).not.toContain('Cli pass 2!');
  }, 60_000);
});
