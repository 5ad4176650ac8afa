import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSamba, type SambaDirectory } from '../../../test/harness/index.js';
import { openStream } from '../../../test/support/stream.js';
import type { LdapStream } from '../stream/ldap-stream.js';
import { guidToString } from '../codecs.js';
import type { DirectoryEntry } from '../entry.js';
import { readDcIdentity } from './dc-identity.js';
import { deletedSince, objectsAtUsns, PROBE_MAX_USNS, usnChanges } from './usn-poll.js';

/** uSNChanged polling and the Deleted Objects container, against the real Samba AD DC. */
const sambaInfo = inject('samba');
let samba: SambaDirectory;
let admin: LdapStream;
const tag = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const FILTER = '(|(objectClass=user)(objectClass=group))';

beforeAll(async () => {
  if (!sambaInfo) return;
  samba = connectSamba(sambaInfo);
  admin = await openStream(samba);
});
afterAll(async () => {
  await admin?.close();
});

const guidOf = (dn: string) => samba.guid(dn);

async function all(gen: AsyncGenerator<DirectoryEntry[]>): Promise<{ pages: number; entries: Map<string, DirectoryEntry> }> {
  const entries = new Map<string, DirectoryEntry>();
  let pages = 0;
  for await (const page of gen) {
    pages++;
    for (const e of page) entries.set(guidToString(e.buffer('objectGUID')!), e);
  }
  return { pages, entries };
}

