import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../../test/harness/index.js';
import { openStream } from '../../../test/support/stream.js';
import type { LdapStream } from '../stream/ldap-stream.js';
import { IdsyncError } from '../../errors.js';
import { guidToString } from '../codecs.js';
import { readDcIdentity } from './dc-identity.js';
import { dirSync, DirSyncFlags, type DirSyncChange, type DirSyncResult } from './dirsync.js';

/**
 * DirSync against the real Samba AD DC. DirSync always runs over the whole domain (the base must
 * be the NC root), and every test file shares one DC, so assertions look only at this file's
 * objects (by GUID); sAMAccountNames carry a random tag because they are unique domain-wide.
 */
const sambaInfo = inject('samba');
let samba: SambaDirectory;
let admin: LdapStream;
const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const FILTER = '(|(objectClass=user)(objectClass=group))';
const ATTRS = ['sAMAccountName', 'displayName', 'description', 'title', 'userAccountControl', 'member'];

beforeAll(async () => {
  if (!sambaInfo) return;
  samba = connectSamba(sambaInfo);
  admin = await openStream(samba);
});
afterAll(async () => {
  await admin?.close();
});

const guidOf = (dn: string) => samba.guid(dn);

async function sync(cookie?: Buffer, client: LdapStream = admin, flags?: number): Promise<DirSyncResult> {
  const r = await dirSync(client, { ncRoot: samba.baseDn, filter: FILTER, attributes: ATTRS, cookie, flags });
  if (r.kind !== 'changes') throw new Error(`DirSync refused: ${r.message}`);
  return r;
}

function byGuid(r: DirSyncResult, guids: string[]): Map<string, DirSyncChange> {
  const wanted = new Set(guids);
  return new Map(r.changes.filter((c) => wanted.has(c.guid)).map((c) => [c.guid, c]));
}

