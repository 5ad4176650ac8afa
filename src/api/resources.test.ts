import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.js';
import { finishRun, recordObjects, startRun } from '../store/runs.js';
import { holdRemovals } from '../sync/removals.js';
import { emptyCounts } from '../sync/report.js';
import { ApiHarness } from './test-support.js';

/**
 * Runs, users, groups, the trash, approvals, admins and tokens over a store seeded directly, on
 * SQLite and on PostgreSQL (the store suite's way: a schema of its own), so every query of the
 * API runs on both. Every test gets a store of its own, seeded the same way, so each runs alone
 * (`-t`) and in any order.
 */
const pgBase = process.env.IDSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const backends: [string, (() => string) | undefined][] = [
  ['sqlite', undefined],
  // A schema per test: each test seeds its own store (issue 10: the tests depended on each other's writes).
  ['postgres', () => `${pgBase}?schema=t_api_${process.pid}_${Math.floor(Math.random() * 1e9)}`],
];

const T = '2026-11-01T10:00:00.000Z';
const now = new Date(T);

/** corp: a configured directory (a file one; its server is never contacted here). gone: a directory no longer configured. */
async function seed(store: Store) {
  const db = store.db;
  const dir = async (name: string) =>
    (
      await db
        .insertInto('directories')
        .values({ name, type: 'openldap', username_attribute: 'uid', first_synced_at: T, created_at: T })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const corp = await dir('corp');
  const gone = await dir('gone');
  const user = async (username: string, directoryId: number | null, status: 'active' | 'disabled' | 'trashed', extra: Record<string, unknown> = {}) =>
    (
      await db
        .insertInto('users')
        .values({
          username,
          username_key: username.toLowerCase(),
          directory_id: directoryId,
          external_id: directoryId ? `ext-${username}` : null,
          dn: directoryId ? `uid=${username},ou=people,dc=corp` : null,
          dn_key: directoryId ? `uid=${username},ou=people,dc=corp` : null,
          aliases: '[]',
          full_name: `${username[0].toUpperCase()}${username.slice(1)} Example`,
          first_name: null,
          last_name: null,
          email: `${username}@corp.example.test`,
          phones: '[]',
          notes: null,
          status,
          status_reason: status === 'trashed' ? 'no longer in scope' : status === 'disabled' ? 'disabled in the directory' : null,
          sync_item: directoryId ? 'group cn=eng,dc=corp' : null,
          trashed_at: status === 'trashed' ? T : null,
          delete_after: status === 'trashed' ? '2026-11-08T10:00:00.000Z' : null,
          created_at: T,
          updated_at: T,
          ...extra,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  const ids = {
    alice: await user('alice', corp, 'active'),
    bob: await user('bob', corp, 'disabled'),
    carol: await user('carol', corp, 'trashed'),
    olga: await user('olga', gone, 'trashed', { delete_after: '2026-11-05T10:00:00.000Z' }),
    lucy: await user('lucy', null, 'active', { email: 'lucy_100%@corp.example.test' }),
  };
  const group = await db
    .insertInto('groups')
    .values({ directory_id: corp, external_id: 'g-eng', dn: 'cn=eng,dc=corp', name: 'Engineering', created_at: T, updated_at: T })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('groups')
    .values({ directory_id: corp, external_id: 'g-ops', dn: 'cn=ops,dc=corp', name: 'Operations', created_at: T, updated_at: T })
    .execute();
  await db
    .insertInto('group_members')
    .values([
      { group_id: group.id, user_id: ids.alice },
      { group_id: group.id, user_id: ids.bob },
    ])
    .execute();

  const run1 = await startRun(store, corp, 'corp', 'full', now);
  await recordObjects(db, run1, [
    { objectType: 'user', name: 'alice', externalId: 'ext-alice', userId: ids.alice, outcome: 'created', item: 'group cn=eng,dc=corp' },
    {
      objectType: 'user',
      name: 'bob',
      externalId: 'ext-bob',
      userId: ids.bob,
      outcome: 'updated',
      attributes: { email: { before: 'old@x', after: 'bob@corp.example.test' } },
    },
    { objectType: 'user', name: 'carol', externalId: 'ext-carol', userId: ids.carol, outcome: 'trashed', reason: 'no longer in scope' },
  ]);
  await finishRun(db, run1, {
    status: 'succeeded',
    counts: { ...emptyCounts(), created: 1, updated: 1, trashed: 1 },
    startedAt: now,
    now,
    attempts: [],
    warnings: [],
  });
  const run2 = await startRun(store, corp, 'corp', 'full', now);
  await finishRun(db, run2, {
    status: 'failed',
    counts: emptyCounts(),
    startedAt: now,
    now,
    attempts: [],
    warnings: [],
    error: { code: 'DIRECTORY_BIND_FAILED', message: 'invalid credentials' },
  });
  const run3 = await startRun(store, corp, 'corp', 'full', now);
  await holdRemovals(
    db,
    run3,
    corp,
    [{ userId: ids.alice, username: 'alice', externalId: 'ext-alice', action: 'trash', reason: 'no longer in scope' }],
    now,
    'more than 0 users',
  );
  await finishRun(db, run3, { status: 'succeeded', counts: { ...emptyCounts(), held: 1 }, startedAt: now, now, attempts: [], warnings: [] });
  const run4 = await startRun(store, corp, 'corp', 'full', now);
  await holdRemovals(
    db,
    run4,
    corp,
    [{ userId: ids.bob, username: 'bob', externalId: 'ext-bob', action: 'trash', reason: 'no longer in scope' }],
    now,
    'more than 0 users',
  );
  await finishRun(db, run4, { status: 'succeeded', counts: { ...emptyCounts(), held: 1 }, startedAt: now, now, attempts: [], warnings: [] });
  return { runs: [run1, run2, run3, run4], group: group.id };
}

describe.each(backends)('admin API resources on %s', (_name, storeUrl) => {
  let h: ApiHarness;
  let seeded: Awaited<ReturnType<typeof seed>>;
  beforeEach(async () => {
    h = await ApiHarness.create({
      store: storeUrl?.(),
      now: () => now,
      directories: [
        { name: 'corp', type: 'openldap', servers: ['ldap://127.0.0.1:9'], transport: 'clear', baseDn: 'dc=corp', groups: ['cn=eng,dc=corp'], trashDays: 7 },
      ],
    });
    seeded = await seed(h.store);
  });
  afterEach(async () => {
    await h?.close();
  });

  it('lists runs newest first, filters and pages them, and shows one with its objects filtered by outcome', async () => {
    const all = await h.call('GET', '/api/v1/runs', { as: 'read_only' });
    expect(all.body.total).toBe(4);
    expect(all.body.items.map((r: { id: number }) => r.id)).toEqual([...seeded.runs].reverse());
    expect(all.body.items[1]).toMatchObject({ directory: 'corp', kind: 'full', status: 'succeeded', approval: 'superseded', counts: { held: 1 } });
    const failed = await h.call('GET', '/api/v1/runs?status=failed', { as: 'read_only' });
    expect(failed.body.items).toEqual([expect.objectContaining({ id: seeded.runs[1], errorCode: 'DIRECTORY_BIND_FAILED', error: 'invalid credentials' })]);
    const paged = await h.call('GET', '/api/v1/runs?limit=1&offset=3', { as: 'read_only' });
    expect(paged.body).toMatchObject({ total: 4, limit: 1, offset: 3, items: [{ id: seeded.runs[0] }] });
    expect((await h.call('GET', '/api/v1/runs?directory=other', { as: 'read_only' })).body.total).toBe(0);

    const one = await h.call('GET', `/api/v1/runs/${seeded.runs[0]}`, { as: 'read_only' });
    expect(one.body.run).toMatchObject({ id: seeded.runs[0], counts: { created: 1 } });
    expect(one.body.totalObjects).toBe(3);
    expect(one.body.objects[1]).toEqual({
      objectType: 'user',
      name: 'bob',
      externalId: 'ext-bob',
      outcome: 'updated',
      attributes: { email: { before: 'old@x', after: 'bob@corp.example.test' } },
    });
    const trashed = await h.call('GET', `/api/v1/runs/${seeded.runs[0]}?outcome=trashed`, { as: 'read_only' });
    expect(trashed.body.objects).toEqual([expect.objectContaining({ name: 'carol', reason: 'no longer in scope' })]);
    expect((await h.call('GET', '/api/v1/runs/424242', { as: 'read_only' })).body.error.code).toBe('STORE_NOT_FOUND');
    expect((await h.call('GET', '/api/v1/runs/abc', { as: 'read_only' })).body.error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
  });

  it("shows each directory's last run and lock in the directory list, and none of it in /readyz", async () => {
    const dirs = await h.call('GET', '/api/v1/directories', { as: 'read_only' });
    expect(dirs.body.items).toEqual([
      expect.objectContaining({
        name: 'corp',
        managedBy: 'file',
        usernameLocked: true,
        firstSyncedAt: T,
        status: expect.objectContaining({ lastRun: expect.objectContaining({ id: seeded.runs[3], status: 'succeeded' }), connected: false }),
      }),
    ]);
    const ready = await h.call('GET', '/readyz', { as: null });
    // /readyz answers without login: ready or not, no directory names or run times (issue 10 item 12).
    expect(ready.body).toEqual({ status: 'ready' });
  });

  it('lists users with search (literal % and _), status and directory filters and paging, and shows lineage', async () => {
    const all = await h.call('GET', '/api/v1/users', { as: 'read_only' });
    expect(all.body.items.map((u: { username: string }) => u.username)).toEqual(['alice', 'bob', 'carol', 'lucy', 'olga']);
    expect(all.body.items[3]).toMatchObject({ username: 'lucy', directory: null, status: 'active' });
    expect((await h.call('GET', '/api/v1/users?search=ALI', { as: 'read_only' })).body.items.map((u: { username: string }) => u.username)).toEqual(['alice']);
    expect((await h.call('GET', '/api/v1/users?search=bob%40corp', { as: 'read_only' })).body.total).toBe(1);
    expect((await h.call('GET', '/api/v1/users?search=Carol%20Ex', { as: 'read_only' })).body.items[0].username).toBe('carol');
    expect((await h.call('GET', '/api/v1/users?search=100%25', { as: 'read_only' })).body.items.map((u: { username: string }) => u.username)).toEqual(['lucy']);
    expect((await h.call('GET', '/api/v1/users?search=_', { as: 'read_only' })).body.total).toBe(1);
    expect((await h.call('GET', '/api/v1/users?status=trashed', { as: 'read_only' })).body.total).toBe(2);
    expect((await h.call('GET', '/api/v1/users?directory=corp&limit=2&offset=1', { as: 'read_only' })).body).toMatchObject({
      total: 3,
      items: [{ username: 'bob' }, { username: 'carol' }],
    });

    const alice = await h.call('GET', '/api/v1/users/ALICE', { as: 'read_only' });
    expect(alice.body).toMatchObject({
      username: 'alice',
      directory: 'corp',
      syncItem: 'group cn=eng,dc=corp',
      groups: ['Engineering'],
      editableFields: [],
      history: [{ outcome: 'created' }],
    });
    expect((await h.call('GET', '/api/v1/users/lucy', { as: 'read_only' })).body.editableFields).toContain('email');
    expect((await h.call('GET', '/api/v1/users/nobody', { as: 'read_only' })).status).toBe(404);
  });

  it('edits local users, refuses fields a directory owns with 409 naming the field, and creates local users', async () => {
    const owned = await h.call('PATCH', '/api/v1/users/alice', { as: 'user_manager', body: { email: 'new@x.test' } });
    expect(owned.status).toBe(409);
    expect(owned.body.error).toMatchObject({ code: 'STORE_ATTRIBUTE_OWNED', field: 'email', message: expect.stringContaining('directory "corp"') });
    expect((await h.call('PATCH', '/api/v1/users/alice', { as: 'user_manager', body: { status: 'disabled' } })).body.error.field).toBe('status');

    const edited = await h.call('PATCH', '/api/v1/users/lucy', {
      as: 'user_manager',
      body: { fullName: 'Lucy Local', phones: ['+12125550100'], notes: null, status: 'disabled' },
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ status: 'disabled', attributes: { fullName: 'Lucy Local', phones: ['+12125550100'], notes: null } });
    expect((await h.call('PATCH', '/api/v1/users/lucy', { as: 'user_manager', body: { status: 'trashed' } })).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'status',
    });
    expect((await h.call('PATCH', '/api/v1/users/lucy', { as: 'user_manager', body: { department: 'x' } })).body.error.field).toBe('department');

    const created = await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username: 'Mike', email: 'mike@x.test' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'Mike', directory: null, status: 'active' });
    const dup = await h.call('POST', '/api/v1/users', { as: 'user_manager', body: { username: 'mike' } });
    expect(dup.body.error).toMatchObject({ code: 'STORE_CONFLICT', field: 'username' });
  });

  it('lists groups with member counts and shows one with its members', async () => {
    const list = await h.call('GET', '/api/v1/groups', { as: 'read_only' });
    expect(list.body.items.map((g: { name: string; memberCount: number }) => [g.name, g.memberCount])).toEqual([
      ['Engineering', 2],
      ['Operations', 0],
    ]);
    expect((await h.call('GET', '/api/v1/groups?search=oper', { as: 'read_only' })).body.items).toEqual([
      expect.objectContaining({ name: 'Operations', directory: 'corp', dn: 'cn=ops,dc=corp' }),
    ]);
    const g = await h.call('GET', `/api/v1/groups/${seeded.group}`, { as: 'read_only' });
    expect(g.body).toMatchObject({
      name: 'Engineering',
      totalMembers: 2,
      members: [
        { username: 'alice', status: 'active' },
        { username: 'bob', status: 'disabled' },
      ],
    });
    expect((await h.call('GET', `/api/v1/groups/${seeded.group}?limit=1&offset=1`, { as: 'read_only' })).body.members).toEqual([
      { username: 'bob', status: 'disabled' },
    ]);
    expect((await h.call('GET', '/api/v1/groups/999', { as: 'read_only' })).status).toBe(404);
  });

  it('says which users a pending approval holds, in the user list and on the user, and no one else', async () => {
    const bob = await h.call('GET', '/api/v1/users/bob', { as: 'read_only' });
    expect(bob.body.heldRemoval).toEqual({ runId: seeded.runs[3], since: T, action: 'trash', reason: 'no longer in scope' });
    // alice's hold was superseded by the newer run: she is held by nothing.
    expect((await h.call('GET', '/api/v1/users/alice', { as: 'read_only' })).body.heldRemoval).toBeNull();
    const list = await h.call('GET', '/api/v1/users?directory=corp', { as: 'read_only' });
    expect(list.body.items.map((u: { username: string; heldRemoval: unknown }) => [u.username, u.heldRemoval])).toEqual([
      ['alice', null],
      ['bob', { runId: seeded.runs[3], since: T, action: 'trash', reason: 'no longer in scope' }],
      ['carol', null],
    ]);
    const doc = (await h.call('GET', '/api/v1/openapi.json', { as: null })).body;
    expect(doc.components.schemas.UserDetail.properties.heldRemoval).toBeDefined();
    expect(doc.components.schemas.UserSummary.properties.heldRemoval).toBeDefined();
  });

  it("lists held removals, rejects and approves them through the directory's queue", async () => {
    const pending = await h.call('GET', '/api/v1/approvals', { as: 'read_only' });
    expect(pending.body.items).toEqual([
      expect.objectContaining({
        runId: seeded.runs[3],
        directory: 'corp',
        status: 'pending',
        count: 1,
        threshold: 'more than 0 users',
        users: [{ username: 'bob', action: 'trash', reason: 'no longer in scope' }],
      }),
    ]);
    expect((await h.call('GET', '/api/v1/approvals?all=true', { as: 'read_only' })).body.items).toHaveLength(2);
    const superseded = await h.call('POST', `/api/v1/approvals/${seeded.runs[2]}/approve`, { as: 'administrator' });
    expect(superseded.status).toBe(409);
    expect(superseded.body.error.code).toBe('APPROVAL_NOT_PENDING');
    const approved = await h.call('POST', `/api/v1/approvals/${seeded.runs[3]}/approve`, { as: 'administrator' });
    expect(approved.body).toEqual({ runId: seeded.runs[3], decision: 'approve', applied: 1, skipped: 0 });
    expect((await h.call('GET', '/api/v1/users/bob', { as: 'read_only' })).body).toMatchObject({ status: 'trashed', deleteAfter: '2026-11-08T10:00:00.000Z' });
    expect((await h.call('POST', `/api/v1/approvals/${seeded.runs[3]}/reject`, { as: 'administrator' })).status).toBe(409);
    expect((await h.call('POST', '/api/v1/approvals/999999/reject', { as: 'administrator' })).status).toBe(404);
  });

  it('lists the trash, restores only users no configured directory owns, and deletes for good', async () => {
    // bob in the trash too (as an approved removal would leave him), with carol's date: the list orders by date, then name.
    await h.store.db
      .updateTable('users')
      .set({ status: 'trashed', status_reason: 'no longer in scope', trashed_at: T, delete_after: '2026-11-08T10:00:00.000Z' })
      .where('username', '=', 'bob')
      .execute();
    const trash = await h.call('GET', '/api/v1/trash', { as: 'read_only' });
    expect(trash.body.items.map((u: { username: string; restorable: boolean; directory: string }) => [u.username, u.directory, u.restorable])).toEqual([
      ['olga', 'gone', true],
      ['bob', 'corp', false],
      ['carol', 'corp', false],
    ]);
    expect(trash.body.items[0]).toMatchObject({ deleteAfter: '2026-11-05T10:00:00.000Z', trashedAt: T, statusReason: 'no longer in scope' });

    const refused = await h.call('POST', '/api/v1/trash/carol/restore', { as: 'user_manager' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'RESTORE_NOT_ALLOWED', message: expect.stringMatching(/directory "corp".*sync\/user/) });
    expect((await h.call('POST', '/api/v1/trash/alice/restore', { as: 'user_manager' })).body.error.message).toMatch(/not in the trash/);

    const restored = await h.call('POST', '/api/v1/trash/olga/restore', { as: 'user_manager' });
    expect(restored.body).toEqual({ username: 'olga', status: 'active' });
    expect((await h.call('GET', '/api/v1/users/olga', { as: 'read_only' })).body).toMatchObject({
      status: 'active',
      directory: null,
      deleteAfter: null,
      editableFields: expect.arrayContaining(['email']),
    });

    expect((await h.call('DELETE', '/api/v1/trash/alice', { as: 'user_manager' })).status).toBe(409);
    expect((await h.call('DELETE', '/api/v1/trash/carol', { as: 'user_manager' })).status).toBe(204);
    expect((await h.call('GET', '/api/v1/users/carol', { as: 'read_only' })).status).toBe(404);
    expect((await h.call('GET', '/api/v1/trash', { as: 'read_only' })).body.items.map((u: { username: string }) => u.username)).toEqual(['bob']);
  });

  it('manages admins: owners create and delete, the last owner stays, administrators may list', async () => {
    const created = await h.call('POST', '/api/v1/admins', { body: { username: 'ops', role: 'administrator', password: 'ops-password-12345' } });
    h.secrets.add('ops-password-12345');
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(Number), username: 'ops', role: 'administrator', createdAt: T, lastLoginAt: null });
    expect((await h.call('POST', '/api/v1/admins', { body: { username: 'OPS', role: 'read_only', password: 'another-password-1' } })).body.error).toMatchObject(
      { code: 'STORE_CONFLICT', field: 'username' },
    );
    expect((await h.call('POST', '/api/v1/admins', { body: { username: 'weak', role: 'read_only', password: 'short' } })).body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'password',
    });
    expect(
      (await h.call('POST', '/api/v1/admins', { body: { username: 'bad name', role: 'read_only', password: 'long-enough-pass-1' } })).body.error.field,
    ).toBe('username');
    const list = await h.call('GET', '/api/v1/admins', { as: 'administrator' });
    expect(list.body.items.map((a: { username: string }) => a.username)).toEqual(['ops', 'root']);
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|hash/i);

    const s = await h.login('ops', 'ops-password-12345');
    expect((await h.call('DELETE', '/api/v1/admins/ops')).status).toBe(204);
    expect((await h.call('GET', '/api/v1/me', { session: s })).status).toBe(401); // the session went with the account
    const last = await h.call('DELETE', '/api/v1/admins/root');
    expect(last.status).toBe(409);
    expect(last.body.error.message).toMatch(/last owner/);
    expect((await h.call('DELETE', '/api/v1/admins/ghost')).status).toBe(404);
  });
});
