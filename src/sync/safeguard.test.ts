import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { testStores } from '../../test/support/stores.js';
import { uniqueName } from '../../test/support/workspace.js';
import { parseConfig } from '../config/load.js';
import { DirectoryConnection } from '../directory/connection.js';
import { Store } from '../store/db.js';
import { exportStore } from '../store/export.js';
import { syncDirectory } from './engine.js';
import { applyChangeSet, REMOVAL_WINDOW_MS, type ChangeSet } from './incremental.js';
import type { DirectoryReader } from './read.js';
import { decideApproval } from './removals.js';

/**
 * The safeguard of increments against a real slapd and a real store, with the injectable clock:
 * removals counted over a sliding hour (and that hour running out), and memberships held with the
 * removals they go with (issue 10, item 2).
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function setup(storeUrl: (dir: string) => string, safeguard: Record<string, unknown>) {
  const base = await slapd.addOu(uniqueName('sgi'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const users = await Promise.all(
    ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'].map((uid) => slapd.addUser({ ou: people, uid, sn: 'Inc', mail: `${uid}@corp.example.test` })),
  );
  const chosen = await slapd.addGroup({ ou: groups, cn: 'chosen', members: users });
  const dir = mkdtempSync(path.join(tmpdir(), 'idsync-sgi-'));
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
          safeguard,
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
  // The increments' clock starts after the full sync and moves only when the test moves it.
  let now = new Date(Date.now() + 60_000);
  const clock = { advance: (ms: number) => (now = new Date(now.getTime() + ms)), now: () => now };
  const ctx = { store, cfg, directoryId, reader, now: () => now };
  const apply = (cs: Partial<ChangeSet>) => applyChangeSet(ctx, { changed: [], deleted: [], state: { mode: 'test', cookie: 'c' }, ...cs });
  const leave = async (i: number) => {
    await slapd.removeMembers(chosen, [users[i]]);
    return (await apply({ changed: [{ dn: chosen }] }))!;
  };
  const state = async (name: string) => {
    const u = (await exportStore(store)).users.find((x) => x.username === name)!;
    return [u.status, u.groups];
  };
  return { store, cfg, users, chosen, clock, apply, leave, state };
}

describe.each(testStores())('safeguard of increments (%s store)', (_kind, storeUrl) => {
  it('holds the memberships of a held removal with it', async () => {
    const t = await setup(storeUrl, { maxRemovals: 1, maxRemovalPercent: null });
    expect((await t.leave(0)).counts).toMatchObject({ trashed: 1 });
    const held = await t.leave(1);
    expect(held.counts).toMatchObject({ held: 1, trashed: 0, membersRemoved: 0 });
    expect(await t.state('ben')).toEqual(['active', ['chosen']]);
    await decideApproval(t.store, t.cfg, held.runId!, 'approve', t.clock.now());
    expect(await t.state('ben')).toEqual(['trashed', []]);
  });

  it('leaves a user a pending approval holds to that approval, and releases one who is back in scope', async () => {
    const t = await setup(storeUrl, { maxRemovals: 1, maxRemovalPercent: null });
    await slapd.removeMembers(t.chosen, t.users.slice(0, 2));
    const full = await syncDirectory(t.store, t.cfg, { now: t.clock.now });
    expect(full.counts).toMatchObject({ held: 2 });
    // The increments learn of the same change (the group's), and of a change to ann while she is
    // held: they neither remove nor hold again the users the pending approval holds.
    await t.apply({ changed: [{ dn: t.chosen }] });
    await slapd.modify(t.users[0], 'mail', 'ann.new@corp.example.test');
    await t.apply({ changed: [{ dn: t.users[0], kind: 'user' }] });
    expect(await t.state('ann')).toEqual(['active', ['chosen']]);
    expect(await t.state('ben')).toEqual(['active', ['chosen']]);
    const pending = () => t.store.db.selectFrom('approvals').select(['run_id', 'count']).where('status', '=', 'pending').execute();
    expect(await pending()).toEqual([{ run_id: full.runId, count: 2 }]);
    // ben is back: no longer held, so approving the run does not remove him.
    await slapd.addMembers(t.chosen, [t.users[1]]);
    await t.apply({ changed: [{ dn: t.chosen }] });
    expect(await pending()).toEqual([{ run_id: full.runId, count: 1 }]);
    await decideApproval(t.store, t.cfg, full.runId!, 'approve', t.clock.now());
    expect(await t.state('ann')).toEqual(['trashed', []]);
    expect(await t.state('ben')).toEqual(['active', ['chosen']]);
  });

  it('counts removals over a sliding hour, and forgets them once the hour has passed', async () => {
    const t = await setup(storeUrl, { maxRemovals: 2, maxRemovalPercent: null });
    expect((await t.leave(0)).counts).toMatchObject({ trashed: 1 });
    t.clock.advance(20 * 60_000);
    expect((await t.leave(1)).counts).toMatchObject({ trashed: 1 });
    // Two removals within the hour already: a third, 40 minutes after the first, is held.
    t.clock.advance(20 * 60_000);
    const held = await t.leave(2);
    expect(held.counts).toMatchObject({ trashed: 0, held: 1 });
    await decideApproval(t.store, t.cfg, held.runId!, 'reject', t.clock.now());
    expect(await t.state('cat')).toEqual(['active', ['chosen']]);

    // An hour and a minute after the first removal it has left the window: one remains, and the
    // next removal makes two, within the limit.
    t.clock.advance(REMOVAL_WINDOW_MS - 40 * 60_000 + 60_000);
    expect((await t.leave(3)).counts).toMatchObject({ trashed: 1, held: 0 });
    // Now ben's and dan's are in the window: a third is held again.
    const again = await t.leave(4);
    expect(again.counts).toMatchObject({ trashed: 0, held: 1 });
    await decideApproval(t.store, t.cfg, again.runId!, 'reject', t.clock.now());
    // Once both have passed, a removal is alone in the window again.
    t.clock.advance(REMOVAL_WINDOW_MS + 1000);
    expect((await t.leave(5)).counts).toMatchObject({ trashed: 1, held: 0 });
    expect(await t.state('fay')).toEqual(['trashed', []]);
  });
});
