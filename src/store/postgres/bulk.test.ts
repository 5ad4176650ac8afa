import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../../test/support/store-backends.js';
import type { Store } from '../db.js';
import type { NewUserRow } from '../users.js';
import { intArray, nullableIntArray, parseIds } from './arrays.js';
import { IdsyncMigrations } from '../migrations.js';
import { pgSuspendMemberChecks } from './bulk-load.js';
import { pgAsyncCommit } from './commit.js';
import { pgMigrationsCurrent } from './migrations-check.js';
import { PgMembershipWriter, pgDeleteMemberships, pgDirectoryMembers, pgInsertGroups, pgInsertMemberships, pgMembershipsOfUsers } from './members.js';
import { pgInsertRunObjects } from './runs.js';
import { pgDirectoryUsers, pgInsertUsers, pgUpdateUsers, pgUsersByExternalId, pgUsersByUsernameKey } from './users.js';

/** The PostgreSQL bulk statements of the sync write path, against a real server (a schema of their own). */
const [, pgUrl] = storeBackends('pgbulk').find(([name]) => name === 'postgres')!;
const ts = '2026-12-03T12:00:00.000Z';

function user(i: number, directoryId: number | null, over: Partial<NewUserRow> = {}): NewUserRow {
  return {
    username: `User${i}`,
    username_key: `user${i}`,
    directory_id: directoryId,
    external_id: directoryId === null ? null : `ext-${i}`,
    dn: `uid=user${i},dc=x`,
    dn_key: `uid=user${i},dc=x`,
    source_hash: `h${i}`,
    aliases: '[]',
    full_name: `User ${i}`,
    first_name: null,
    last_name: 'Ü\'"\\,{}',
    email: null,
    phones: '["+1 212 555 0000"]',
    notes: null,
    status: 'active',
    status_reason: null,
    sync_item: 'item',
    trashed_at: null,
    delete_after: null,
    created_at: ts,
    updated_at: ts,
    ...over,
  };
}

async function withDirectory(): Promise<{ store: Store; dir: number }> {
  const store = await openTestStore(pgUrl());
  const d = await store.db
    .insertInto('directories')
    .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: ts })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { store, dir: d.id };
}

describe('array literals', () => {
  it('writes and reads integer lists', () => {
    expect(intArray([])).toBe('{}');
    expect(intArray(Float64Array.from([3, 1, 2]))).toBe('{3,1,2}');
    expect(nullableIntArray([1, null, undefined, 4])).toBe('{1,NULL,NULL,4}');
    expect(() => intArray([1.5])).toThrow(/not an integer/);
    expect([...parseIds('4,5,6')]).toEqual([4, 5, 6]);
    expect(parseIds(null).length).toBe(0);
  });
});

