import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from './harness/index.js';
import { RecordingProxy, tlsHandshakeAt } from './harness/record-proxy.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Inbound sync from a real Samba AD domain controller, through the idsync command line. Each test
 * works in an OU of its own under the domain and a store of its own.
 */
const sambaInfo = inject('samba');
let samba: SambaDirectory;

beforeAll(() => {
  if (sambaInfo) samba = connectSamba(sambaInfo);
});

interface Org {
  ou: string;
  /** sAMAccountName is unique in the whole domain: tests share one DC, so names carry a suffix. */
  sam: (name: string) => string;
  user: (sam: string, extra?: Record<string, unknown>) => Promise<string>;
  group: (name: string, members?: string[]) => Promise<string>;
}

async function org(): Promise<Org> {
  const tag = uniqueName('');
  const ou = await samba.addOu(`T${tag}`);
  const sam = (name: string) => `${name}.${tag}`;
  return {
    ou,
    sam,
    user: (name, extra = {}) =>
      samba.addUser({
        ou,
        sam: sam(name),
        cn: name,
        givenName: name[0].toUpperCase() + name.slice(1),
        sn: 'Tester',
        displayName: `${name} Tester`,
        mail: `${name}@corp.example.test`,
        upn: `${sam(name)}@corp.example.test`,
        ...extra,
      }),
    group: (name, members) => samba.addGroup({ ou, name, sam: sam(name), members }),
  };
}

function directory(o: Org, extra: Record<string, unknown> = {}) {
  return {
    name: 'corp',
    type: 'active-directory',
    servers: [samba.url],
    caFile: samba.caFile,
    bind: { dn: samba.bindDn, password: samba.password },
    baseDn: o.ou,
    ...extra,
  };
}

