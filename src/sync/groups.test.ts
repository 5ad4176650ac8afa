import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { Store } from '../store/db.js';
import { ensureDirectory } from '../store/directories.js';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { fastPath } from '../store/sqlite-fast-path.js';
import type { SyncWriter } from '../store/sync/writer.js';
import { applyPlan } from './apply.js';
import { DesiredMembers, planMemberships } from './groups.js';
import { Placeholders } from './plan.js';
import { emptyCounts, type RunCounts } from './report.js';

/**
 * The membership step against a real SQLite store: a directory's first sync with many memberships
 * loads them without the user_id index and must leave that index (and every membership) behind;
 * a failure midway must leave the index too.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'idsync-groups-'));
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

const cfg = parseConfig(
  {
    store: 'sqlite::memory:',
    directories: [{ name: 'corp', type: 'openldap', servers: ['ldaps://ldap.example.test'], baseDn: 'dc=x', groups: ['cn=big,dc=x', 'cn=small,dc=x'] }],
  },
  { baseDir: dir },
).directories[0];
const chosen = [
  { itemIndex: 0, dn: 'cn=big,dc=x', externalId: 'g-big', name: 'big' },
  { itemIndex: 1, dn: 'cn=small,dc=x', externalId: 'g-small', name: 'small' },
];
const now = new Date('2026-11-01T10:00:00Z');

/** The membership step of a full sync: planned, then applied in the caller's transaction. */
async function syncGroups(
  w: SyncWriter,
  _cfg: unknown,
  directoryId: number,
  chosenGroups: typeof chosen,
  desired: DesiredMembers,
  o: { now: Date; counts: RunCounts },
): Promise<void> {
  const plan = await planMemberships(w, directoryId, chosenGroups, desired, { ...o, ids: new Placeholders() });
  await applyPlan(w, plan, { directoryId, now: o.now, counts: o.counts, runId: 0, record: false });
}

async function storeWithUsers(n: number): Promise<{ store: Store; directoryId: number; ids: number[] }> {
  const store = await Store.open(`sqlite:${path.join(mkdtempSync(path.join(dir, 's-')), 'store.db')}`);
  stores.push(store);
  const { id: directoryId } = await ensureDirectory(store, cfg, now);
  const ids = await store.transaction(async (trx) => {
    const fast = fastPath(trx)!;
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(fast.insertUser(syncedUserRow(directoryId, `u${i}`, now, { external_id: `e${i}` })));
    return out;
  });
  return { store, directoryId, ids };
}

const userIndexExists = async (store: Store) =>
  (await sql<{ name: string }>`select name from sqlite_master where type = 'index' and name = 'group_members_user'`.execute(store.db)).rows.length === 1;

describe('memberships on SQLite', () => {
  it('a first sync with many memberships writes them all and rebuilds the user index', async () => {
    const { store, directoryId, ids } = await storeWithUsers(12_000);
    const desired = new DesiredMembers();
    ids.forEach((id, i) => {
      desired.add(id, i % 2 ? [0] : [0, 1]);
    });
    const counts = emptyCounts();
    await store.sync.transaction((w) => syncGroups(w, cfg, directoryId, chosen, desired, { now, counts }));
    expect(counts.membersAdded).toBe(12_000 + 6_000);
    expect(await userIndexExists(store)).toBe(true);
    const plan = await sql<{ detail: string }>`explain query plan select group_id from group_members where user_id = ${ids[5]}`.execute(store.db);
    expect(plan.rows.map((r) => r.detail).join(' ')).toMatch(/group_members_user/);
    const rows = await store.db
      .selectFrom('group_members')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(rows.n)).toBe(18_000);

    // The next run changes one membership, through the ordinary path.
    const again = new DesiredMembers();
    ids.forEach((id, i) => {
      again.add(id, i === 0 ? [0] : i % 2 ? [0] : [0, 1]);
    });
    const c2 = emptyCounts();
    await store.sync.transaction((w) => syncGroups(w, cfg, directoryId, chosen, again, { now, counts: c2 }));
    expect(c2).toMatchObject({ membersAdded: 0, membersRemoved: 1 });
    expect(await userIndexExists(store)).toBe(true);
  });

  it('a load that fails midway rolls back to the store as it was, index included', async () => {
    const { store, directoryId, ids } = await storeWithUsers(11_000);
    const desired = new DesiredMembers();
    for (const id of ids) desired.add(id, [0]);
    const failing = store.sync.transaction(async (w) => {
      await syncGroups(w, cfg, directoryId, chosen, desired, { now, counts: emptyCounts() });
      throw new Error('killed after the memberships');
    });
    await expect(failing).rejects.toThrow('killed after the memberships');
    expect(await userIndexExists(store)).toBe(true);
    expect(await store.db.selectFrom('group_members').selectAll().execute()).toEqual([]);
  });
});
