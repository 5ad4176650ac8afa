import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import type { Store } from './db.js';
import { listRuns, showRun, userDetail } from './history.js';

/**
 * The store's read interfaces (RunHistory, UserQueries, GroupQueries, Trash), each run over every
 * backend. The rows are seeded by hand, as the sync would leave them.
 */
const backends = storeBackends('queries');

const t0 = new Date('2026-11-01T10:00:00Z');
const iso = (minutes: number) => new Date(t0.getTime() + minutes * 60_000).toISOString();

async function directory(store: Store, name: string): Promise<number> {
  const r = await store.db
    .insertInto('directories')
    .values({ name, type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: iso(0) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function user(
  store: Store,
  username: string,
  extra: {
    directoryId?: number | null;
    status?: 'active' | 'disabled' | 'trashed';
    email?: string;
    fullName?: string;
    deleteAfter?: string;
    externalId?: string;
  } = {},
): Promise<number> {
  const r = await store.db
    .insertInto('users')
    .values({
      username,
      username_key: username.toLowerCase(),
      directory_id: extra.directoryId ?? null,
      external_id: extra.externalId ?? (extra.directoryId ? `ext-${username}` : null),
      dn: extra.directoryId ? `uid=${username},ou=people,dc=example` : null,
      dn_key: extra.directoryId ? `uid=${username.toLowerCase()},ou=people,dc=example` : null,
      source_hash: null,
      aliases: '[]',
      full_name: extra.fullName ?? null,
      first_name: null,
      last_name: null,
      email: extra.email ?? null,
      phones: '[]',
      notes: null,
      status: extra.status ?? 'active',
      status_reason: extra.status === 'trashed' ? 'no longer in scope' : null,
      sync_item: extra.directoryId ? 'group:staff' : null,
      trashed_at: extra.status === 'trashed' ? iso(1) : null,
      delete_after: extra.deleteAfter ?? null,
      created_at: iso(0),
      updated_at: iso(0),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

async function group(store: Store, directoryId: number, name: string, members: number[]): Promise<number> {
  const g = await store.db
    .insertInto('groups')
    .values({ directory_id: directoryId, external_id: `g-${name}`, dn: `cn=${name},dc=example`, name, created_at: iso(0), updated_at: iso(2) })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (members.length)
    await store.db
      .insertInto('group_members')
      .values(members.map((user_id) => ({ group_id: g.id, user_id })))
      .execute();
  return g.id;
}

async function run(
  store: Store,
  directoryId: number | null,
  directoryName: string,
  kind: 'full' | 'user' | 'incremental',
  status: 'running' | 'succeeded' | 'failed' | 'interrupted',
  minute: number,
): Promise<number> {
  const r = await store.db
    .insertInto('runs')
    .values({
      directory_id: directoryId,
      directory_name: directoryName,
      kind,
      dry_run: 0,
      status,
      started_at: iso(minute),
      finished_at: status === 'running' ? null : iso(minute + 1),
      duration_ms: status === 'running' ? null : 60_000,
      counts: JSON.stringify({ created: minute }),
      error_code: status === 'failed' ? 'DIRECTORY_UNREACHABLE' : null,
      error: status === 'failed' ? 'no server answered' : null,
      server: 'ldap://a',
      attempts: JSON.stringify([{ url: 'ldap://a', ok: status !== 'failed', ms: 3 }]),
      warnings: JSON.stringify(status === 'succeeded' ? [] : ['w']),
      pid: null,
      host: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

describe.each(backends)('read interfaces on %s', (_name, url) => {
  const open = async () => openTestStore(url());

  it('RunHistory: newest first, filtered by directory, status and kind, paged, with the approval of held removals', async () => {
    const store = await open();
    const corp = await directory(store, 'corp');
    const lab = await directory(store, 'lab');
    const r1 = await run(store, corp, 'corp', 'full', 'succeeded', 0);
    const r2 = await run(store, lab, 'lab', 'full', 'failed', 10);
    const r3 = await run(store, corp, 'corp', 'incremental', 'succeeded', 20);
    const r4 = await run(store, corp, 'corp', 'full', 'succeeded', 30);
    const r5 = await run(store, corp, 'corp', 'full', 'running', 40);
    const r6 = await run(store, null, 'gone', 'user', 'interrupted', 50);
    await store.db
      .insertInto('approvals')
      .values({ run_id: r4, directory_id: corp, status: 'pending', count: 3, created_at: iso(31), decided_at: null, threshold: 'more than 2 users' })
      .execute();

    const page = await store.runHistory.list({ limit: 4, offset: 0 });
    expect(page.total).toBe(6);
    expect(page.items.map((r) => r.id)).toEqual([r6, r5, r4, r3]);
    expect((await store.runHistory.list({ limit: 4, offset: 4 })).items.map((r) => r.id)).toEqual([r2, r1]);
    expect((await store.runHistory.list({ directory: 'corp', kind: 'full', limit: 10 })).items.map((r) => r.id)).toEqual([r5, r4, r1]);
    expect(await store.runHistory.list({ status: 'failed', limit: 10 })).toMatchObject({
      total: 1,
      items: [{ id: r2, directory: 'lab', error: 'no server answered', errorCode: 'DIRECTORY_UNREACHABLE', warnings: ['w'] }],
    });
    expect((await store.runHistory.list({ kind: 'user', limit: 10 })).items.map((r) => r.directory)).toEqual(['gone']);

    const held = (await store.runHistory.get(r4))!;
    expect(held).toMatchObject({
      id: r4,
      kind: 'full',
      status: 'succeeded',
      approval: 'pending',
      counts: { created: 30 },
      attempts: [{ url: 'ldap://a', ok: true, ms: 3 }],
      durationMs: 60_000,
      finishedAt: iso(31),
    });
    expect((await store.runHistory.get(r1))!.approval).toBeUndefined();
    expect(await store.runHistory.get(9999)).toBeUndefined();

    expect(await store.runHistory.directoryOf(r6)).toBe('gone');
    expect(await store.runHistory.directoryOf(9999)).toBeUndefined();
    expect(await store.runHistory.latestRunning('corp', 'full')).toBe(r5);
    expect(await store.runHistory.latestRunning('corp', 'incremental')).toBeUndefined();
    expect(await store.runHistory.latestRunning('lab', 'full')).toBeUndefined();

    expect((await listRuns(store, 2)).map((r) => r.id)).toEqual([r6, r5]);
  });

  it("RunHistory: a run's objects in the order recorded, by outcome, paged, with their detail", async () => {
    const store = await open();
    const corp = await directory(store, 'corp');
    const id = await run(store, corp, 'corp', 'full', 'succeeded', 0);
    const outcomes = ['created', 'updated', 'created', 'conflict', 'created'];
    await store.db
      .insertInto('run_objects')
      .values(
        outcomes.map((outcome, i) => ({
          run_id: id,
          object_type: 'user' as const,
          name: `u${i}`,
          external_id: `e${i}`,
          user_id: null,
          outcome,
          detail:
            outcome === 'updated'
              ? JSON.stringify({ attributes: { email: { before: 'a', after: 'b' } } })
              : outcome === 'conflict'
                ? JSON.stringify({ reason: 'taken' })
                : null,
        })),
      )
      .execute();

    const all = await store.runHistory.objects(id);
    expect(all.total).toBe(5);
    expect(all.items.map((o) => o.name)).toEqual(['u0', 'u1', 'u2', 'u3', 'u4']);
    expect(all.items[1]).toEqual({ objectType: 'user', name: 'u1', externalId: 'e1', outcome: 'updated', attributes: { email: { before: 'a', after: 'b' } } });
    expect(all.items[3].reason).toBe('taken');
    const created = await store.runHistory.objects(id, { outcome: 'created', limit: 2, offset: 1 });
    expect(created).toMatchObject({ total: 3, items: [{ name: 'u2' }, { name: 'u4' }] });
    expect((await store.runHistory.objects(id, { outcome: 'deleted', limit: 10, offset: 0 })).total).toBe(0);

    const shown = await showRun(store, id, 'conflict');
    expect(shown.run.id).toBe(id);
    expect(shown.objects.map((o) => o.name)).toEqual(['u3']);
    await expect(showRun(store, 9999)).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });

  it('UserQueries: by username, searched in username, email and full name with % and _ taken literally, with holds', async () => {
    const store = await open();
    const corp = await directory(store, 'corp');
    const alice = await user(store, 'Alice', { directoryId: corp, email: 'alice@example.test', fullName: 'Alice Liddell' });
    await user(store, 'bob', { email: 'BOB@Example.test' });
    await user(store, 'carol_x', { directoryId: corp, status: 'disabled', fullName: 'Carol 100%' });
    await user(store, 'carolx', { directoryId: corp });
    await user(store, 'dave', { directoryId: corp, status: 'trashed' });
    const r = await run(store, corp, 'corp', 'full', 'succeeded', 5);
    await store.db
      .insertInto('approvals')
      .values({ run_id: r, directory_id: corp, status: 'pending', count: 1, created_at: iso(6), decided_at: null, threshold: null })
      .execute();
    await store.db.insertInto('held_removals').values({ run_id: r, user_id: alice, action: 'trash', reason: 'left the group' }).execute();

    const all = await store.userQueries.list({ limit: 2, offset: 0 });
    expect(all.total).toBe(5);
    expect(all.items.map((u) => u.username)).toEqual(['Alice', 'bob']);
    expect(all.items[0]).toMatchObject({
      directory: 'corp',
      fullName: 'Alice Liddell',
      syncItem: 'group:staff',
      heldRemoval: { runId: r, since: iso(6), action: 'trash', reason: 'left the group' },
    });
    expect(all.items[1]).toMatchObject({ directory: null, heldRemoval: null });

    const names = async (q: Partial<Parameters<Store['userQueries']['list']>[0]>) =>
      (await store.userQueries.list({ limit: 50, offset: 0, ...q })).items.map((u) => u.username);
    expect(await names({ search: 'example.TEST' })).toEqual(['Alice', 'bob']);
    expect(await names({ search: 'liddell' })).toEqual(['Alice']);
    expect(await names({ search: 'carol_' })).toEqual(['carol_x']);
    expect(await names({ search: '100%' })).toEqual(['carol_x']);
    expect(await names({ search: '%' })).toEqual(['carol_x']);
    expect(await names({ status: 'trashed' })).toEqual(['dave']);
    expect(await names({ directory: 'corp', status: 'active' })).toEqual(['Alice', 'carolx']);
    expect(await names({ directory: 'nowhere' })).toEqual([]);
  });

  it('UserQueries: the detail of a user, with their groups and the runs that changed them by id or external id', async () => {
    const store = await open();
    const corp = await directory(store, 'corp');
    const alice = await user(store, 'Alice', { directoryId: corp, email: 'a@x.test', externalId: 'e-a' });
    await group(store, corp, 'Staff', [alice]);
    await group(store, corp, 'Admins', [alice]);
    const runs: number[] = [];
    for (let i = 0; i < 4; i++) runs.push(await run(store, corp, 'corp', 'full', 'succeeded', i * 10));
    const obj = (runId: number, values: { user_id: number | null; external_id: string | null; outcome: string; detail?: unknown }) =>
      store.db
        .insertInto('run_objects')
        .values({
          run_id: runId,
          object_type: 'user',
          name: 'Alice',
          detail: values.detail ? JSON.stringify(values.detail) : null,
          user_id: values.user_id,
          external_id: values.external_id,
          outcome: values.outcome,
        })
        .execute();
    await obj(runs[0], { user_id: null, external_id: 'e-a', outcome: 'created' });
    await obj(runs[1], { user_id: alice, external_id: null, outcome: 'updated', detail: { attributes: { email: { before: 'o@x.test', after: 'a@x.test' } } } });
    await obj(runs[2], { user_id: null, external_id: 'other', outcome: 'created' });
    await obj(runs[3], { user_id: alice, external_id: 'e-a', outcome: 'held', detail: { reason: 'gone' } });

    const d = await store.userQueries.detail('ALICE');
    expect(d).toMatchObject({
      username: 'Alice',
      directory: 'corp',
      externalId: 'e-a',
      groups: ['Admins', 'Staff'],
      heldRemoval: null,
      attributes: { email: 'a@x.test', aliases: [], phones: [] },
    });
    expect(d.history.map((h) => [h.runId, h.outcome])).toEqual([
      [runs[3], 'held'],
      [runs[1], 'updated'],
      [runs[0], 'created'],
    ]);
    expect(d.history[0].reason).toBe('gone');
    expect(d.history[1].attributes).toEqual({ email: { before: 'o@x.test', after: 'a@x.test' } });
    expect((await userDetail(store, 'alice', 1)).history).toHaveLength(1);
    await expect(store.userQueries.detail('nobody')).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
  });

  it('GroupQueries: by name, searched, filtered by directory and paged, with member counts; members paged by username', async () => {
    const store = await open();
    const corp = await directory(store, 'corp');
    const lab = await directory(store, 'lab');
    const ids: number[] = [];
    for (const name of ['zed', 'Bea', 'amy', 'Cy']) ids.push(await user(store, name, { directoryId: corp, status: name === 'Cy' ? 'disabled' : 'active' }));
    const staff = await group(store, corp, 'Staff', ids);
    await group(store, corp, 'Staff_2', [ids[0]]);
    await group(store, lab, 'Lab staff', []);
    await group(store, lab, 'Admins', [ids[1]]);

    const all = await store.groupQueries.list({ limit: 2, offset: 0 });
    expect(all.total).toBe(4);
    expect(all.items.map((g) => [g.name, g.memberCount])).toEqual([
      ['Admins', 1],
      ['Lab staff', 0],
    ]);
    expect((await store.groupQueries.list({ limit: 2, offset: 2 })).items.map((g) => [g.name, g.memberCount])).toEqual([
      ['Staff', 4],
      ['Staff_2', 1],
    ]);
    expect((await store.groupQueries.list({ search: 'STAFF', limit: 10, offset: 0 })).items.map((g) => g.name)).toEqual(['Lab staff', 'Staff', 'Staff_2']);
    expect((await store.groupQueries.list({ search: 'f_', limit: 10, offset: 0 })).items.map((g) => g.name)).toEqual(['Staff_2']);
    expect((await store.groupQueries.list({ directory: 'lab', limit: 10, offset: 0 })).items.map((g) => g.directory)).toEqual(['lab', 'lab']);

    expect(await store.groupQueries.get(staff)).toEqual({
      id: staff,
      name: 'Staff',
      directory: 'corp',
      dn: 'cn=Staff,dc=example',
      externalId: 'g-Staff',
      updatedAt: iso(2),
    });
    expect(await store.groupQueries.get(9999)).toBeUndefined();
    const members = await store.groupQueries.members(staff, { limit: 3, offset: 0 });
    expect(members).toEqual({
      total: 4,
      items: [
        { username: 'amy', status: 'active' },
        { username: 'Bea', status: 'active' },
        { username: 'Cy', status: 'disabled' },
      ],
    });
    expect((await store.groupQueries.members(staff, { limit: 3, offset: 3 })).items).toEqual([{ username: 'zed', status: 'active' }]);
    expect((await store.groupQueries.memberDns(staff)).map((m) => m.dnKey)).toEqual([
      'uid=amy,ou=people,dc=example',
      'uid=bea,ou=people,dc=example',
      'uid=cy,ou=people,dc=example',
      'uid=zed,ou=people,dc=example',
    ]);
  });

  it('Trash: soonest deletion first, by directory; a restored user becomes local, a purged one leaves their groups', async () => {
    const store = await open();
    const corp = await directory(store, 'corp');
    const lab = await directory(store, 'lab');
    await user(store, 'late', { directoryId: corp, status: 'trashed', deleteAfter: iso(500) });
    const soon = await user(store, 'soon', { directoryId: lab, status: 'trashed', deleteAfter: iso(100) });
    const mid = await user(store, 'mid', { directoryId: corp, status: 'trashed', deleteAfter: iso(200) });
    await user(store, 'here', { directoryId: corp });
    await group(store, lab, 'Lab', [soon]);

    const page = await store.trash.list({ limit: 2, offset: 0 });
    expect(page.total).toBe(3);
    expect(page.items.map((u) => u.username)).toEqual(['soon', 'mid']);
    expect(page.items[0]).toMatchObject({ directory: 'lab', statusReason: 'no longer in scope', trashedAt: iso(1), deleteAfter: iso(100) });
    expect((await store.trash.list({ directory: 'corp', limit: 10, offset: 0 })).items.map((u) => u.username)).toEqual(['mid', 'late']);
    expect(await store.trash.find('HERE')).toMatchObject({ username: 'here', status: 'active', directory: 'corp' });
    expect(await store.trash.find('nobody')).toBeUndefined();

    await store.trash.restoreAsLocal(mid, new Date(iso(300)));
    const restored = (await store.db.selectFrom('users').selectAll().where('id', '=', mid).executeTakeFirst())!;
    expect(restored).toMatchObject({
      status: 'active',
      status_reason: null,
      trashed_at: null,
      delete_after: null,
      directory_id: null,
      external_id: null,
      dn: null,
      dn_key: null,
      sync_item: null,
      updated_at: iso(300),
    });
    expect(await store.trash.find('mid')).toMatchObject({ status: 'active', directory: null });

    await store.trash.purge(soon);
    expect(await store.trash.find('soon')).toBeUndefined();
    expect(await store.db.selectFrom('group_members').selectAll().execute()).toEqual([]);
    expect((await store.trash.list({ limit: 10, offset: 0 })).items.map((u) => u.username)).toEqual(['late']);
  });
});