describe.skipIf(!sambaInfo)('uSNChanged polling (Samba AD DC)', () => {
  it('finds the same changes DirSync reports, as whole objects, and deletions in Deleted Objects', async () => {
    const top = await samba.addOu(`USN${tag}`);
    const ouA = await samba.addOu('A', top);
    const ouB = await samba.addOu('B', top);
    const user = (name: string) => samba.addUser({ ou: ouA, sam: `${name}.${tag}`, cn: name, description: `${name} desc` });
    const alice = await user('alice');
    const bob = await user('bob');
    const dave = await user('dave');
    const erin = await user('erin');
    const frank = await user('frank');
    const gina = await user('gina');
    const group = await samba.addGroup({ ou: ouA, name: `Eng.${tag}`, cn: 'Eng', members: [bob] });
    const g = Object.fromEntries(
      await Promise.all(Object.entries({ alice, bob, dave, erin, frank, gina, group }).map(async ([k, dn]) => [k, await guidOf(dn)])),
    );

    // The watermark is read before the "full sync"; then the changes happen.
    const before = await readDcIdentity(admin);
    const carol = await user('carol');
    g.carol = await guidOf(carol);
    await samba.modify(alice, 'description', null);
    await samba.disable(bob);
    const daveRenamed = await samba.rename(dave, 'CN=david');
    const erinMoved = await samba.move(erin, ouB);
    await samba.addMembers(group, [alice]);
    await samba.deleteEntry(frank);
    const after = await readDcIdentity(admin);
    expect(after.highestCommittedUSN).toBeGreaterThan(before.highestCommittedUSN);
    expect(after.invocationId).toBe(before.invocationId);

    const attributes = ['sAMAccountName', 'description', 'userAccountControl', 'member'];
    const { pages, entries } = await all(
      usnChanges(admin, { base: top, filter: FILTER, attributes, sinceUsn: before.highestCommittedUSN, untilUsn: after.highestCommittedUSN, pageSize: 2 }),
    );
    expect(pages).toBeGreaterThan(1); // paged
    // gina did not change; frank is gone (only a tombstone, invisible to a normal search).
    expect([...entries.keys()].sort()).toEqual([g.alice, g.bob, g.carol, g.dave, g.erin, g.group].sort());
    expect(entries.get(g.alice)!.has('description')).toBe(false);
    expect(entries.get(g.bob)!.string('userAccountControl')).toBe('514');
    expect(entries.get(g.dave)!.dn).toBe(daveRenamed);
    expect(entries.get(g.erin)!.dn).toBe(erinMoved);
    // The group's whole current member list, not a delta.
    expect(entries.get(g.group)!.strings('member').sort()).toEqual([alice, bob].sort());
    for (const e of entries.values()) {
      const usn = BigInt(e.string('uSNChanged')!);
      expect(usn > before.highestCommittedUSN && usn <= after.highestCommittedUSN).toBe(true);
    }

    // Nothing after the new watermark.
    const none = await all(usnChanges(admin, { base: top, filter: FILTER, attributes, sinceUsn: after.highestCommittedUSN }));
    expect(none.entries.size).toBe(0);

    const deleted = await deletedSince(admin, { ncRoot: samba.baseDn, sinceUsn: before.highestCommittedUSN });
    const f = deleted.find((d) => d.guid === g.frank);
    expect(f).toMatchObject({
      name: 'frank',
      lastKnownParent: ouA,
      sAMAccountName: `frank.${tag}`,
      objectClass: ['top', 'person', 'organizationalPerson', 'user'],
      dn: expect.stringMatching(/^CN=frank\\0ADEL:[0-9a-f-]{36},CN=Deleted Objects,DC=corp,DC=example,DC=test$/),
    });
    expect(f!.uSNChanged > before.highestCommittedUSN).toBe(true);
    // Only deletions after the watermark, and the objectClass condition applies to tombstones.
    expect(await deletedSince(admin, { ncRoot: samba.baseDn, sinceUsn: after.highestCommittedUSN })).toEqual([]);
    expect(
      (await deletedSince(admin, { ncRoot: samba.baseDn, sinceUsn: before.highestCommittedUSN, filter: '(objectClass=group)' })).map((d) => d.guid),
    ).not.toContain(g.frank);
  });

  it('an unprivileged account sees no tombstones (an empty answer, not an error)', async () => {
    const ou = await samba.addOu(`USNR${tag}`);
    const name = `plainu.${tag}`;
    await samba.addUser({ ou, sam: name, password: 'Passw0rd!Plain2' });
    const victim = await samba.addUser({ ou, sam: `victimu.${tag}` });
    const before = await readDcIdentity(admin);
    await samba.deleteEntry(victim);
    const plain = await openStream(samba, { bindDn: `${name}@corp.example.test`, password: 'Passw0rd!Plain2' });
    try {
      // The DC identity is readable without privileges, so polling itself works for this account.
      expect((await readDcIdentity(plain)).invocationId).toBe(before.invocationId);
      expect(await deletedSince(plain, { ncRoot: samba.baseDn, sinceUsn: before.highestCommittedUSN })).toEqual([]);
      expect((await deletedSince(admin, { ncRoot: samba.baseDn, sinceUsn: before.highestCommittedUSN })).length).toBe(1);
    } finally {
      await plain.close();
    }
  });

  it('finds the objects stamped with given USNs through equality terms, tombstones included', async () => {
    const top = await samba.addOu(`Probe${tag}`);
    const ann = await samba.addUser({ ou: top, sam: `pann.${tag}`, cn: 'ann' });
    const ben = await samba.addUser({ ou: top, sam: `pben.${tag}`, cn: 'ben' });
    const grp = await samba.addGroup({ ou: top, name: `PGrp.${tag}`, cn: 'PGrp' });
    const ncRoot = (await readDcIdentity(admin)).defaultNamingContext!;
    const start = (await readDcIdentity(admin)).highestCommittedUSN;
    await samba.modify(ann, 'description', 'changed once');
    await samba.modify(ann, 'description', 'changed twice');
    await samba.addMembers(grp, [ann]);
    await samba.deleteEntry(ben);
    const end = (await readDcIdentity(admin)).highestCommittedUSN;
    const found = await objectsAtUsns(admin, { ncRoot, afterUsn: start, upToUsn: end });
    const byGuid = new Map(found.map((o) => [o.guid, o]));
    // ann changed twice: found once, under her latest USN; the group through its member change.
    const annGuid = await samba.guid(ann);
    expect(found.filter((o) => o.guid === annGuid)).toHaveLength(1);
    expect(byGuid.get(annGuid)).toMatchObject({ dn: ann, deleted: false });
    expect(byGuid.get(annGuid)!.objectClass).toContain('user');
    expect(byGuid.get(await samba.guid(grp))).toMatchObject({ dn: grp, deleted: false });
    const tomb = found.find((o) => o.deleted);
    expect(tomb?.dn).toMatch(/Deleted Objects/);
    for (const o of found) expect(o.uSNChanged > start && o.uSNChanged <= end).toBe(true);
    expect(await objectsAtUsns(admin, { ncRoot, afterUsn: end, upToUsn: end })).toEqual([]);
    await expect(objectsAtUsns(admin, { ncRoot, afterUsn: 0n, upToUsn: BigInt(PROBE_MAX_USNS + 1) })).rejects.toThrow(RangeError);
  });
});