describe('PostgreSQL bulk statements', () => {
  it('inserts a page of users in one statement, ids in input order, values kept exactly', async () => {
    const { store, dir } = await withDirectory();
    const rows = [3, 1, 2, 10].map((i) => user(i, dir));
    rows[1].notes = null;
    rows[2].status = 'disabled';
    rows[2].status_reason = 'disabled in the directory';
    const ids = await pgInsertUsers(store.db, rows);
    const stored = await store.db.selectFrom('users').selectAll().orderBy('id').execute();
    expect(stored).toHaveLength(4);
    for (const [k, row] of rows.entries()) expect(stored.find((s) => s.id === ids[k])).toEqual({ id: ids[k], ...row });
    expect(await pgInsertUsers(store.db, [])).toEqual([]);
  });

  it('reads the users of a directory by external id and any user by username key', async () => {
    const { store, dir } = await withDirectory();
    await pgInsertUsers(store.db, [user(1, dir), user(2, dir), user(3, null)]);
    const byExt = await pgUsersByExternalId(store.db, dir, ['ext-1', 'ext-2', 'ext-9']);
    expect([...byExt.keys()].sort()).toEqual(['ext-1', 'ext-2']);
    expect(byExt.get('ext-1')).toMatchObject({ username: 'User1', directory_id: dir, last_name: 'Ü\'"\\,{}' });
    expect((await pgUsersByExternalId(store.db, dir + 1, ['ext-1'])).size).toBe(0);
    const byName = await pgUsersByUsernameKey(store.db, ['user3', 'user2', 'nobody']);
    expect([...byName.keys()].sort()).toEqual(['user2', 'user3']);
    expect(byName.get('user3')!.directory_id).toBeNull();
    expect((await pgUsersByUsernameKey(store.db, [])).size).toBe(0);
  });

  it('updates a page of users, each with its own columns, in a statement per set of columns', async () => {
    const { store, dir } = await withDirectory();
    const ids = await pgInsertUsers(
      store.db,
      [1, 2, 3, 4].map((i) => user(i, dir)),
    );
    await pgUpdateUsers(store.db, [
      { id: ids[0], set: { source_hash: 'n1', updated_at: 'later' } },
      { id: ids[1], set: { full_name: 'Renamed, "quoted"', source_hash: 'n2', updated_at: 'later' } },
      { id: ids[2], set: { source_hash: 'n3', updated_at: 'later' } },
      { id: ids[3], set: { status: 'active', status_reason: null, trashed_at: null, delete_after: null, directory_id: dir, external_id: 'adopted' } },
    ]);
    const by = new Map((await store.db.selectFrom('users').selectAll().execute()).map((u) => [u.id, u]));
    expect(by.get(ids[0])).toMatchObject({ source_hash: 'n1', updated_at: 'later', full_name: 'User 1' });
    expect(by.get(ids[1])).toMatchObject({ source_hash: 'n2', full_name: 'Renamed, "quoted"' });
    expect(by.get(ids[2])).toMatchObject({ source_hash: 'n3', full_name: 'User 3' });
    expect(by.get(ids[3])).toMatchObject({ external_id: 'adopted', source_hash: 'h4', updated_at: ts, status_reason: null });
    await expect(pgUpdateUsers(store.db, [{ id: ids[0], set: { id: 5 } as never }])).rejects.toThrow(/not a user column/);
    await pgUpdateUsers(store.db, []);
  });

  it('reads the known users of a directory as one JSON value, leaving out the trash and local users', async () => {
    const { store, dir } = await withDirectory();
    expect(await pgDirectoryUsers(store.db, dir)).toEqual([]);
    const ids = await pgInsertUsers(store.db, [user(1, dir), user(2, dir, { status: 'trashed' }), user(3, null), user(4, dir, { source_hash: null })]);
    const known = await pgDirectoryUsers(store.db, dir);
    expect(known.sort((a, b) => a[0] - b[0])).toEqual([
      [ids[0], 'ext-1', 'h1'],
      [ids[3], 'ext-4', null],
    ]);
  });

  it('reads the known users a chunk at a time, each once', async () => {
    const { store, dir } = await withDirectory();
    const ids = await pgInsertUsers(
      store.db,
      [1, 2, 3, 4, 5].map((i) => user(i, dir, i === 3 ? { status: 'trashed' } : {})),
    );
    const want = [0, 1, 3, 4].map((k) => [ids[k], `ext-${k + 1}`, `h${k + 1}`]);
    for (const chunk of [1, 2, 4, 5]) expect(await pgDirectoryUsers(store.db, dir, chunk)).toEqual(want);
  });

  it('inserts groups, adds and removes memberships in bulk, and reads them back per directory and per user', async () => {
    const { store, dir } = await withDirectory();
    const uids = await pgInsertUsers(
      store.db,
      [1, 2, 3, 4, 5].map((i) => user(i, dir)),
    );
    const groups = await pgInsertGroups(
      store.db,
      dir,
      ['g-a', 'g-b', 'g-c'].map((e) => ({ directory_id: dir, external_id: e, dn: `cn=${e}`, name: e, created_at: ts, updated_at: ts })),
    );
    expect([...groups.keys()].sort()).toEqual(['g-a', 'g-b', 'g-c']);
    const [a, b, c] = ['g-a', 'g-b', 'g-c'].map((e) => groups.get(e)!);
    await pgInsertMemberships(store.db, [a, a, a, b, b], [uids[4], uids[0], uids[2], uids[1], uids[0]]);
    const all = await pgDirectoryMembers(store.db, dir);
    expect([...all.get(a)!]).toEqual([uids[0], uids[2], uids[4]].sort((x, y) => x - y));
    expect([...all.get(b)!]).toEqual([uids[0], uids[1]].sort((x, y) => x - y));
    expect(all.has(c)).toBe(false);
    await expect(pgInsertMemberships(store.db, [a], [uids[0]])).rejects.toThrow(/duplicate key/);

    await pgDeleteMemberships(store.db, [a, b, c], [uids[0], uids[0], uids[0]]);
    const ofUsers = await pgMembershipsOfUsers(store.db, [uids[0], uids[1], uids[2]]);
    expect(new Map([...ofUsers].map(([g, s]) => [g, [...s].sort()]))).toEqual(
      new Map([
        [a, [uids[2]]],
        [b, [uids[1]]],
      ]),
    );
    expect((await pgMembershipsOfUsers(store.db, [])).size).toBe(0);
    // Another directory's groups are not read.
    const other = await store.db
      .insertInto('directories')
      .values({ name: 'other', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: ts })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect((await pgDirectoryMembers(store.db, other.id)).size).toBe(0);
    await expect(
      pgInsertGroups(store.db, dir, [{ directory_id: other.id, external_id: 'x', dn: 'x', name: 'x', created_at: ts, updated_at: ts }]),
    ).rejects.toThrow(/not of directory/);
  });

  it('buffers membership changes and writes them in batches, all of them after flush()', async () => {
    const { store, dir } = await withDirectory();
    const uids = await pgInsertUsers(
      store.db,
      Array.from({ length: 30 }, (_, i) => user(i, dir)),
    );
    const groups = await pgInsertGroups(
      store.db,
      dir,
      ['g1', 'g2'].map((e) => ({ directory_id: dir, external_id: e, dn: e, name: e, created_at: ts, updated_at: ts })),
    );
    const [g1, g2] = [groups.get('g1')!, groups.get('g2')!];
    await store.transaction(async (trx) => {
      const count = async () => Number((await sql<{ n: string }>`select count(*) as n from group_members`.execute(trx)).rows[0].n);
      const w = new PgMembershipWriter(trx, 7);
      await w.add(g1, Float64Array.from(uids.slice(0, 5)));
      expect(await count()).toBe(0); // under the batch size: waits
      await w.add(g1, Float64Array.from(uids.slice(5, 20)));
      expect(await count()).toBe(20); // the batch filled: everything buffered went out
      await w.add(g2, uids.slice(10, 15));
      expect(await count()).toBe(20);
      await w.add(g2, uids.slice(15, 30));
      await w.remove(g1, uids.slice(0, 5));
      await w.remove(g2, [uids[29]]);
      await w.flush();
      expect(await count()).toBe(34);
    });
    const all = await pgDirectoryMembers(store.db, dir);
    expect([...all.get(g1)!]).toEqual(uids.slice(5, 20));
    expect([...all.get(g2)!]).toEqual(uids.slice(10, 29));
  });

  it('suspends the membership checks for a bulk load and puts them back as they were', async () => {
    const { store, dir } = await withDirectory();
    const shape = async (db: Store['db']) => ({
      fks: (
        await sql<{
          n: string;
          d: string;
        }>`select conname as n, pg_get_constraintdef(oid) as d 
          from pg_constraint where conrelid = 'group_members'::regclass and contype = 'f' order by 1`.execute(db)
      ).rows,
      idx: (await sql<{ d: string }>`select pg_get_indexdef(indexrelid) as d from pg_index where indrelid = 'group_members'::regclass order by 1`.execute(db))
        .rows,
    });
    const before = await shape(store.db);
    expect(before.fks).toHaveLength(2);
    expect(before.idx).toHaveLength(2);
    await expect(pgSuspendMemberChecks(store.db, 10)).rejects.toThrow(/transaction/);
    const uids = await pgInsertUsers(
      store.db,
      [1, 2, 3].map((i) => user(i, dir)),
    );
    const g = (await pgInsertGroups(store.db, dir, [{ directory_id: dir, external_id: 'g', dn: 'g', name: 'g', created_at: ts, updated_at: ts }])).get('g')!;
    await store.transaction(async (trx) => {
      const bulk = (await pgSuspendMemberChecks(trx, 3))!;
      expect(bulk).toBeDefined();
      expect((await shape(trx)).fks).toHaveLength(0);
      expect((await shape(trx)).idx).toHaveLength(1);
      await pgInsertMemberships(trx, [g, g, g], uids);
      await bulk.restore();
    });
    expect(await shape(store.db)).toEqual(before);
    // The foreign keys work again: a user's deletion takes their memberships along; an unknown id is refused.
    await store.db.deleteFrom('users').where('id', '=', uids[0]).execute();
    expect([...(await pgDirectoryMembers(store.db, dir)).get(g)!]).toEqual(uids.slice(1));
    await expect(pgInsertMemberships(store.db, [g], [999_999])).rejects.toThrow(/foreign key/);
    // Not worth it when the table already holds as many rows as the load brings.
    await store.transaction(async (trx) => expect(await pgSuspendMemberChecks(trx, 2)).toBeUndefined());
  });

  it('loads with the checks in place when another transaction is using the tables', async () => {
    const url = pgUrl();
    const store = await openTestStore(url);
    const other = await openTestStore(url);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const reader = other.transaction(async (trx) => {
      await sql`select count(*) from users`.execute(trx);
      locked();
      await held;
    });
    await isLocked;
    await store.transaction(async (trx) => {
      expect(await pgSuspendMemberChecks(trx, 10, { lockTimeoutMs: 200 })).toBeUndefined();
      // The transaction is still usable, and nothing was dropped.
      expect(
        Number(
          (
            await sql<{ n: string }>`select count(*) as n 
          from pg_constraint where conrelid = 'group_members'::regclass and contype = 'f'`.execute(trx)
          ).rows[0].n,
        ),
      ).toBe(2);
    });
    release();
    await reader;
  });

  it('tells a store that has run exactly the migrations there are, so that opening it skips the Migrator', async () => {
    const store = await openTestStore(pgUrl());
    const names = Object.keys(await new IdsyncMigrations('postgres').getMigrations());
    expect(await pgMigrationsCurrent(store.db, names)).toBe(true);
    expect(await pgMigrationsCurrent(store.db, [...names, '9999_future'])).toBe(false);
    expect(await pgMigrationsCurrent(store.db, names.slice(1))).toBe(false);
    await sql`delete from kysely_migration where name = ${names.at(-1)!}`.execute(store.db);
    expect(await pgMigrationsCurrent(store.db, names)).toBe(false);
    await sql`drop table kysely_migration`.execute(store.db);
    expect(await pgMigrationsCurrent(store.db, names)).toBe(false);
  });

  it('commits a transaction without waiting for the disk, that transaction only', async () => {
    const store = await openTestStore(pgUrl());
    const setting = async (db: Store['db']) => (await sql<{ s: string }>`select current_setting('synchronous_commit') as s`.execute(db)).rows[0].s;
    await expect(pgAsyncCommit(store.db)).rejects.toThrow(/transaction/);
    const before = await setting(store.db);
    const inside = await store.transaction(async (trx) => {
      await pgAsyncCommit(trx);
      return setting(trx);
    });
    expect(inside).toBe('off');
    // SET LOCAL: the pool's connections (max 4) are back to the server's setting.
    for (const s of await Promise.all([1, 2, 3, 4].map(() => setting(store.db)))) expect(s).toBe(before);
  });

  it('writes a page of the run log in one statement', async () => {
    const { store, dir } = await withDirectory();
    const run = await store.db
      .insertInto('runs')
      .values({
        directory_id: dir,
        directory_name: 'corp',
        kind: 'full',
        dry_run: 0,
        status: 'running',
        started_at: ts,
        counts: '{}',
        attempts: '[]',
        warnings: '[]',
        pid: null,
        host: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const rows = [
      { run_id: run.id, object_type: 'user', name: 'ann', external_id: 'e1', user_id: 7, outcome: 'created', detail: '{"item":"x, \\"y\\""}' },
      { run_id: run.id, object_type: 'group', name: 'g', external_id: null, user_id: null, outcome: 'deleted', detail: null },
    ];
    await pgInsertRunObjects(store.db, rows);
    await pgInsertRunObjects(store.db, []);
    const back = await store.db
      .selectFrom('run_objects')
      .select(['run_id', 'object_type', 'name', 'external_id', 'user_id', 'outcome', 'detail'])
      .orderBy('id')
      .execute();
    expect(back).toEqual(rows);
  });
});
