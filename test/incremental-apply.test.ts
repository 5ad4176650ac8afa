import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { DirectoryConnection } from '../src/directory/connection.js';
import { Store } from '../src/store/db.js';
import { exportStore } from '../src/store/export.js';
import { loadSyncState } from '../src/store/sync-state.js';
import { syncDirectory } from '../src/sync/engine.js';
import { applyChangeSet, type ChangeSet } from '../src/sync/incremental.js';
import type { DirectoryReader } from '../src/sync/read.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { testStores } from './support/stores.js';
import { uniqueName } from './support/workspace.js';

/**
 * The incremental applier, fed change sets as a change source would report them (which entries
 * changed, which were deleted), against a real slapd and a real store. The sources themselves
 * (Content Sync, DirSync) are tested on their own and end to end through `idsync serve`.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function setup(storeUrl: (dir: string) => string, extra: Record<string, unknown> = {}) {
  const base = await slapd.addOu(uniqueName('inc'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const add = (uid: string) => slapd.addUser({ ou: people, uid, sn: 'Inc', mail: `${uid}@corp.example.test` });
  const [ann, ben, cat] = await Promise.all(['ann', 'ben', 'cat'].map(add));
  const team = await slapd.addGroup({ ou: groups, cn: 'team', members: [cat] });
  const chosen = await slapd.addGroup({ ou: groups, cn: 'chosen', members: [ann, ben, team] });
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-inc-'));
  const config = parseConfig(
    {
      store: storeUrl(dir),
      directories: [
        {
          name: 'ldap',
          type: 'openldap',
          servers: [slapd.ldapsUrl],
          caFile: slapd.caFile,
          bind: { dn: slapd.bindDn, password: slapd.password },
          baseDn: base,
          groups: [chosen],
          ...extra,
        },
      ],
    },
    { baseDir: dir },
  );
  const cfg = config.directories[0];
  const store = await Store.open(config.store);
  open.push(store);
  let reader!: DirectoryReader;
  await syncDirectory(store, cfg, { onReader: (r) => (reader = r) });
  const conn = await DirectoryConnection.open(cfg);
  open.push(conn);
  reader.attach(conn);
  const directoryId = (await store.db.selectFrom('directories').select('id').executeTakeFirstOrThrow()).id;
  const ctx = { store, cfg, directoryId, reader, now: () => new Date() };
  const apply = (cs: Partial<ChangeSet>) => applyChangeSet(ctx, { changed: [], deleted: [], state: { mode: 'test', cookie: 'c' }, ...cs });
  const members = async () => (await exportStore(store)).groups[0].members;
  const user = async (name: string) => (await exportStore(store)).users.find((u) => u.username === name);
  return { base, people, groups, ann, ben, cat, team, chosen, store, apply, members, user, add, directoryId };
}

describe.each(testStores())('incremental apply (%s store)', (_kind, storeUrl) => {
  it('applies an attribute change to one user and stores the stream position with it', async () => {
    const t = await setup(storeUrl);
    await slapd.modify(t.ann, 'mail', 'ann.new@corp.example.test');
    const r = await t.apply({ changed: [{ dn: t.ann, kind: 'user' }], state: { mode: 'test', cookie: 'cookie-1' } });
    expect(r!.counts).toMatchObject({ updated: 1, created: 0 });
    expect((await t.user('ann'))!.email).toBe('ann.new@corp.example.test');
    expect((await loadSyncState(t.store.db, t.directoryId))!.cookie).toBe('cookie-1');
    // nothing to do: only the position moves, and no run is recorded
    expect(await t.apply({ state: { mode: 'test', cookie: 'cookie-2' } })).toBeUndefined();
    expect((await loadSyncState(t.store.db, t.directoryId))!.cookie).toBe('cookie-2');
  });

  it('follows membership through nesting: add to a nested group, nest and unnest a whole group', async () => {
    const t = await setup(storeUrl, { safeguard: { enabled: false } });
    const dan = await t.add('dan');
    await slapd.addMembers(t.team, [dan]);
    let r = await t.apply({ changed: [{ dn: dan }, { dn: t.team }] });
    expect(r!.counts).toMatchObject({ created: 1 });
    expect(await t.members()).toEqual(['ann', 'ben', 'cat', 'dan']);

    await slapd.removeMembers(t.team, [t.cat]);
    r = await t.apply({ changed: [{ dn: t.team }] });
    expect(r!.counts).toMatchObject({ trashed: 1 });
    expect((await t.user('cat'))!.status).toBe('trashed');

    const [eve, fay] = await Promise.all(['eve', 'fay'].map(t.add));
    const other = await slapd.addGroup({ ou: t.groups, cn: 'other', members: [eve, fay, t.cat] });
    await slapd.addMembers(t.team, [other]);
    r = await t.apply({ changed: [{ dn: eve }, { dn: fay }, { dn: other }, { dn: t.team }] });
    expect(r!.counts).toMatchObject({ created: 2, restored: 1 });
    expect(await t.members()).toEqual(['ann', 'ben', 'cat', 'dan', 'eve', 'fay']);

    await slapd.removeMembers(t.team, [other]);
    r = await t.apply({ changed: [{ dn: t.team }] });
    expect(r!.counts).toMatchObject({ trashed: 3 });
    expect(await t.members()).toEqual(['ann', 'ben', 'dan']);
  });

  it('keeps identity and memberships through a rename, and trashes a deleted user', async () => {
    const t = await setup(storeUrl, { safeguard: { enabled: false } });
    const before = (await t.user('ann'))!;
    const renamed = `uid=ann2,${t.people}`;
    await slapd.rename(t.ann, 'uid=ann2');
    // without refint the group still lists the old DN: the node keeps the entry reachable
    const r = await t.apply({ changed: [{ dn: renamed, id: before.externalId!, kind: 'user' }] });
    expect(r!.counts).toMatchObject({ updated: 1, trashed: 0 });
    expect((await t.user('ann2'))!).toMatchObject({ externalId: before.externalId, groups: ['chosen'], status: 'active' });

    const ben = (await t.user('ben'))!;
    await slapd.deleteEntry(t.ben);
    const d = await t.apply({ deleted: [{ id: ben.externalId! }] });
    expect(d!.counts).toMatchObject({ trashed: 1 });
    expect((await t.user('ben'))!).toMatchObject({ status: 'trashed', groups: [] });
  });

  it('holds removals when small increments add up over the window', async () => {
    const t = await setup(storeUrl, { safeguard: { maxRemovals: 2, maxRemovalPercent: null } });
    await slapd.removeMembers(t.chosen, [t.ann]);
    expect((await t.apply({ changed: [{ dn: t.chosen }] }))!.counts).toMatchObject({ trashed: 1 });
    await slapd.removeMembers(t.chosen, [t.ben]);
    expect((await t.apply({ changed: [{ dn: t.chosen }] }))!.counts).toMatchObject({ trashed: 1 });
    await slapd.removeMembers(t.team, [t.cat]);
    const held = (await t.apply({ changed: [{ dn: t.team }] }))!;
    expect(held.counts).toMatchObject({ trashed: 0, held: 1 });
    expect((await t.user('cat'))!.status).toBe('active');
    const pending = await t.store.db.selectFrom('approvals').selectAll().where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(1);
    // Whoever decides sees which limit it went over, and that it was counted over the hour.
    expect(pending[0].threshold).toBe('more than 2 users, counted over the last hour');
  });
});
