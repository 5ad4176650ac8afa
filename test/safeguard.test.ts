import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * The removal safeguard through the `idsync` command line against a real slapd (issue 10, items
 * 2, 4 and 6): what a held run keeps (the users and their memberships), how a held user shows,
 * what a single-user sync does to a held user, and which runs count as failed. Every test builds
 * its own OU and its own store, and keeps the safeguard on (the other suites mostly turn it off).
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

async function staffOf(n: number, prefix = 'u') {
  const base = await slapd.addOu(uniqueName('sg'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const users = await Promise.all(
    Array.from({ length: n }, (_, i) => slapd.addUser({ ou: people, uid: `${prefix}${i}`, sn: 'Guard', mail: `${prefix}${i}@corp.example.test` })),
  );
  const staff = await slapd.addGroup({ ou: groups, cn: 'staff', members: users });
  const directory = (extra: Record<string, unknown> = {}) => ({
    name: 'ldap',
    type: 'openldap',
    servers: [slapd.ldapsUrl],
    caFile: slapd.caFile,
    bind: { dn: slapd.bindDn, password: slapd.password },
    baseDn: base,
    groups: [staff],
    ...extra,
  });
  return { base, people, groups, users, staff, directory };
}

const membersOf = async (ws: Workspace, group: string) => (await ws.export()).groups.find((g) => g.name === group)?.members.sort() ?? [];

describe('removal safeguard (OpenLDAP, through the CLI)', () => {
  it('holds the memberships of held removals with them, and removes them when the run is approved', async () => {
    const o = await staffOf(8);
    const ws = new Workspace().configure([o.directory({ safeguard: { maxRemovals: 2, maxRemovalPercent: null } })]);
    await ws.sync();
    await slapd.removeMembers(o.staff, o.users.slice(0, 3));
    const held = await ws.sync();
    expect(held.counts).toMatchObject({ held: 3, trashed: 0, membersRemoved: 0 });
    // The held users are still active, so they are still members of what they were members of.
    expect(await membersOf(ws, 'staff')).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7']);
    expect((await ws.user('u0'))!).toMatchObject({ status: 'active', groups: ['staff'] });
    const text = await ws.cli(['runs']);
    expect(text.stdout).toMatch(/removals held/);

    const ok = await ws.cli(['approve', String(held.runId)]);
    expect(ok.code).toBe(0);
    expect(await membersOf(ws, 'staff')).toEqual(['u3', 'u4', 'u5', 'u6', 'u7']);
    expect((await ws.user('u0'))!).toMatchObject({ status: 'trashed', groups: [] });
    const run = await ws.json(['runs', 'show', String(held.runId)]);
    expect(run.run.counts).toMatchObject({ held: 0, trashed: 3, membersRemoved: 3 });
  });

  it("measures the percentage against the directory's users in the store, those being removed included", async () => {
    const o = await staffOf(8);
    const ws = new Workspace().configure([o.directory({ safeguard: { maxRemovals: null, maxRemovalPercent: 25 } })]);
    await ws.sync();
    // 2 of 8 is 25 %: not over the limit.
    await slapd.removeMembers(o.staff, o.users.slice(0, 2));
    expect((await ws.sync()).counts).toMatchObject({ trashed: 2, held: 0 });
    // 2 of the 6 left is 33 %: over it. The trashed users do not count any more.
    await slapd.removeMembers(o.staff, o.users.slice(2, 4));
    const held = await ws.sync();
    expect(held.counts).toMatchObject({ trashed: 0, held: 2 });
    expect(held.heldForApproval.threshold).toBe('more than 25% of 6 users');
  });

  it('holds everything when the user filter matches no entry while the store has users (a typo in filters.user)', async () => {
    const o = await staffOf(3);
    // Limits a removal of three users does not reach: only the empty match holds the run.
    const ws = new Workspace().configure([o.directory({ safeguard: { maxRemovals: 50, maxRemovalPercent: null } })]);
    await ws.sync();
    ws.update({ filters: { user: '(objectClass=inetOrgPersn)' } });
    const r = await ws.cli(['sync', '--json']);
    expect(r.code).toBe(0);
    const held = JSON.parse(r.stdout);
    expect(held.counts).toMatchObject({ held: 3, trashed: 0, disabled: 0, membersRemoved: 0 });
    expect(held.heldForApproval).toMatchObject({ runId: held.runId, count: 3 });
    expect(held.heldForApproval.threshold).toMatch(
      /the user filter \(objectClass=inetOrgPersn\) matched no entry under .* while the store holds 3 users of this directory/,
    );
    const store = await ws.export();
    expect(store.users.map((u) => [u.username, u.status, u.groups])).toEqual([
      ['u0', 'active', ['staff']],
      ['u1', 'active', ['staff']],
      ['u2', 'active', ['staff']],
    ]);
    // The text summary says what was held and that the memberships stay.
    ws.update({ filters: { user: '(objectClass=inetOrgPersn)' } });
    const again = await ws.cli(['sync']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/3 removals held for approval/);
    expect(again.stdout).toMatch(/memberships: 0 added, 0 removed/);

    // The typo is fixed: the next full sync re-plans, and the stale hold can no longer be approved
    // into removing users who are in scope.
    ws.update({ filters: { user: '(objectClass=inetOrgPerson)' } });
    const fixed = await ws.sync();
    expect(fixed.counts).toMatchObject({ held: 0, trashed: 0 });
    expect(await ws.json(['approvals'])).toEqual([]);
    expect((await ws.json(['users', 'show', 'u0'])).heldRemoval).toBeNull();
    expect((await ws.cli(['approve', String(held.runId)])).stderr).toMatch(/superseded, not pending/);
  });

  it("does not hold a run that matches no user when the store has none of the directory's users", async () => {
    const o = await staffOf(0);
    const ws = new Workspace().configure([o.directory({ filters: { user: '(objectClass=inetOrgPersn)' } })]);
    const r = await ws.sync();
    expect(r.counts).toMatchObject({ held: 0, created: 0 });
    expect(r.heldForApproval).toBeUndefined();
  });

  it('shows a held user as held in `users show`, and a single-user sync does not bypass the pending approval', async () => {
    const o = await staffOf(6);
    const ws = new Workspace().configure([o.directory({ safeguard: { maxRemovals: 2, maxRemovalPercent: null } })]);
    await ws.sync();
    await slapd.removeMembers(o.staff, o.users.slice(0, 3));
    const held = await ws.sync();
    expect(held.counts.held).toBe(3);

    const shown = await ws.json(['users', 'show', 'u0']);
    expect(shown).toMatchObject({
      status: 'active',
      groups: ['staff'],
      heldRemoval: { runId: held.runId, action: 'trash', reason: expect.stringMatching(/no longer in scope/) },
    });
    expect(shown.heldRemoval.since).toEqual(expect.any(String));
    const text = await ws.cli(['users', 'show', 'u0']);
    expect(text.stdout).toMatch(new RegExp(`u0 — active, removal held for approval \\(run ${held.runId}\\)`));
    expect(text.stdout).toMatch(
      new RegExp(`move to the trash held for approval by run ${held.runId} since .*: no longer in scope.*approve or reject run ${held.runId}`),
    );
    expect(text.stdout).toMatch(/groups: staff/);
    expect((await ws.json(['users', 'show', 'u3'])).heldRemoval).toBeNull();

    // u0 is still out of scope: the single-user sync leaves them as the held run left them.
    const one = await ws.sync(['--directory', 'ldap', '--user', 'u0']);
    expect(one.counts).toMatchObject({ disabled: 0, trashed: 0 });
    expect(one.changes).toEqual([
      expect.objectContaining({ name: 'u0', outcome: 'held', reason: expect.stringMatching(new RegExp(`held for approval by run ${held.runId}`)) }),
    ]);
    expect((await ws.user('u0'))!).toMatchObject({ status: 'active', groups: ['staff'] });
    expect((await ws.json(['approvals']))[0]).toMatchObject({ runId: held.runId, status: 'pending', count: 3 });

    // u1 is back in scope: the single-user sync takes u1 out of the held removals.
    await slapd.addMembers(o.staff, [o.users[1]]);
    const back = await ws.sync(['--directory', 'ldap', '--user', 'u1']);
    expect(back.changes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'u1', reason: expect.stringMatching(new RegExp(`back in scope: no longer held for removal by run ${held.runId}`)) }),
      ]),
    );
    expect((await ws.json(['users', 'show', 'u1'])).heldRemoval).toBeNull();
    const pending = (await ws.json(['approvals']))[0];
    expect(pending).toMatchObject({ runId: held.runId, count: 2 });
    expect(pending.users.map((u: { username: string }) => u.username)).toEqual(['u0', 'u2']);

    expect((await ws.cli(['approve', String(held.runId)])).code).toBe(0);
    const after = await ws.export();
    expect(after.users.filter((u) => u.status === 'active').map((u) => u.username)).toEqual(['u1', 'u3', 'u4', 'u5']);
    expect((await ws.json(['users', 'show', 'u0'])).heldRemoval).toBeNull();
  });

  it("holds a single-user sync's disable of a user whose removal is held", async () => {
    const o = await staffOf(4);
    const ws = new Workspace().configure([o.directory({ safeguard: { maxRemovals: 1, maxRemovalPercent: null } })]);
    await ws.sync();
    await slapd.removeMembers(o.staff, o.users.slice(0, 2));
    const held = await ws.sync();
    expect(held.counts.held).toBe(2);
    // u0 is deleted from the directory: still the held run's business.
    await slapd.deleteEntry(o.users[0]);
    const one = await ws.sync(['--directory', 'ldap', '--user', 'u0']);
    expect(one.counts).toMatchObject({ disabled: 0 });
    expect((await ws.user('u0'))!.status).toBe('active');
  });

  it('answers "no such user" to a single-user sync of an unknown username without recording a failed run', async () => {
    const o = await staffOf(1);
    const ws = new Workspace().configure([o.directory()]);
    const full = await ws.sync();
    const r = await ws.cli(['sync', '--directory', 'ldap', '--user', 'u0-typo']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/STORE_NOT_FOUND.*no user "u0-typo" in directory "ldap"/);
    const json = await ws.cli(['sync', '--directory', 'ldap', '--user', 'u0-typo', '--json']);
    expect(json.code).toBe(4);
    expect(json.stderr).toMatch(/STORE_NOT_FOUND/);
    const runs = await ws.json(['runs']);
    expect(runs.map((x: { status: string }) => x.status)).not.toContain('failed');
    expect(runs[0]).toMatchObject({ id: full.runId, status: 'succeeded' });
  });

  it('records a full sync with no server answering as failed, with its error', async () => {
    const o = await staffOf(1);
    const ws = new Workspace().configure([o.directory()]);
    await ws.sync();
    ws.update({ servers: ['ldap://127.0.0.1:2'], transport: 'clear', timeouts: { connectMs: 2000 } });
    const r = await ws.cli(['sync', '--json']);
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ status: 'failed', error: { code: 'DIRECTORY_UNREACHABLE' } });
    const runs = await ws.json(['runs']);
    expect(runs[0]).toMatchObject({ id: report.runId, status: 'failed', errorCode: 'DIRECTORY_UNREACHABLE', error: expect.stringMatching(/cannot connect/) });
  });
});
