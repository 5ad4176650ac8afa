import { execFile } from 'node:child_process';
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IdsyncError } from '../errors.js';
import { Store } from './db.js';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { exportStore } from './export.js';
import { finishRun, recordObjects, startRun } from './runs.js';
import { addLocalUser, editUser, findUserByUsername } from './users.js';
import { listRuns, showRun, userDetail } from './history.js';
import { emptyCounts } from './sync/run-types.js';

/**
 * One suite, run against every store backend (as kysely runs its tests against every dialect):
 * SQLite in a temp file and PostgreSQL in a schema of its own.
 */
const backends = storeBackends('store');

const now = new Date('2026-11-01T10:00:00Z');

describe.each(backends)('store on %s', (_name, url) => {
  // Each test opens a store of its own and seeds what it needs, so any one of them runs alone
  // (vitest -t) or in any order.
  const open = async () => {
    return openTestStore(url());
  };
  /** A local user Alice, as the tests below start from. */
  const withAlice = async () => {
    const store = await open();
    await addLocalUser(store.db, { username: 'Alice', email: 'alice@example.test' }, now);
    return store;
  };
  /** Alice synced from directory "corp" (external id e-1). */
  const withCorpAlice = async () => {
    const store = await withAlice();
    const dir = await store.db
      .insertInto('directories')
      .values({ name: 'corp', type: 'openldap', username_attribute: 'uid', first_synced_at: null, created_at: now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.updateTable('users').set({ directory_id: dir.id, external_id: 'e-1' }).where('username_key', '=', 'alice').execute();
    return { store, dirId: dir.id };
  };

  it('applies migrations at start, and again without harm', async () => {
    const store = await open();
    await store.migrate();
    const tables = await store.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining(['users', 'groups', 'group_members', 'runs', 'run_objects', 'approvals', 'held_removals', 'directories']),
    );
  });

  it('is migrated once when several processes open it new at the same time', async () => {
    // As `idsync serve` and an `idsync status` started beside it do. Each process runs the built
    // store (dist/, as the CLI does) and either opens the store or fails with its error.
    const built = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/store/db.js');
    const script = `const { Store } = await import(${JSON.stringify(built)}); const s = await Store.open(process.argv[1]); await s.close();`;
    const openOnce = (target: string) =>
      new Promise<string>((resolve) =>
        execFile(process.execPath, ['--input-type=module', '-e', script, target], (err, _out, stderr) => resolve(err ? stderr.trim() || err.message : 'ok')),
      );
    for (let round = 0; round < 4; round++) {
      const target = url();
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => openOnce(target)));
      expect(outcomes).toEqual(Array(6).fill('ok'));
      const s = await openTestStore(target);
      const users = await s.db.selectFrom('users').select('id').execute();
      expect(users).toEqual([]);
    }
  });

  it('keeps usernames unique regardless of case', async () => {
    const store = await withAlice();
    await expect(addLocalUser(store.db, { username: 'alice' }, now)).rejects.toMatchObject({ code: 'STORE_CONFLICT' });
    expect((await findUserByUsername(store.db, 'ALICE'))?.username).toBe('Alice');
  });

  it('lets local users be edited but refuses attributes a directory owns, naming it', async () => {
    const local = await withAlice();
    await editUser(local.db, 'alice', { email: 'new@example.test' }, now);
    expect((await findUserByUsername(local.db, 'alice'))?.email).toBe('new@example.test');
    const { store } = await withCorpAlice();
    const err = await editUser(store.db, 'alice', { email: 'x@example.test' }, now).catch((e) => e as IdsyncError);
    expect(err).toBeInstanceOf(IdsyncError);
    expect((err as IdsyncError).code).toBe('STORE_ATTRIBUTE_OWNED');
    expect((err as IdsyncError).message).toMatch(/synced from directory "corp", which owns email/);
  });

  it('records runs with per-object outcomes and exports the store', async () => {
    const { store, dirId } = await withCorpAlice();
    const stale = await startRun(store, dirId, 'corp', 'full', now);
    // A run left 'running' by a process that is gone is marked interrupted by the next one.
    await store.db
      .updateTable('runs')
      .set({ pid: 2 ** 22 + 1 })
      .where('id', '=', stale)
      .execute();
    const runId = await startRun(store, dirId, 'corp', 'full', now);
    expect(runId).toBeGreaterThan(stale);
    const counts = { ...emptyCounts(), created: 1 };
    const user = (await findUserByUsername(store.db, 'alice'))!;
    await recordObjects(store.db, runId, [{ objectType: 'user', name: 'alice', externalId: 'e-1', userId: user.id, outcome: 'created', item: 'group cn=eng' }]);
    await finishRun(store.db, runId, { status: 'succeeded', counts, startedAt: now, now: new Date(now.getTime() + 1500), attempts: [], warnings: [] });
    const runs = await listRuns(store);
    expect(runs.find((r) => r.id === runId)).toMatchObject({ status: 'succeeded', durationMs: 1500, counts: { created: 1 } });
    expect(runs.find((r) => r.id === stale)).toMatchObject({ status: 'interrupted' });
    const { objects } = await showRun(store, runId, 'created');
    expect(objects).toEqual([expect.objectContaining({ name: 'alice', outcome: 'created', item: 'group cn=eng' })]);
    const detail = await userDetail(store, 'alice');
    expect(detail.history[0]).toMatchObject({ runId, outcome: 'created' });

    const g = await store.db
      .insertInto('groups')
      .values({ directory_id: dirId, external_id: 'g-1', dn: 'cn=eng,dc=x', name: 'eng', created_at: now.toISOString(), updated_at: now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.insertInto('group_members').values({ group_id: g.id, user_id: user.id }).execute();
    const exported = await exportStore(store);
    expect(exported.groups).toEqual([expect.objectContaining({ name: 'eng', directory: 'corp', members: ['Alice'] })]);
    expect(exported.users[0]).toMatchObject({ username: 'Alice', status: 'active', directory: 'corp', groups: ['eng'], aliases: [], phones: [] });
  });

  it('deletes memberships with their user', async () => {
    const { store, dirId } = await withCorpAlice();
    const user = (await findUserByUsername(store.db, 'alice'))!;
    const g = await store.db
      .insertInto('groups')
      .values({ directory_id: dirId, external_id: 'g-1', dn: 'cn=eng,dc=x', name: 'eng', created_at: now.toISOString(), updated_at: now.toISOString() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await store.db.insertInto('group_members').values({ group_id: g.id, user_id: user.id }).execute();
    expect(await store.db.selectFrom('group_members').selectAll().execute()).toHaveLength(1);
    await store.db.deleteFrom('users').where('id', '=', user.id).execute();
    const left = await store.db.selectFrom('group_members').selectAll().execute();
    expect(left).toEqual([]);
  });
});

describe('store on postgres, several in one database', () => {
  it('keeps each store in its own schema, each with its own migration bookkeeping', async () => {
    const [a, b] = [await openTestStore(backends[1][1]()), await openTestStore(backends[1][1]())];
    await addLocalUser(a.db, { username: 'only-in-a', email: 'a@example.test' }, now);
    expect(await findUserByUsername(b.db, 'only-in-a')).toBeUndefined();
    expect(await findUserByUsername(a.db, 'only-in-a')).toBeDefined();
    for (const s of [a, b]) {
      const schema = new URL(s.url).searchParams.get('schema');
      const tables = await s.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables.filter((t) => t.name === 'kysely_migration').map((t) => t.schema)).toContain(schema);
    }
  });
});

describe('store on sqlite, migrating while another process writes', () => {
  it('says the store is busy, naming why, when the write lock stays taken', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'idsync-store-')), 'store.db');
    // Another writer (a sync, say) holds the write lock on a store that still needs its migrations.
    const holder = new BetterSqlite3(file);
    holder.pragma('journal_mode = WAL');
    holder.exec('begin immediate');
    try {
      const err = await Store.open(`sqlite:${file}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IdsyncError);
      expect(err).toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/needs migrating and another process has held its write lock/) });
    } finally {
      holder.exec('rollback');
      holder.close();
    }
    const store = await openTestStore(`sqlite:${file}`);
    expect(await store.db.selectFrom('users').select('id').execute()).toEqual([]);
  }, 30_000);
});

describe('store on sqlite, several writers at once', () => {
  // Found by running 12 `idsync users add` at once: 1 to 5 of them failed with "database is
  // locked". A deferred transaction that reads, then writes after another process committed,
  // cannot upgrade its stale snapshot (SQLITE_BUSY_SNAPSHOT), and SQLite does not wait for that.
  it('lets several processes add users at the same time without a lock error', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-store-'));
    const config = path.join(dir, 'idsync.yaml');
    writeFileSync(config, `store: sqlite:${path.join(dir, 'store.db')}\ndirectories: []\n`);
    const bin = fileURLToPath(new URL('../../bin/idsync.js', import.meta.url));
    const add = (i: number) =>
      new Promise<{ code: number; stderr: string }>((resolve) => {
        execFile(process.execPath, [bin, '--config', config, 'users', 'add', `writer-${i}`], (err, _out, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
        );
      });
    // Migrated first, so that only the adds race.
    await (await Store.open(`sqlite:${path.join(dir, 'store.db')}`)).close();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => add(i)));
    expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    const store = await Store.open(`sqlite:${path.join(dir, 'store.db')}`);
    try {
      expect(await store.db.selectFrom('users').select('username').execute()).toHaveLength(10);
    } finally {
      await store.close();
    }
  }, 120_000);
});
