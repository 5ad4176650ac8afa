// Smoke test of the harness itself: the injected facts are enough to reach both real directories
// from a test worker, the helpers create what they claim, and the TLS material behaves as intended.
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { describe, expect, inject, it } from 'vitest';
import { connectSamba, connectSlapd, PLACEHOLDER_MEMBER, sidRid } from './index.js';

const run = Date.now().toString(36);
const asArray = (v: unknown): string[] => (v === undefined ? [] : ([] as string[]).concat(v as string | string[]));

it('provides the PostgreSQL URL and the test CA', () => {
  expect(inject('postgresUrl')).toMatch(/^postgres(ql)?:\/\//);
  expect(readFileSync(inject('certs').caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
});

describe('slapd harness', () => {
  const slapd = connectSlapd(inject('slapd'));

  it('creates an OU, users and a group and reads them back over LDAPS', async () => {
    const ou = await slapd.addOu(`smoke-${run}`);
    expect(ou).toBe(`ou=smoke-${run},dc=corp,dc=example,dc=test`);
    const alice = await slapd.addUser({ ou, uid: 'alice', givenName: 'Alice', sn: 'Smith', mail: 'alice@corp.example.test' });
    const bob = await slapd.addUser({ ou, uid: 'bob', sn: 'Jones', employeeType: 'contractor' });
    const group = await slapd.addGroup({ ou, cn: 'engineering', members: [alice] });
    await slapd.addMembers(group, [bob]);

    // A fresh client built only from the injected info, verifying the server name.
    const info = inject('slapd');
    const c = new Client({ url: info.ldapsUrl, tlsOptions: { ca: readFileSync(info.caFile) } });
    try {
      await c.bind(info.bindDn, info.password);
      const users = await c.search(ou, { filter: '(objectClass=inetOrgPerson)', attributes: ['uid', 'cn', 'mail', 'memberOf', 'entryUUID', 'employeeType'] });
      const byUid = Object.fromEntries(users.searchEntries.map((e) => [e.uid, e]));
      expect(Object.keys(byUid).sort()).toEqual(['alice', 'bob']);
      expect(byUid.alice.cn).toBe('Alice Smith');
      expect(byUid.alice.mail).toBe('alice@corp.example.test');
      expect(byUid.bob.employeeType).toBe('contractor');
      expect(byUid.alice.entryUUID).toMatch(/^[0-9a-f-]{36}$/);
      // memberof overlay is on
      expect(asArray(byUid.bob.memberOf)).toEqual([group]);
      const g = await c.search(group, { scope: 'base', attributes: ['member'] });
      expect(asArray(g.searchEntries[0].member).sort()).toEqual([alice, bob].sort());
    } finally {
      await c.unbind();
    }
  });

  it('keeps groupOfNames valid with a placeholder, renames and moves', async () => {
    const ou = await slapd.addOu(`smoke2-${run}`);
    const carol = await slapd.addUser({ ou, uid: 'carol', sn: 'White' });
    const empty = await slapd.addGroup({ ou, cn: 'empty' });
    expect(asArray((await slapd.get(empty, ['member']))?.member)).toEqual([PLACEHOLDER_MEMBER]);
    await slapd.addMembers(empty, [carol]);
    expect(asArray((await slapd.get(empty, ['member']))?.member)).toEqual([carol]);
    await slapd.removeMembers(empty, [carol]);
    expect(asArray((await slapd.get(empty, ['member']))?.member)).toEqual([PLACEHOLDER_MEMBER]);

    const uniq = await slapd.addGroup({ ou, cn: 'uniq', kind: 'groupOfUniqueNames', members: [carol] });
    expect(asArray((await slapd.get(uniq, ['uniqueMember']))?.uniqueMember)).toEqual([carol]);

    const renamed = await slapd.rename(carol, 'uid=carol2');
    expect(renamed).toBe(`uid=carol2,${ou}`);
    const sub = await slapd.addOu('sub', ou);
    const moved = await slapd.move(renamed, sub);
    expect((await slapd.get(moved, ['uid']))?.uid).toBe('carol2');
    await slapd.deleteEntry(ou, { recursive: true });
    expect(await slapd.get(ou)).toBeUndefined();
  });

  it('restarts on the same ports with the same data', async () => {
    const ou = await slapd.addOu(`smoke3-${run}`);
    const before = slapd.pid;
    await slapd.restart();
    expect(slapd.pid).not.toBe(before);
    expect(await slapd.get(ou, ['ou'])).toBeDefined();
  });
});

describe.skipIf(!inject('samba'))('Samba harness', () => {
  const samba = connectSamba(inject('samba'));

  it('creates an OU, users and a group and reads them back over LDAPS', async () => {
    const ou = await samba.addOu(`Smoke-${run}`);
    expect(ou).toBe(`OU=Smoke-${run},DC=corp,DC=example,DC=test`);
    const alice = await samba.addUser({ ou, sam: 'alice', givenName: 'Alice', sn: 'Smith', mail: 'alice@corp.example.test', password: 'Passw0rd!Alice' });
    const bob = await samba.addUser({ ou, sam: 'bob', givenName: 'Bob', sn: 'Jones', disabled: true, mobile: '+49 170 1234567' });
    const group = await samba.addGroup({ ou, name: `Engineering-${run}` });
    await samba.addMembers(group, [alice, bob]);

    const c = await samba.ldap();
    try {
      const users = await c.search(ou, {
        filter: '(&(objectClass=user)(objectCategory=person))',
        attributes: ['sAMAccountName', 'userPrincipalName', 'userAccountControl', 'memberOf', 'objectGUID', 'mobile'],
        explicitBufferAttributes: ['objectGUID'],
      });
      const bySam = Object.fromEntries(users.searchEntries.map((e) => [e.sAMAccountName, e]));
      expect(Object.keys(bySam).sort()).toEqual(['alice', 'bob']);
      expect(bySam.alice.userPrincipalName).toBe('alice@corp.example.test');
      expect(bySam.alice.userAccountControl).toBe('512');
      expect(bySam.bob.userAccountControl).toBe('514');
      expect(bySam.bob.mobile).toBe('+49 170 1234567');
      expect((bySam.alice.objectGUID as Buffer).length).toBe(16);
      expect(asArray(bySam.alice.memberOf)).toEqual([group]);
    } finally {
      await c.unbind();
    }
    // The password set at creation works, also as a plain-LDAP simple bind (strong auth is off).
    const info = inject('samba')!;
    const clear = new Client({ url: info.clearUrl });
    await clear.bind('alice@corp.example.test', 'Passw0rd!Alice');
    await clear.unbind();

    await samba.disable(alice);
    expect((await samba.get(alice, ['userAccountControl']))?.userAccountControl).toBe('514');
    await samba.enable(alice);
    expect((await samba.get(alice, ['userAccountControl']))?.userAccountControl).toBe('512');

    await samba.setPrimaryGroup(bob, group);
    const rid = await samba.rid(group);
    expect((await samba.get(bob, ['primaryGroupID']))?.primaryGroupID).toBe(String(rid));
    expect(sidRid((await samba.get(bob, ['objectSid'], ['objectSid']))!.objectSid as Buffer)).toBeGreaterThan(1000);

    await samba.removeMembers(group, [alice]);
    const moved = await samba.move(await samba.rename(alice, 'CN=Alice Smith'), await samba.addOu('Moved', ou));
    expect(moved).toBe(`CN=Alice Smith,OU=Moved,${ou}`);
    expect((await samba.get(moved, ['sAMAccountName']))?.sAMAccountName).toBe('alice');
  });

  it('bulk-adds users, visibly to the running DC', async () => {
    const usn = async () => Number((await samba.get('', ['highestCommittedUSN']))?.highestCommittedUSN);
    const ou = await samba.addOu(`Bulk-${run}`);
    const before = await usn();
    const dns = await samba.bulkAddUsers(ou, 200, 'bk');
    // Written through the local sam.ldb, yet the DC's USN moved: uSNChanged polling sees them.
    expect(await usn()).toBeGreaterThanOrEqual(before + 200);
    expect(dns).toHaveLength(200);
    const found = await samba.search(ou, '(objectClass=user)', ['sAMAccountName', 'userAccountControl']);
    expect(found).toHaveLength(200);
    expect(found.every((e) => e.userAccountControl === '512')).toBe(true);
    const viaLdap = await samba.bulkAddUsers(ou, 20, 'lp', { method: 'ldap', disabled: true });
    expect((await samba.get(viaLdap[19], ['sAMAccountName']))?.sAMAccountName).toBe('lp20');
  });

  it('serves the wrong-name certificate on request, and the good one again', async () => {
    const info = inject('samba')!;
    const verifying = () => new Client({ url: info.url, tlsOptions: { ca: readFileSync(info.caFile) }, connectTimeout: 5_000 });
    try {
      await samba.restart({ tlsCert: 'wrong-name' });
      const c = verifying();
      await expect(c.bind(info.bindDn, info.password)).rejects.toThrow(/altnames|Hostname\/IP does not match/i);
      await c.unbind().catch(() => undefined);
    } finally {
      await samba.restart({ tlsCert: 'good' });
    }
    const c = verifying();
    await c.bind(info.bindDn, info.password);
    await c.unbind();
  });
});
