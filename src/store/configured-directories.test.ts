import { describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { directoryStatus, storedDirectories } from './configured-directories.js';
import type { Store } from './db.js';
import { saveSyncState } from './sync-state.js';

/** The store's side of the directory registry (src/directories), on SQLite and PostgreSQL. */
const T0 = new Date('2026-11-01T10:00:00.000Z');
const T1 = new Date('2026-11-01T11:00:00.000Z');

async function directoryRow(store: Store, name: string, o: { type?: string; usernameAttribute?: string; firstSyncedAt?: string | null } = {}): Promise<number> {
  const row = await store.db
    .insertInto('directories')
    .values({
      name,
      type: o.type ?? 'openldap',
      username_attribute: o.usernameAttribute ?? 'uid',
      first_synced_at: o.firstSyncedAt ?? null,
      created_at: T0.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function run(
  store: Store,
  directoryId: number,
  name: string,
  o: { dryRun?: boolean; status?: 'succeeded' | 'failed'; errorCode?: string },
): Promise<number> {
  const row = await store.db
    .insertInto('runs')
    .values({
      directory_id: directoryId,
      directory_name: name,
      kind: 'full',
      dry_run: o.dryRun ? 1 : 0,
      status: o.status ?? 'succeeded',
      started_at: T0.toISOString(),
      finished_at: T1.toISOString(),
      duration_ms: 1,
      counts: '{}',
      error_code: o.errorCode ?? null,
      error: null,
      server: null,
      attempts: '[]',
      warnings: '[]',
      pid: null,
      host: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

describe.each(storeBackends('cfgdir'))('configured directories on %s', (_name, makeUrl) => {
  it('stores, lists by name, finds, replaces and removes directories created through the API', async () => {
    const stored = storedDirectories(await openTestStore(makeUrl()));
    expect(await stored.any()).toBe(false);
    expect(await stored.list()).toEqual([]);

    await stored.insert('zeta', { config: '{"name":"zeta","type":"openldap"}', bindPassword: 'sealed:v1:zzz', actor: 'alice' }, T0);
    await stored.insert('alpha', { config: '{"name":"alpha","type":"active-directory"}', bindPassword: null, actor: 'bob' }, T0);
    expect(await stored.any()).toBe(true);
    expect((await stored.list()).map((r) => r.name)).toEqual(['alpha', 'zeta']);
    expect(await stored.summaries()).toEqual([
      { name: 'alpha', config: '{"name":"alpha","type":"active-directory"}' },
      { name: 'zeta', config: '{"name":"zeta","type":"openldap"}' },
    ]);

    const zeta = (await stored.find('zeta'))!;
    expect(zeta).toMatchObject({
      name: 'zeta',
      bind_password: 'sealed:v1:zzz',
      created_at: T0.toISOString(),
      updated_at: T0.toISOString(),
      updated_by: 'alice',
    });
    expect(await stored.find('nope')).toBeUndefined();

    // A name is one directory: a second insert under it is refused by the store itself.
    await expect(stored.insert('zeta', { config: '{}', bindPassword: null, actor: 'carol' }, T0)).rejects.toThrow();

    await stored.replace(zeta.id, { config: '{"name":"zeta","type":"openldap","baseDn":"dc=x"}', bindPassword: null, actor: 'carol' }, T1);
    expect(await stored.find('zeta')).toMatchObject({
      id: zeta.id,
      config: '{"name":"zeta","type":"openldap","baseDn":"dc=x"}',
      bind_password: null,
      created_at: T0.toISOString(),
      updated_at: T1.toISOString(),
      updated_by: 'carol',
    });

    await stored.remove(zeta.id);
    expect((await stored.list()).map((r) => r.name)).toEqual(['alpha']);
  });

  it('lists the stored passwords, and swaps one only while it is still the one read', async () => {
    const stored = storedDirectories(await openTestStore(makeUrl()));
    await stored.insert('clear', { config: '{}', bindPassword: 'in-clear', actor: 'a' }, T0);
    await stored.insert('none', { config: '{}', bindPassword: null, actor: 'a' }, T0);
    const [p] = await stored.passwords();
    expect(await stored.passwords()).toEqual([{ id: p.id, name: 'clear', bindPassword: 'in-clear' }]);

    expect(await stored.swapPassword(p.id, 'in-clear', 'sealed:v1:one')).toBe(true);
    // Another process sealed it first: the second swap, from the value it read before, changes nothing.
    expect(await stored.swapPassword(p.id, 'in-clear', 'sealed:v1:two')).toBe(false);
    expect((await stored.find('clear'))!.bind_password).toBe('sealed:v1:one');
  });

  it('says what the store knows of each directory: its row, its sync state and its last run that was not a dry run', async () => {
    const store = await openTestStore(makeUrl());
    const status = directoryStatus(store);
    expect(await status.synced('corp')).toBeUndefined();
    const empty = await status.facts();
    expect([empty.rows.size, empty.states.length, empty.runs.size]).toEqual([0, 0, 0]);

    const corp = await directoryRow(store, 'corp', { type: 'active-directory', usernameAttribute: 'sAMAccountName', firstSyncedAt: T0.toISOString() });
    const lab = await directoryRow(store, 'lab');
    expect(await status.synced('corp')).toEqual({ type: 'active-directory', username_attribute: 'sAMAccountName', first_synced_at: T0.toISOString() });
    expect(await status.synced('lab')).toEqual({ type: 'openldap', username_attribute: 'uid', first_synced_at: null });

    await run(store, corp, 'corp', { status: 'succeeded' });
    const failed = await run(store, corp, 'corp', { status: 'failed', errorCode: 'DIRECTORY_UNREACHABLE' });
    await run(store, corp, 'corp', { dryRun: true });
    await run(store, lab, 'lab', { dryRun: true });
    await saveSyncState(store.db, corp, { mode: 'dirsync', connected: 1, server: 'ldaps://dc1:636', last_applied_at: T1.toISOString() }, T1);

    const facts = await status.facts();
    expect(facts.rows.get('corp')).toMatchObject({ username_attribute: 'sAMAccountName', first_synced_at: T0.toISOString() });
    expect(facts.rows.get('lab')).toMatchObject({ username_attribute: 'uid', first_synced_at: null });
    expect(facts.states).toEqual([
      expect.objectContaining({ name: 'corp', type: 'active-directory', mode: 'dirsync', server: 'ldaps://dc1:636', last_applied_at: T1.toISOString() }),
    ]);
    expect([...facts.runs.keys()]).toEqual(['corp']);
    expect(facts.runs.get('corp')).toMatchObject({
      status: 'failed',
      error_code: 'DIRECTORY_UNREACHABLE',
      kind: 'full',
      started_at: T0.toISOString(),
      finished_at: T1.toISOString(),
    });
    expect(Number(facts.runs.get('corp')!.id)).toBe(failed);
  });
});