describe.skipIf(!sambaInfo)('DirSync (Samba AD DC)', () => {
  it('a first DirSync returns every object with a cookie; the cookie then returns only changes, keyed by GUID', async () => {
    const top = await samba.addOu(`DS${tag}`);
    const ouA = await samba.addOu('A', top);
    const ouB = await samba.addOu('B', top);
    const user = (name: string, extra = {}) =>
      samba.addUser({ ou: ouA, sam: `${name}.${tag}`, cn: name, displayName: `${name} Tester`, description: `${name} desc`, ...extra });
    const alice = await user('alice');
    const bob = await user('bob');
    const dave = await user('dave');
    const erin = await user('erin');
    const frank = await user('frank');
    const gina = await user('gina');
    const group = await samba.addGroup({ ou: ouA, name: `Eng.${tag}`, cn: 'Eng', members: [bob, frank] });
    const g = Object.fromEntries(
      await Promise.all(Object.entries({ alice, bob, dave, erin, frank, gina, group }).map(async ([k, dn]) => [k, await guidOf(dn)])),
    );

    // Full pass: every object, all requested attributes that have values, the members by GUID.
    const full = await sync();
    expect(full.cookie.length).toBeGreaterThan(0);
    expect(full.more).toBe(false);
    const first = byGuid(full, Object.values(g));
    expect(first.size).toBe(7);
    expect(first.get(g.alice)).toMatchObject({ dn: alice, deleted: false, objectClass: ['top', 'person', 'organizationalPerson', 'user'] });
    expect(first.get(g.alice)!.attributes.string('sAMAccountName')).toBe(`alice.${tag}`);
    expect(first.get(g.alice)!.attributes.string('userAccountControl')).toBe('512');
    // Under INCREMENTAL_VALUES even the first pass lists members as "added".
    expect(
      first
        .get(g.group)!
        .memberAdded.map((m) => m.guid)
        .sort(),
    ).toEqual([g.bob, g.frank].sort());
    expect(first.get(g.group)!.memberAdded.find((m) => m.guid === g.bob)).toEqual({ guid: g.bob, sid: expect.stringMatching(/^S-1-5-21-/), dn: bob });

    // Changes of every kind.
    const carol = await user('carol');
    g.carol = await guidOf(carol);
    await samba.modify(alice, 'title', 'Engineer');
    await samba.modify(alice, 'description', null);
    await samba.disable(bob);
    const daveRenamed = await samba.rename(dave, 'CN=david');
    const erinMoved = await samba.move(erin, ouB);
    await samba.addMembers(group, [alice]);
    await samba.removeMembers(group, [bob]);
    await samba.deleteEntry(frank);

    const delta = await sync(full.cookie);
    expect(delta.cookie.equals(full.cookie)).toBe(false);
    const ch = byGuid(delta, Object.values(g));
    // gina did not change: not sent at all.
    expect([...ch.keys()].sort()).toEqual([g.alice, g.bob, g.carol, g.dave, g.erin, g.frank, g.group].sort());

    expect(ch.get(g.carol)).toMatchObject({ dn: carol, deleted: false, objectClass: ['top', 'person', 'organizationalPerson', 'user'] });
    expect(ch.get(g.carol)!.attributes.string('displayName')).toBe('carol Tester');

    // Only what changed; a cleared attribute is present without values.
    const a = ch.get(g.alice)!;
    expect(a.attributes.names().sort()).toEqual(['description', 'title']);
    expect(a.attributes.string('title')).toBe('Engineer');
    expect(a.cleared).toEqual(['description']);
    expect(a.objectClass).toEqual([]);

    expect(ch.get(g.bob)!.attributes.names()).toEqual(['useraccountcontrol']);
    expect(ch.get(g.bob)!.attributes.string('userAccountControl')).toBe('514');

    // Rename and move: same GUID, new DN, new name; the new parent's GUID for the move.
    expect(ch.get(g.dave)).toMatchObject({ dn: daveRenamed, deleted: false });
    expect(ch.get(g.dave)!.attributes.string('name')).toBe('david');
    expect(ch.get(g.erin)).toMatchObject({ dn: erinMoved, parentGuid: await guidOf(ouB) });

    // Linked values as deltas, each with the member's GUID and DN.
    const grp = ch.get(g.group)!;
    expect(grp.memberAdded).toEqual([{ guid: g.alice, sid: expect.stringMatching(/^S-1-5-21-/), dn: alice }]);
    expect(grp.memberRemoved).toEqual([{ guid: g.bob, sid: expect.stringMatching(/^S-1-5-21-/), dn: bob }]);
    // frank's deletion silently dropped him from the group: Samba reports no removal for it
    // (his tombstone is the only news), so a caller must drop a deleted user's memberships itself.
    expect(grp.memberRemoved.map((m) => m.guid)).not.toContain(g.frank);
    expect(grp.attributes.names()).toEqual([]);

    // Deletion: the tombstone, matched by GUID.
    const f = ch.get(g.frank)!;
    expect(f.deleted).toBe(true);
    expect(f.dn).toMatch(/^CN=frank\\0ADEL:[0-9a-f-]{36},CN=Deleted Objects,DC=corp,DC=example,DC=test$/);
    expect(f.lastKnownParent).toBe(ouA);
    expect(f.attributes.string('isDeleted')).toBe('TRUE');

    // Nothing more of ours after the new cookie.
    const again = await sync(delta.cookie);
    expect(byGuid(again, Object.values(g)).size).toBe(0);
  });

  it('without INCREMENTAL_VALUES a changed member attribute comes whole', async () => {
    const ou = await samba.addOu(`DSF${tag}`);
    const u1 = await samba.addUser({ ou, sam: `u1.${tag}` });
    const u2 = await samba.addUser({ ou, sam: `u2.${tag}` });
    const grp = await samba.addGroup({ ou, name: `G.${tag}`, members: [u1] });
    const start = await sync(undefined, admin, 0);
    await samba.addMembers(grp, [u2]);
    const delta = await sync(start.cookie, admin, 0);
    const c = byGuid(delta, [await guidOf(grp)]).get(await guidOf(grp))!;
    expect(c.linked.member?.replaced?.map((m) => m.dn).sort()).toEqual([u1, u2].sort());
    expect(c.memberAdded).toEqual([]);
  });

  it('reads the DC identity: host, NTDS Settings, invocationId and a moving highestCommittedUSN', async () => {
    const id = await readDcIdentity(admin);
    expect(id.dnsHostName).toBe('dc1.corp.example.test');
    expect(id.dsServiceName).toMatch(/^CN=NTDS Settings,CN=DC1,CN=Servers,CN=Default-First-Site-Name,CN=Sites,CN=Configuration,DC=corp,DC=example,DC=test$/);
    expect(id.invocationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(id.defaultNamingContext).toBe(samba.baseDn);
    const ntds = await samba.get(id.dsServiceName, ['invocationId'], ['invocationId']);
    expect(guidToString(ntds!.invocationId as Buffer)).toBe(id.invocationId);
    await samba.addOu(`DSI${tag}`);
    const later = await readDcIdentity(admin);
    expect(later.invocationId).toBe(id.invocationId);
    expect(later.highestCommittedUSN).toBeGreaterThan(id.highestCommittedUSN);
  });

  it('refuses a base that is not the naming-context root', async () => {
    const ou = await samba.addOu(`DSB${tag}`);
    const err = await dirSync(admin, { ncRoot: ou, filter: FILTER, attributes: ATTRS }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IdsyncError);
    expect(err).toMatchObject({ code: 'DIRECTORY_MISCONFIGURED', message: expect.stringMatching(/not a naming-context root/) });
  });

  it('an account without Replicating Directory Changes gets a typed refusal; with OBJECT_SECURITY it syncs what it may read, deletions excepted', async () => {
    const ou = await samba.addOu(`DSR${tag}`);
    const name = `plain.${tag}`;
    await samba.addUser({ ou, sam: name, password: 'Passw0rd!Plain1' });
    const plain = await openStream(samba, { bindDn: `${name}@corp.example.test`, password: 'Passw0rd!Plain1' });
    try {
      const refused = await dirSync(plain, { ncRoot: samba.baseDn, filter: FILTER, attributes: ATTRS });
      expect(refused).toMatchObject({
        kind: 'insufficient-rights',
        resultCode: 50,
        message: expect.stringMatching(/insufficient access rights.*Replicating Directory Changes/),
      });

      const os = DirSyncFlags.INCREMENTAL_VALUES | DirSyncFlags.OBJECT_SECURITY;
      const victim = await samba.addUser({ ou, sam: `victim.${tag}` });
      const other = await samba.addUser({ ou, sam: `other.${tag}` });
      const grp = await samba.addGroup({ ou, name: `PG.${tag}` });
      const guids = { victim: await guidOf(victim), other: await guidOf(other), grp: await guidOf(grp) };
      const full = await sync(undefined, plain, os);
      expect(byGuid(full, Object.values(guids)).size).toBe(3);

      await samba.modify(other, 'title', 'Changed');
      await samba.addMembers(grp, [other]);
      await samba.deleteEntry(victim);
      const delta = await sync(full.cookie, plain, os);
      const ch = byGuid(delta, Object.values(guids));
      expect(ch.get(guids.other)!.attributes.string('title')).toBe('Changed');
      expect(ch.get(guids.grp)!.memberAdded.map((m) => m.guid)).toEqual([guids.other]);
      // Samba hides tombstones from an unprivileged caller: the deletion never shows up.
      expect(ch.has(guids.victim)).toBe(false);
    } finally {
      await plain.close();
    }
  });
});