describe.skipIf(!sambaInfo)('Active Directory inbound sync (Samba AD DC)', () => {
  it('imports nested groups (three deep, with a cycle), primary-group members, aliases and status', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const bob = await o.user('bob', { disabled: true });
    const carol = await o.user('carol', { accountExpires: new Date('2020-01-01T00:00:00Z') });
    const dave = await o.user('dave');
    await o.user('erin');
    const level3 = await o.group('Level3', [carol]);
    const level2 = await o.group('Level2', [bob, level3]);
    const eng = await o.group('Engineering', [alice, level2]);
    await samba.addMembers(level3, [eng]); // cycle
    const primary = await o.group('PrimaryOnly');
    await samba.addMembers(level2, [primary]);
    await samba.setPrimaryGroup(dave, primary);
    // AD turns the member link into primaryGroupID: the group's member list no longer names dave.
    expect(((await samba.get(primary, ['member']))?.member ?? []) as string[]).not.toContain(dave);

    const ws = new Workspace().configure([directory(o, { groups: [eng], attributes: { aliases: ['userPrincipalName'] } })]);
    const r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 4, skipped: 0, groupsCreated: 1 });
    const s = await ws.export();
    expect(s.groups).toEqual([expect.objectContaining({ name: 'Engineering', directory: 'corp', members: ['alice', 'bob', 'carol', 'dave'].map(o.sam) })]);
    const by = Object.fromEntries(s.users.map((u) => [u.username.split('.')[0], u]));
    expect(Object.keys(by).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    expect(by.alice).toMatchObject({
      status: 'active',
      aliases: [`${o.sam('alice')}@corp.example.test`],
      fullName: 'alice Tester',
      firstName: 'Alice',
      lastName: 'Tester',
      email: 'alice@corp.example.test',
    });
    expect(by.alice.externalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(by.bob).toMatchObject({ status: 'disabled', statusReason: expect.stringMatching(/ACCOUNTDISABLE/) });
    expect(by.carol).toMatchObject({ status: 'disabled', statusReason: expect.stringMatching(/expired/) });
    expect(by.dave.status).toBe('active');
  });

  it('reads a group of more than 1,500 members with range retrieval', async () => {
    const o = await org();
    const dns = await samba.bulkAddUsers(o.ou, 1600, uniqueName('m'));
    const big = await o.group('Big');
    const c = await samba.ldap();
    try {
      const { Attribute, Change } = await import('ldapts');
      for (let i = 0; i < dns.length; i += 400) {
        await c.modify(big, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: dns.slice(i, i + 400) }) })]);
      }
    } finally {
      await c.unbind();
    }
    const ws = new Workspace().configure([directory(o, { groups: [big], memberRangeSize: 500 })]);
    const r = await ws.sync();
    expect(r.counts.created).toBe(1600);
    const s = await ws.export();
    expect(s.groups[0].members).toHaveLength(1600);
  });

  it('follows a rename and a move by objectGUID, and a disable in AD', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const eng = await o.group('Engineering', [alice]);
    const ws = new Workspace().configure([directory(o, { groups: [eng], safeguard: { maxRemovals: 100, maxRemovalPercent: null } })]);
    await ws.sync();
    const before = (await ws.user(o.sam('alice')))!;

    await samba.modify(alice, 'sAMAccountName', o.sam('alice.smith'));
    const renamedDn = await samba.rename(alice, 'CN=Alice Smith');
    let r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 0, updated: 1, trashed: 0 });
    expect(await ws.user(o.sam('alice'))).toBeUndefined();
    expect((await ws.user(o.sam('alice.smith')))!).toMatchObject({ externalId: before.externalId, groups: ['Engineering'] });

    const sub = await samba.addOu('Moved', o.ou);
    const moved = await samba.move(typeof renamedDn === 'string' && renamedDn.startsWith('CN=Alice Smith') ? renamedDn : `CN=Alice Smith,${o.ou}`, sub);
    r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 0, updated: 1 });
    const after = (await ws.user(o.sam('alice.smith')))!;
    expect(after.externalId).toBe(before.externalId);
    expect(after.dn!.toLowerCase()).toContain('ou=moved');
    expect(after.groups).toEqual(['Engineering']);

    await samba.disable(typeof moved === 'string' && moved.startsWith('CN=') ? moved : after.dn!);
    r = await ws.sync();
    expect(r.counts.disabled).toBe(1);
    expect((await ws.user(o.sam('alice.smith')))!).toMatchObject({ status: 'disabled', statusReason: expect.stringMatching(/ACCOUNTDISABLE/) });
  });

  it('takes a user removed from the group to the trash, holding the removal when over the threshold', async () => {
    const o = await org();
    const users = await Promise.all(['u1', 'u2', 'u3'].map((u) => o.user(u)));
    const eng = await o.group('Engineering', users);
    const ws = new Workspace().configure([directory(o, { groups: [eng], safeguard: { maxRemovals: 1, maxRemovalPercent: null } })]);
    await ws.sync();
    await samba.removeMembers(eng, users.slice(0, 2));
    const held = await ws.sync();
    expect(held.counts).toMatchObject({ held: 2, trashed: 0 });
    expect((await ws.cli(['approve', String(held.runId)])).code).toBe(0);
    const s = await ws.export();
    expect(s.users.filter((u) => u.status === 'trashed')).toHaveLength(2);
  });

  it('verifies TLS hostnames by default, with an error that says what did not match', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const eng = await o.group('Engineering', [alice]);
    const ws = new Workspace().configure([directory(o, { groups: [eng] })]);
    // the harness certificate names 127.0.0.1 and dc1.corp.example.test
    expect((await ws.sync()).counts.created).toBe(1);

    ws.update({ servers: [samba.url], caFile: undefined });
    const untrusted = await ws.cli(['sync']);
    expect(untrusted.code).toBe(3);
    expect(untrusted.stderr).toMatch(/DIRECTORY_TLS.*not trusted.*caFile/);
  });

  it('connects with StartTLS and over clear LDAP (with a warning); refuses a wrong password', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const eng = await o.group('Engineering', [alice]);
    // Through a recording proxy: Samba runs with `require strong auth = no`, so a client that
    // skipped the upgrade would sync all the same. What it sent shows the upgrade happened first.
    const proxy = await RecordingProxy.start({ host: '127.0.0.1', port: Number(new URL(samba.clearUrl).port || 389) });
    const ws = new Workspace().configure([directory(o, { groups: [eng], servers: [`ldap://127.0.0.1:${proxy.port}`] })]);
    try {
      const r = await ws.sync();
      expect(r.counts.created).toBe(1);
      expect(r.warnings).toEqual([]);
      const starttls = proxy.sent.length;
      expect(starttls).toBeGreaterThan(0);
      for (let i = 0; i < starttls; i++) {
        const bytes = proxy.stream(i);
        const handshake = tlsHandshakeAt(bytes);
        // The StartTLS extended request (RFC 4511 section 4.14) comes first, then TLS, and the
        // password is never in the clear.
        expect(handshake).toBeGreaterThan(0);
        expect(bytes.subarray(0, handshake).includes(Buffer.from('1.3.6.1.4.1.1466.20037'))).toBe(true);
        expect(bytes.includes(Buffer.from(samba.password))).toBe(false);
      }

      // The same check sees a clear connection for what it is.
      ws.update({ transport: 'clear' });
      const clear = await ws.cli(['sync']);
      expect(clear.code).toBe(0);
      expect(clear.stdout).toMatch(/warning: .*transport "clear" sends the bind password for Administrator@corp\.example\.test unencrypted/);
      expect(proxy.sent.length).toBeGreaterThan(starttls);
      const plain = proxy.stream(starttls);
      expect(tlsHandshakeAt(plain)).toBe(-1);
      expect(plain.includes(Buffer.from(samba.password))).toBe(true);
    } finally {
      await proxy.close();
    }

    ws.update({ transport: undefined, servers: [samba.url], bind: { dn: samba.bindDn, password: 'Wr0ng!pass' } });
    const bad = await ws.cli(['sync']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/DIRECTORY_BIND_FAILED.*invalid credentials/);
    expect(bad.stderr).not.toContain('Wr0ng!pass');
  });

  it('lists and searches groups, and tests the servers', async () => {
    const o = await org();
    for (const n of ['Finance EU', 'Finance US', 'Facilities']) await o.group(n);
    const ws = new Workspace().configure([directory(o, { groups: [`CN=Facilities,${o.ou}`] })]);
    const found = await ws.json(['directory', 'groups', '--search', 'finance']);
    expect(found.groups.map((g: any) => g.name)).toEqual(['Finance EU', 'Finance US']);
    const t = await ws.cli(['directory', 'test']);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/ok {3}ldaps:\/\/127\.0\.0\.1:636 \[ldaps\].*bound as Administrator@corp\.example\.test/);
  });
});

describe.skipIf(!sambaInfo)('Active Directory TLS with a certificate that does not name the host', () => {
  let restored = false;
  afterAll(async () => {
    if (!restored && samba) await samba.restart({ tlsCert: 'good' });
  });

  it('fails with verification on and works with verifyHostname: false', async () => {
    await samba.restart({ tlsCert: 'wrong-name' });
    const o = await org();
    const alice = await o.user('alice');
    const eng = await o.group('Engineering', [alice]);
    const ws = new Workspace().configure([directory(o, { groups: [eng] })]);
    const r = await ws.cli(['sync']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/DIRECTORY_TLS.*hostname verification failed.*127\.0\.0\.1.*verifyHostname: false/s);
    ws.update({ verifyHostname: false });
    expect((await ws.sync()).counts.created).toBe(1);
    await samba.restart({ tlsCert: 'good' });
    restored = true;
  });
});
