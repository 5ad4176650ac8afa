import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { testStores } from './support/stores.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Inbound sync from a real OpenLDAP slapd, through the idsync command line. Every test builds its
 * own OU (people, groups) and its own store, so tests neither see nor disturb each other.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

interface Org {
  base: string;
  people: string;
  groups: string;
  user: (uid: string, extra?: Partial<Parameters<SlapdDirectory['addUser']>[0]>) => Promise<string>;
  group: (cn: string, members: string[], kind?: 'groupOfNames' | 'groupOfUniqueNames') => Promise<string>;
}

async function org(): Promise<Org> {
  const base = await slapd.addOu(uniqueName('t'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  return {
    base,
    people,
    groups,
    user: (uid, extra = {}) =>
      slapd.addUser({
        ou: people,
        uid,
        givenName: uid[0].toUpperCase() + uid.slice(1),
        sn: 'Tester',
        mail: `${uid}@corp.example.test`,
        displayName: `${uid} Tester`,
        ...extra,
      }),
    group: (cn, members, kind) => slapd.addGroup({ ou: groups, cn, members, kind }),
  };
}

function directory(o: Org, extra: Record<string, unknown> = {}) {
  return {
    name: 'ldap',
    type: 'openldap',
    servers: [slapd.ldapsUrl],
    caFile: slapd.caFile,
    bind: { dn: slapd.bindDn, password: slapd.password },
    baseDn: o.base,
    ...extra,
  };
}

/** The smallest useful setup: alice in a chosen group "staff", and a workspace syncing it. */
async function aliceInStaff() {
  const o = await org();
  const alice = await o.user('alice');
  const g = await o.group('staff', [alice]);
  const ws = new Workspace().configure([directory(o, { groups: [g] })]);
  return { o, alice, g, ws };
}

// The write paths (trash, restore, purge, approvals, dry run, single-user sync, adoption) run over
// both stores, as the store suite does: new Workspaces in this block use the block's store.
describe.each(testStores())('OpenLDAP inbound sync (%s store)', (_kind, storeUrl) => {
  beforeAll(() => {
    Workspace.defaultStore = storeUrl;
  });
  afterAll(() => {
    Workspace.defaultStore = undefined;
  });

  it('imports chosen groups with nesting three deep and a cycle flattened, and only chosen groups', async () => {
    const o = await org();
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => o.user(u)));
    await o.user('erin'); // in no group: out of scope
    const level3 = await o.group('level3', [carol]);
    const level2 = await o.group('level2', [bob, level3], 'groupOfUniqueNames');
    const eng = await o.group('engineering', [alice, level2]);
    await slapd.addMembers(level3, [eng]); // cycle: level3 → engineering → level2 → level3
    const other = await o.group('other', [dave]);
    const ws = new Workspace().configure([directory(o, { groups: [eng, other] })]);

    const report = await ws.sync();
    expect(report.status).toBe('succeeded');
    expect(report.counts).toMatchObject({ created: 4, skipped: 0, groupsCreated: 2 });

    const store = await ws.export();
    expect(store.groups.map((g) => g.name).sort()).toEqual(['engineering', 'other']);
    expect(store.groups.find((g) => g.name === 'engineering')!.members.sort()).toEqual(['alice', 'bob', 'carol']);
    expect(store.groups.find((g) => g.name === 'other')!.members).toEqual(['dave']);
    expect(store.users.map((u) => u.username).sort()).toEqual(['alice', 'bob', 'carol', 'dave']);
    const a = store.users.find((u) => u.username === 'alice')!;
    expect(a).toMatchObject({
      fullName: 'alice Tester',
      firstName: 'Alice',
      lastName: 'Tester',
      email: 'alice@corp.example.test',
      status: 'active',
      directory: 'ldap',
      groups: ['engineering'],
    });
    expect(a.externalId).toMatch(/^[0-9a-f-]{36}$/);

    // A second run with nothing changed changes nothing.
    const again = await ws.sync();
    expect(again.counts).toMatchObject({ created: 0, updated: 0, unchanged: 4, membersAdded: 0, membersRemoved: 0 });
  });

  it('follows renames and moves by entryUUID, not by DN', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const eng = await o.group('engineering', [alice]);
    const ws = new Workspace().configure([directory(o, { syncItems: [{ container: o.people }], groups: [eng] })]);
    await ws.sync();
    const before = (await ws.user('alice'))!;

    const other = await slapd.addOu('elsewhere', o.base);
    await slapd.rename(alice, 'uid=alice2');
    await slapd.modify(`uid=alice2,${o.people}`, 'uid', 'alice2');
    // slapd's refint is not loaded here: keep the group's member value in step by hand, as refint would
    await slapd.removeMembers(eng, [alice]);
    await slapd.addMembers(eng, [`uid=alice2,${o.people}`]);
    let r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 0, updated: 1 });
    const renamed = (await ws.user('alice2'))!;
    expect(renamed.externalId).toBe(before.externalId);
    expect(await ws.user('alice')).toBeUndefined();

    await slapd.move(`uid=alice2,${o.people}`, other);
    await slapd.removeMembers(eng, [`uid=alice2,${o.people}`]);
    await slapd.addMembers(eng, [`uid=alice2,${other}`]);
    r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 0, updated: 1, trashed: 0 });
    const moved = (await ws.user('alice2'))!;
    expect(moved).toMatchObject({ externalId: before.externalId, dn: `uid=alice2,${other}`, status: 'active', groups: ['engineering'] });
    // The move took alice out of the container item; the group item still reaches her.
    expect(moved.syncItem).toBe(`group ${eng}`);
  });

  it('skips and reports an entry without a username, and goes on', async () => {
    const o = await org();
    const good = await o.user('good');
    const bad = await slapd.addEntry(`cn=nouid,${o.people}`, { objectClass: ['inetOrgPerson'], cn: 'nouid', sn: 'Nobody' });
    const g = await o.group('staff', [good, bad]);
    const ws = new Workspace().configure([directory(o, { groups: [g] })]);
    const r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 1, skipped: 1 });
    expect(r.changes).toContainEqual(expect.objectContaining({ outcome: 'skipped', name: bad, reason: expect.stringMatching(/no uid value/) }));
    const shown = await ws.json(['runs', 'show', String(r.runId)]);
    expect(shown.objects).toContainEqual(expect.objectContaining({ outcome: 'skipped', name: bad }));
  });

  it('applies sync items in priority order: the first item that reaches a user is recorded', async () => {
    const o = await org();
    const contractors = await slapd.addOu('contractors', o.people);
    const alice = await o.user('alice', { employeeType: 'staff' });
    const bob = await slapd.addUser({ ou: contractors, uid: 'bob', sn: 'B', employeeType: 'contractor' });
    await slapd.addUser({ ou: contractors, uid: 'carl', sn: 'C', employeeType: 'intern' });
    const eng = await o.group('engineering', [alice, bob]);
    const ws = new Workspace().configure([directory(o, { syncItems: [{ container: contractors, filter: '(employeeType=contractor)' }, { group: eng }] })]);
    await ws.sync();
    const s = await ws.export();
    expect(s.users.map((u) => u.username).sort()).toEqual(['alice', 'bob']);
    expect(s.users.find((u) => u.username === 'bob')!.syncItem).toBe(`container ${contractors} filtered by (employeeType=contractor)`);
    expect(s.users.find((u) => u.username === 'alice')!.syncItem).toBe(`group ${eng}`);
    const detail = await ws.json(['users', 'show', 'bob']);
    expect(detail.syncItem).toContain('container');
  });

  it('disables users matched by the disabled filter', async () => {
    const o = await org();
    const alice = await o.user('alice', { employeeType: 'active' });
    const bob = await o.user('bob', { employeeType: 'locked' });
    const g = await o.group('staff', [alice, bob]);
    const ws = new Workspace().configure([directory(o, { groups: [g], disabledFilter: '(employeeType=locked)' })]);
    await ws.sync();
    expect((await ws.user('bob'))!.status).toBe('disabled');
    expect((await ws.user('bob'))!.statusReason).toMatch(/disabledFilter/);
    expect((await ws.user('alice'))!.status).toBe('active');
    await slapd.modify(alice, 'employeeType', 'locked');
    const r = await ws.sync();
    expect(r.counts.disabled).toBe(1);
    expect((await ws.user('alice'))!.status).toBe('disabled');
  });

  it('takes the members of unchanged group entries from the last run, and re-reads groups that changed', async () => {
    const o = await org();
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((u) => o.user(u)));
    const staff = await o.group('staff', [alice]);
    const ops = await o.group('ops', [bob]);
    // This one reads the SQLite file itself (the snapshot's bytes), whichever store the block uses.
    const ws = new Workspace({ store: 'sqlite:./data/idsync.db' }).configure([directory(o, { groups: [staff, ops], syncItems: [{ container: o.people }] })]);
    await ws.sync();
    const db = new BetterSqlite3(path.join(ws.dir, 'data/idsync.db'));
    const row = () => db.prepare('select snapshot, saved_at from group_graph_cache').get() as { snapshot: string; saved_at: string };
    const members = async (g: string) => (await ws.export()).groups.find((x) => x.name === g)!.members.sort();
    try {
      const saved = JSON.parse(row().snapshot) as { keys: string[]; digests: string[]; offsets: string; members: string };
      expect(saved.digests).toHaveLength(2);
      expect(saved.keys.sort()).toEqual([alice, bob].map((d) => d.toLowerCase()).sort());

      // The snapshot is a memo by entry digest: give staff's entry carol instead of alice in it.
      // The next run believes it (staff's entry has not changed), which shows the memo is what
      // the run used; the run has nothing new to remember, so the snapshot is left as it is.
      const at = saved.keys.indexOf(alice.toLowerCase());
      saved.keys[at] = carol.toLowerCase();
      db.prepare('update group_graph_cache set snapshot = ?').run(JSON.stringify(saved));
      const before = row().saved_at;
      await ws.sync();
      expect(await members('staff')).toEqual(['carol']);
      expect(row().saved_at).toBe(before);

      // staff changes in the directory: its entry has a new digest, so its members are read again.
      await slapd.addMembers(staff, [bob]);
      const r = await ws.sync();
      expect(r.counts).toMatchObject({ membersAdded: 2, membersRemoved: 1 });
      expect(await members('staff')).toEqual(['alice', 'bob']);
      expect(await members('ops')).toEqual(['bob']);

      // A damaged snapshot is ignored: every group is read in full, and a good one replaces it.
      db.prepare('update group_graph_cache set snapshot = ?').run('{"keys": [');
      await slapd.removeMembers(ops, [bob]);
      await slapd.addMembers(ops, [carol]);
      await ws.sync();
      expect(await members('staff')).toEqual(['alice', 'bob']);
      expect(await members('ops')).toEqual(['carol']);
      expect(JSON.parse(row().snapshot).digests).toHaveLength(2);
    } finally {
      db.close();
    }
  });

  it('moves a user who leaves scope to the trash, restores them when they return, and purges after the grace period', async () => {
    const o = await org();
    const users = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((u) => o.user(u)));
    const g = await o.group('staff', users);
    const ws = new Workspace().configure([directory(o, { groups: [g], trashDays: 7 })]);
    const t0 = new Date('2026-12-01T09:00:00Z');
    await ws.sync([], { now: t0 });

    await slapd.removeMembers(g, [users[0]]);
    const r1 = await ws.sync([], { now: t0 });
    expect(r1.counts).toMatchObject({ trashed: 1, held: 0 });
    const trashed = (await ws.user('alice'))!;
    expect(trashed).toMatchObject({ status: 'trashed', groups: [] });
    // seven days after the run that trashed her (the injected clock keeps ticking from t0)
    expect(trashed.deleteAfter).toMatch(/^2026-12-08T09:00:0\d/);
    const why = await ws.json(['users', 'show', 'alice']);
    expect(why.statusReason).toMatch(/no longer in scope/);
    expect(why.history[0]).toMatchObject({ outcome: 'trashed' });

    // back before the deletion date: same identity, active again
    await slapd.addMembers(g, [users[0]]);
    const r2 = await ws.sync([], { now: new Date('2026-12-05T09:00:00Z') });
    expect(r2.counts).toMatchObject({ restored: 1 });
    const restored = (await ws.user('alice'))!;
    expect(restored).toMatchObject({ status: 'active', externalId: trashed.externalId, groups: ['staff'], deleteAfter: null });

    // gone again, and not back: deleted once the grace period has passed, not before
    await slapd.removeMembers(g, [users[0]]);
    await ws.sync([], { now: new Date('2026-12-06T09:00:00Z') });
    const early = await ws.sync([], { now: new Date('2026-12-13T08:59:00Z') });
    expect(early.counts.deleted).toBe(0);
    const late = await ws.sync([], { now: new Date('2026-12-13T09:00:01Z') });
    expect(late.counts.deleted).toBe(1);
    expect(await ws.user('alice')).toBeUndefined();
  });

  it('holds removals over the threshold, then applies them when approved', async () => {
    const o = await org();
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => o.user(`u${i}`)));
    const g = await o.group('staff', users);
    const ws = new Workspace().configure([directory(o, { groups: [g], safeguard: { maxRemovals: 2, maxRemovalPercent: null } })]);
    await ws.sync();
    await slapd.removeMembers(g, users.slice(0, 3));
    await slapd.modify(users[7], 'givenName', 'Renamed');
    const held = await ws.sync();
    expect(held.counts).toMatchObject({ held: 3, trashed: 0, updated: 1 });
    expect(held.heldForApproval).toMatchObject({ count: 3 });
    // everything else was applied
    expect((await ws.user('u7'))!.firstName).toBe('Renamed');
    expect((await ws.user('u0'))!.status).toBe('active');

    const approvals = await ws.json(['approvals']);
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({ runId: held.runId, count: 3, status: 'pending', threshold: 'more than 2 users' });
    expect(held.heldForApproval.threshold).toBe('more than 2 users');
    expect((await ws.cli(['approvals'])).stdout).toMatch(/3 removals — pending \(held [^)]*: more than 2 users\)/);
    expect(approvals[0].users.map((u: any) => u.username).sort()).toEqual(['u0', 'u1', 'u2']);

    const ok = await ws.cli(['approve', String(held.runId)]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/3 removals applied/);
    for (const u of ['u0', 'u1', 'u2']) expect((await ws.user(u))!.status).toBe('trashed');
    expect(await ws.json(['approvals'])).toEqual([]);
    const again = await ws.cli(['approve', String(held.runId)]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/approved, not pending/);
  });

  it('keeps everyone when held removals are rejected', async () => {
    const o = await org();
    const users = await Promise.all(Array.from({ length: 4 }, (_, i) => o.user(`r${i}`)));
    const g = await o.group('staff', users);
    const ws = new Workspace().configure([directory(o, { groups: [g], safeguard: { maxRemovals: 1, maxRemovalPercent: null } })]);
    await ws.sync();
    await slapd.removeMembers(g, users.slice(0, 2));
    const held = await ws.sync();
    expect(held.counts.held).toBe(2);
    const no = await ws.cli(['reject', String(held.runId)]);
    expect(no.code).toBe(0);
    for (const u of ['r0', 'r1']) expect((await ws.user(u))!.status).toBe('active');
    expect(await ws.json(['approvals'])).toEqual([]);
  });

  it('dry run prints the plan with before/after and writes nothing', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const bob = await o.user('bob');
    const g = await o.group('staff', [alice, bob]);
    const ws = new Workspace().configure([directory(o, { groups: [g] })]);
    await ws.sync();
    const carol = await o.user('carol');
    await slapd.addMembers(g, [carol]);
    await slapd.removeMembers(g, [bob]);
    await slapd.modify(alice, 'mail', 'alice.new@corp.example.test');
    const before = await ws.export();
    const runsBefore = await ws.json(['runs']);

    const text = await ws.cli(['sync', '--dry-run']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Create \(1\):\n {2}user carol/);
    expect(text.stdout).toMatch(/Update \(1\):\n {2}user alice\n {6}email: alice@corp.example.test → alice.new@corp.example.test/);
    expect(text.stdout).toMatch(/Move to trash \(1\):\n {2}user bob/);
    expect(text.stdout).toMatch(/nothing written/);
    const plan = await ws.sync(['--dry-run']);
    expect(plan.dryRun).toBe(true);
    expect(plan.runId).toBeUndefined();

    expect(await ws.export()).toEqual(before);
    expect(await ws.json(['runs'])).toEqual(runsBefore);
  });

  it('syncs a single user; one who left scope is only disabled, and the next full sync trashes them', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const bob = await o.user('bob');
    const g = await o.group('staff', [alice, bob]);
    const ws = new Workspace().configure([directory(o, { groups: [g] })]);
    await ws.sync();
    await slapd.modify(alice, 'sn', 'Changed');
    await slapd.modify(bob, 'sn', 'AlsoChanged');
    const one = await ws.sync(['--directory', 'ldap', '--user', 'alice']);
    expect(one.kind).toBe('user');
    expect(one.counts).toMatchObject({ updated: 1 });
    expect((await ws.user('alice'))!.lastName).toBe('Changed');
    expect((await ws.user('bob'))!.lastName).toBe('Tester');

    await slapd.removeMembers(g, [alice]);
    const left = await ws.sync(['--directory', 'ldap', '--user', 'alice']);
    expect(left.counts).toMatchObject({ disabled: 1, trashed: 0 });
    expect((await ws.user('alice'))!).toMatchObject({ status: 'disabled', groups: [] });
    const full = await ws.sync();
    expect(full.counts.trashed).toBe(1);
    expect((await ws.user('alice'))!.status).toBe('trashed');

    const newcomer = await o.user('newbie');
    await slapd.addMembers(g, [newcomer]);
    const created = await ws.sync(['--directory', 'ldap', '--user', 'newbie']);
    expect(created.counts.created).toBe(1);
    expect((await ws.user('newbie'))!.groups).toEqual(['staff']);
  });

  it('imports phones in E.164 with extensions split off, notes only when asked, and warns about bad numbers', async () => {
    const o = await org();
    const alice = await o.user('alice', { telephoneNumber: '+1 (212) 555-0100 x890', mobile: '+44 7700 900123', description: 'VIP' });
    const bob = await o.user('bob', { telephoneNumber: '(212) 555-0199' });
    const g = await o.group('staff', [alice, bob]);
    const ws = new Workspace().configure([directory(o, { groups: [g] })]);
    await ws.sync();
    expect((await ws.user('alice'))!).toMatchObject({ phones: [], notes: null });

    ws.update({ importPhones: true, importNotes: true });
    const r = await ws.sync();
    const a = (await ws.user('alice'))!;
    expect(a.phones).toEqual(['+12125550100', '+447700900123']);
    expect(a.phoneExtensions).toEqual(['890', null]);
    expect(a.notes).toBe('VIP');
    expect((await ws.user('bob'))!.phones).toEqual([]);
    expect(r.changes).toContainEqual(expect.objectContaining({ name: 'bob', warnings: [expect.stringMatching(/\(212\) 555-0199.*no \+ and country code/)] }));

    ws.update({ defaultCountry: 'US' });
    await ws.sync();
    expect((await ws.user('bob'))!.phones).toEqual(['+12125550199']);
  });

  it('refuses to change synced attributes outside a sync, naming the directory', async () => {
    const { ws } = await aliceInStaff();
    await ws.sync();
    const r = await ws.cli(['users', 'edit', 'alice', '--email', 'x@example.test']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/STORE_ATTRIBUTE_OWNED.*synced from directory "ldap", which owns email/);
    expect((await ws.user('alice'))!.email).toBe('alice@corp.example.test');
  });

  it('locks the username attribute after the first sync', async () => {
    const { ws } = await aliceInStaff();
    await ws.sync();
    ws.update({ attributes: { username: 'mail', aliases: ['cn'] } });
    const r = await ws.cli(['sync']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/USERNAME_ATTRIBUTE_LOCKED.*cannot change after the first sync \(it is uid, the configuration says mail\)/);
    // aliases may change
    ws.update({ attributes: { aliases: ['mail', 'cn'] } });
    await ws.sync();
    expect((await ws.user('alice'))!.aliases).toEqual(['alice@corp.example.test', 'Alice Tester']);
  });

  it('adopts an unowned store user of the same name; a second directory claiming a username is a conflict', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const bob = await o.user('bob');
    const g = await o.group('staff', [alice, bob]);
    const ws = new Workspace().configure([directory(o, { groups: [g] }), { ...directory(o, { groups: [g] }), name: 'ldap2' }]);
    expect((await ws.cli(['users', 'add', 'alice', '--email', 'old@example.test'])).code).toBe(0);
    const first = await ws.sync(['--directory', 'ldap']);
    expect(first.counts).toMatchObject({ created: 1, updated: 1 });
    expect(first.changes).toContainEqual(expect.objectContaining({ name: 'alice', outcome: 'updated', reason: expect.stringMatching(/adopted/) }));
    expect((await ws.user('alice'))!).toMatchObject({ directory: 'ldap', email: 'alice@corp.example.test' });

    const second = await ws.sync(['--directory', 'ldap2']);
    expect(second.counts).toMatchObject({ created: 0, conflict: 2 });
    expect(second.changes).toContainEqual(
      expect.objectContaining({ name: 'alice', outcome: 'conflict', reason: expect.stringMatching(/already owned by directory "ldap"/) }),
    );
    expect((await ws.user('alice'))!.directory).toBe('ldap');
  });

  it('fails before changing anything when a chosen group does not exist', async () => {
    const { o, ws } = await aliceInStaff();
    await ws.sync();
    const before = await ws.export();
    ws.update({ groups: [`cn=typo,${o.groups}`] });
    const r = await ws.cli(['sync']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/DIRECTORY_MISCONFIGURED.*chosen group not found.*cn=typo/);
    expect(await ws.export()).toEqual(before);
    const runs = await ws.json(['runs']);
    expect(runs[0]).toMatchObject({ status: 'failed', errorCode: 'DIRECTORY_MISCONFIGURED' });
  });

  it('uses the next server when the first is dead, and says so in the run report', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const g = await o.group('staff', [alice]);
    const ws = new Workspace().configure([directory(o, { groups: [g], servers: ['ldaps://127.0.0.1:1', slapd.ldapsUrl], timeouts: { connectMs: 2000 } })]);
    const r = await ws.sync();
    expect(r.server).toBe(slapd.ldapsUrl);
    expect(r.attempts[0]).toMatchObject({ url: 'ldaps://127.0.0.1:1', ok: false, error: { code: 'DIRECTORY_UNREACHABLE' } });
    expect(r.warnings.join('\n')).toMatch(/server ldaps:\/\/127\.0\.0\.1:1 skipped: .*cannot connect \(ECONNREFUSED\)/);
    expect(r.counts.created).toBe(1);
  });

  it('fails with a clear error and changes nothing on bad credentials or when no server answers', async () => {
    const { alice, g, ws } = await aliceInStaff();
    await ws.sync();
    await slapd.removeMembers(g, [alice]);
    const before = await ws.export();

    ws.update({ bind: { dn: slapd.bindDn, password: 'wrong-password' } });
    const bad = await ws.cli(['sync']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/DIRECTORY_BIND_FAILED.*invalid credentials/);
    expect(bad.stderr).not.toContain('wrong-password');

    ws.update({ bind: { dn: slapd.bindDn, password: slapd.password }, servers: ['ldaps://127.0.0.1:1', 'ldap://127.0.0.1:2'] });
    const dead = await ws.cli(['sync']);
    expect(dead.code).toBe(3);
    expect(dead.stderr).toMatch(/DIRECTORY_UNREACHABLE.*no server of directory "ldap" could be used/);
    expect(await ws.export()).toEqual(before);
  });

  it('connects with StartTLS, and over clear LDAP with a warning', async () => {
    const o = await org();
    const alice = await o.user('alice');
    const g = await o.group('staff', [alice]);
    // An account the directory lets bind only over an encrypted session (ssf >= 128): the sync
    // below would fail if the StartTLS upgrade were skipped (issue 10, StartTLS test gap).
    const svc = await slapd.addTlsOnlyAccount({ ou: o.base, uid: 'svc-tls', password: 'Svc-Passw0rd!' });
    const ws = new Workspace().configure([directory(o, { groups: [g], servers: [slapd.url], bind: { dn: svc, password: 'Svc-Passw0rd!' } })]);
    const tls = await ws.sync();
    expect(tls.counts.created).toBe(1);
    expect(tls.warnings).toEqual([]);
    // The same account in clear is refused by the directory: what StartTLS above really encrypted.
    ws.update({ transport: 'clear' });
    const refused = await ws.cli(['sync']);
    expect(refused.stderr).toMatch(/\[DIRECTORY_BIND_FAILED\].*invalid credentials/);
    expect(refused.code).toBe(3);
    // The admin account binds in clear: idsync allows it, with a warning.
    ws.update({ bind: { dn: slapd.bindDn, password: slapd.password } });
    const clear = await ws.cli(['sync']);
    expect(clear.code).toBe(0);
    expect(clear.stdout).toMatch(/warning: .*transport "clear" sends the bind password/);
  });

  it('lists groups for type-ahead and by DN, and tests every server', async () => {
    const o = await org();
    const alice = await o.user('alice');
    for (const name of ['Sales EMEA', 'Sales US', 'Support']) await o.group(name, [alice]);
    const ws = new Workspace().configure([
      directory(o, { groups: [`cn=Support,${o.groups}`], servers: [slapd.ldapsUrl, 'ldaps://127.0.0.1:1'], timeouts: { connectMs: 2000 } }),
    ]);
    const found = await ws.json(['directory', 'groups', '--search', 'sales']);
    expect(found.groups.map((g: any) => g.name)).toEqual(['Sales EMEA', 'Sales US']);
    const byDn = await ws.json(['directory', 'groups', '--search', `cn=Support,${o.groups}`]);
    expect(byDn.groups).toEqual([{ dn: `cn=Support,${o.groups}`, name: 'Support' }]);
    const limited = await ws.json(['directory', 'groups', '--limit', '1']);
    expect(limited).toMatchObject({ truncated: true });

    const t = await ws.cli(['directory', 'test']);
    expect(t.code).toBe(3);
    expect(t.stdout).toMatch(/ok {3}ldaps:\/\/127\.0\.0\.1:\d+ \[ldaps\].*base DN .* readable/);
    expect(t.stdout).toMatch(/FAIL ldaps:\/\/127\.0\.0\.1:1 \[ldaps\]/);
  });
});
