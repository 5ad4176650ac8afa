import { describe, expect, it } from 'vitest';
import { syncedUserRow } from '../../../test/support/user-rows.js';
import { openTestStore, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../db.js';
import { listRuns, showRun } from '../history.js';
import { loadSyncState } from '../sync-state.js';
import type { NewUserRow } from './rows.js';
import { emptyCounts } from './run-types.js';

/**
 * The sync write path (src/store/sync/writer.ts), one suite over every store backend: what a sync
 * reads to plan, and every write applying a plan makes, on SQLite (fast path) and PostgreSQL.
 */
const now = new Date('2026-11-01T10:00:00Z');
const ts = now.toISOString();

/** The users these tests write: each with a digest and the group that brought it. */
const userRow = (directoryId: number, n: string, over: Partial<NewUserRow> = {}) =>
  syncedUserRow(directoryId, n, now, { source_hash: `h-${n}`, sync_item: 'group cn=eng', ...over });

async function withDirectory(store: Store): Promise<number> {
  const dir = await store.db
    .insertInto('directories')
    .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: ts })
    .returning('id')
    .executeTakeFirstOrThrow();
  return dir.id;
}

describe.each(storeBackends('syncw'))('sync writer on %s', (_name, url) => {
  const open = async () => {
    const store = await openTestStore(url());
    return { store, dirId: await withDirectory(store) };
  };

  it('inserts a page of users with their ids in order, and reads them back as a sync plans', async () => {
    const { store, dirId } = await open();
    const names = Array.from({ length: 450 }, (_, i) => `u${String(i).padStart(3, '0')}`);
    const ids = await store.sync.transaction((w) => w.insertUsers(names.map((n) => userRow(dirId, n))));
    expect(ids).toHaveLength(450);
    expect(new Set(ids).size).toBe(450);
    const r = store.sync.reads;
    const byExt = await r.usersByExternalId(dirId, ['e-u000', 'e-u449', 'e-nobody']);
    expect([...byExt.keys()].sort()).toEqual(['e-u000', 'e-u449']);
    expect(byExt.get('e-u449')!.id).toBe(ids[449]);
    expect((await r.usersByUsernameKey(['u007'])).get('u007')!.id).toBe(ids[7]);
    expect((await r.userByUsername('U008'))?.id).toBe(ids[8]);
    const known = await r.knownUsers(dirId);
    expect(known).toHaveLength(450);
    expect(known.find((k) => k[0] === ids[3])).toEqual([ids[3], 'e-u003', 'h-u003']);
    expect(await r.countLiveUsers(dirId)).toBe(450);
    expect((await r.dnKeysByExternalId(dirId, ['e-u001'])).get('e-u001')).toBe('uid=u001,dc=x');
    expect(await r.directoryName(dirId)).toBe('corp');
    expect((await r.directoryByName('corp'))?.id).toBe(dirId);
  });

  it('updates users, disables, trashes with their memberships, and deletes past the trash date', async () => {
    const { store, dirId } = await open();
    const [a, b, c, d] = await store.sync.transaction((w) => w.insertUsers(['a', 'b', 'c', 'd'].map((n) => userRow(dirId, n))));
    const g = await store.sync.transaction(async (w) => {
      const g = await w.insertGroup({ directory_id: dirId, external_id: 'g-1', dn: 'cn=eng,dc=x', name: 'eng', created_at: ts, updated_at: ts });
      await w.addMembers(g, [a, b, c]);
      await w.updateUsers([{ id: a, set: { email: 'a@example.test', updated_at: ts } }]);
      await w.disableUser(b, 'disabled in the directory', now);
      expect(await w.trashUser(c, 'no longer in scope', now, '2026-11-02T10:00:00.000Z')).toBe(1);
      return g;
    });
    const r = store.sync.reads;
    expect((await r.userByUsername('a'))?.email).toBe('a@example.test');
    expect(await r.userByUsername('b')).toMatchObject({ status: 'disabled', status_reason: 'disabled in the directory', source_hash: null });
    expect(await r.userByUsername('c')).toMatchObject({ status: 'trashed', delete_after: '2026-11-02T10:00:00.000Z', source_hash: null });
    expect([...(await r.memberIds(g))]).toEqual([a, b].sort((x, y) => x - y));
    expect((await r.liveUsers(dirId)).map((u) => u.id).sort()).toEqual([a, b, d].sort());
    expect((await r.liveUsers(dirId, [a, c])).map((u) => u.id)).toEqual([a]);
    expect((await r.liveUsersByIdentity(dirId, ['e-a'], ['uid=d,dc=x'])).map((u) => u.id).sort()).toEqual([a, d].sort());
    expect(await r.liveUsersWithoutExternalId(dirId)).toEqual([]);
    expect(await r.trashDue(dirId, now)).toEqual([]);
    const due = await r.trashDue(dirId, new Date('2026-11-03T00:00:00Z'));
    expect(due.map((u) => u.username)).toEqual(['c']);
    await store.sync.transaction((w) => w.deleteUser(c));
    expect(await r.userByUsername('c')).toBeUndefined();
  });

  it('keeps groups and member lists: sorted reads, adds and removes, only some users, deleting a group with its members', async () => {
    const { store, dirId } = await open();
    const users = await store.sync.transaction((w) => w.insertUsers(Array.from({ length: 1200 }, (_, i) => userRow(dirId, `m${i}`))));
    const [g1, g2] = await store.sync.transaction(
      async (w) => {
        const g1 = await w.insertGroup({ directory_id: dirId, external_id: 'g-1', dn: 'cn=one,dc=x', name: 'one', created_at: ts, updated_at: ts });
        const g2 = await w.insertGroup({ directory_id: dirId, external_id: 'g-2', dn: 'cn=two,dc=x', name: 'two', created_at: ts, updated_at: ts });
        await w.addMembers(g1, [...users].reverse());
        await w.addMembers(g2, users.slice(0, 3));
        await w.removeMembers(g1, users.slice(0, 600));
        await w.updateGroup(g2, { dn: 'cn=deux,dc=x', name: 'deux', updated_at: ts });
        return [g1, g2];
      },
      { linksOnly: true },
    );
    const r = store.sync.reads;
    const m1 = [...(await r.memberIds(g1))];
    expect(m1).toEqual([...users.slice(600)].sort((x, y) => x - y));
    expect((await r.groups(dirId)).find((g) => g.id === g2)).toMatchObject({ dn: 'cn=deux,dc=x', name: 'deux' });
    const of = await r.membershipsOf([users[0], users[700]]);
    expect([...(of.get(g2) ?? [])]).toEqual([users[0]]);
    expect([...(of.get(g1) ?? [])]).toEqual([users[700]]);
    await store.sync.transaction((w) => w.deleteGroup(g1));
    expect((await r.groups(dirId)).map((g) => g.id)).toEqual([g2]);
    expect(await r.memberIds(g1)).toHaveLength(0);
  });

  it('inserts groups in a batch with their ids in order, and writes a run of membership changes of several groups', async () => {
    const { store, dirId } = await open();
    const users = await store.sync.transaction((w) => w.insertUsers(Array.from({ length: 20 }, (_, i) => userRow(dirId, `m${i}`))));
    const row = (n: string) => ({ directory_id: dirId, external_id: `g-${n}`, dn: `cn=${n},dc=x`, name: n, created_at: ts, updated_at: ts });
    const gs = await store.sync.transaction((w) => w.insertGroups(['a', 'b', 'c'].map(row)));
    const r = store.sync.reads;
    expect(new Map((await r.groups(dirId)).map((g) => [g.id, g.name]))).toEqual(
      new Map([
        [gs[0], 'a'],
        [gs[1], 'b'],
        [gs[2], 'c'],
      ]),
    );
    await store.sync.transaction(
      (w) =>
        w.writeMembers(
          [
            { groupId: gs[0], userIds: users.slice(0, 10) },
            { groupId: gs[1], userIds: users.slice(5) },
          ],
          [],
        ),
      {
        linksOnly: true,
      },
    );
    await store.sync.transaction(
      (w) =>
        w.writeMembers(
          [{ groupId: gs[2], userIds: users.slice(0, 2) }],
          [
            { groupId: gs[0], userIds: users.slice(0, 4) },
            { groupId: gs[1], userIds: users.slice(15) },
          ],
        ),
      { linksOnly: true },
    );
    const want = new Map([
      [gs[0], users.slice(4, 10)],
      [gs[1], users.slice(5, 15)],
      [gs[2], users.slice(0, 2)],
    ]);
    for (const [g, ids] of want) expect([...(await r.memberIds(g))]).toEqual([...ids].sort((x, y) => x - y));
    // Every list at once, where the backend reads them so: the same lists as memberIds.
    const lists = await r.memberLists(dirId);
    if (lists) for (const [g, ids] of want) expect([...(lists.get(g) ?? [])]).toEqual([...ids].sort((x, y) => x - y));
  });

  it('loads a first batch of many memberships in bulk and leaves every one behind', async () => {
    const { store, dirId } = await open();
    const users = await store.sync.transaction((w) => w.insertUsers(Array.from({ length: 11_000 }, (_, i) => userRow(dirId, `b${i}`))));
    const g = await store.sync.transaction(
      async (w) => {
        const load = await w.beginMembershipLoad(users.length);
        const g = await w.insertGroup({ directory_id: dirId, external_id: 'g-big', dn: 'cn=big,dc=x', name: 'big', created_at: ts, updated_at: ts });
        await w.addMembers(g, users);
        await load?.end();
        return g;
      },
      { linksOnly: true },
    );
    expect((await store.sync.reads.memberIds(g)).length).toBe(11_000);
    expect((await store.sync.reads.membershipsOf([users[10_999]])).get(g)?.has(users[10_999])).toBe(true);
  });

  it('rolls a failed transaction back', async () => {
    const { store, dirId } = await open();
    const failing = store.sync.transaction(async (w) => {
      await w.insertUsers([userRow(dirId, 'ghost')]);
      throw new Error('killed midway');
    });
    await expect(failing).rejects.toThrow('killed midway');
    expect(await store.sync.reads.userByUsername('ghost')).toBeUndefined();
  });

  it('holds removals for approval, releases one user, supersedes, and decides', async () => {
    const { store, dirId } = await open();
    const [a, b] = await store.sync.transaction((w) => w.insertUsers(['a', 'b'].map((n) => userRow(dirId, n))));
    const runId = await store.sync.transaction(async (w) => {
      const runId = await w.startRun(dirId, 'corp', 'full', now);
      await w.holdRemovals(
        runId,
        dirId,
        [
          { userId: a, action: 'trash', reason: 'gone' },
          { userId: b, action: 'disable', reason: 'disabled' },
        ],
        'more than 1 users',
        now,
      );
      await w.finishRun(runId, { status: 'succeeded', counts: { ...emptyCounts(), held: 2 }, startedAt: now, now, attempts: [], warnings: [] });
      return runId;
    });
    const r = store.sync.reads;
    expect((await r.pendingHolds([a, b])).get(a)).toMatchObject({ runId, action: 'trash', reason: 'gone' });
    expect(await r.approval(runId)).toMatchObject({ status: 'pending', count: 2, threshold: 'more than 1 users', directory_id: dirId });
    expect((await r.approvals({})).map((x) => [x.run_id, x.name, x.users.map((u) => u.username)])).toEqual([[runId, 'corp', ['a', 'b']]]);
    expect((await r.heldUsers(runId)).map((h) => [h.username, h.action, h.status]).sort()).toEqual([
      ['a', 'trash', 'active'],
      ['b', 'disable', 'active'],
    ]);
    expect((await r.runCounts(runId)).held).toBe(2);

    await store.sync.transaction((w) => w.releaseHold(runId, b, now));
    expect((await r.pendingHolds([a, b])).has(b)).toBe(false);
    expect((await r.approval(runId))?.count).toBe(1);

    await store.sync.transaction(async (w) => {
      await w.decideApproval(runId, 'approved', now);
      await w.setRunCounts(runId, { ...emptyCounts(), trashed: 1 });
    });
    expect((await r.approval(runId))?.status).toBe('approved');
    expect((await r.runCounts(runId)).trashed).toBe(1);
    expect(await r.approvals({})).toEqual([]);

    const second = await store.sync.transaction(async (w) => {
      const id = await w.startRun(dirId, 'corp', 'full', now);
      await w.holdRemovals(id, dirId, [{ userId: a, action: 'trash', reason: 'gone' }], 'more than 0 users', now);
      await w.supersedePending(dirId, now);
      return id;
    });
    expect((await r.approval(second))?.status).toBe('superseded');
  });

  it('starts, logs, finishes and discards runs, and saves the stream position in the same transaction', async () => {
    const { store, dirId } = await open();
    const runId = await store.sync.transaction(async (w) => {
      const runId = await w.startRun(dirId, 'corp', 'incremental', now);
      await w.recordObjects(runId, [
        { objectType: 'user', name: 'alice', externalId: 'e-1', outcome: 'updated', attributes: { email: { before: null, after: 'a@x' } } },
      ]);
      await w.finishRun(runId, {
        status: 'succeeded',
        counts: { ...emptyCounts(), updated: 1 },
        startedAt: now,
        now: new Date(now.getTime() + 20),
        attempts: [],
        warnings: [],
      });
      await w.saveSyncState(dirId, { mode: 'content-sync', cookie: 'c1' }, now);
      return runId;
    });
    expect((await listRuns(store)).find((x) => x.id === runId)).toMatchObject({
      kind: 'incremental',
      status: 'succeeded',
      durationMs: 20,
      counts: { updated: 1 },
    });
    expect((await showRun(store, runId)).objects).toEqual([expect.objectContaining({ name: 'alice', outcome: 'updated' })]);
    expect(await loadSyncState(store.db, dirId)).toMatchObject({ mode: 'content-sync', cookie: 'c1' });

    const dropped = await store.sync.transaction(async (w) => {
      const id = await w.startRun(dirId, 'corp', 'incremental', now);
      await w.recordObjects(id, [{ objectType: 'user', name: 'bob', outcome: 'unchanged' }]);
      await w.discardRun(id);
      return id;
    });
    expect((await listRuns(store)).some((x) => x.id === dropped)).toBe(false);
    expect(await store.sync.reads.recentRemovals(dirId, new Date(now.getTime() - 3_600_000))).toBe(0);
  });
});
