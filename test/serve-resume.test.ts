import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { expectConverges, freshSync } from './support/fresh-sync.js';
import { testStores } from './support/stores.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * `idsync serve` killed and started again (issue 10 item 1): whatever changed in the directory
 * while it was down (group nesting, memberships, attributes, deletions) must be in the store soon
 * after the restart, exactly as a fresh full sync would put it there, without a full sync.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});
async function org() {
  const base = await slapd.addOu(uniqueName('res'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const add = (uid: string) => slapd.addUser({ ou: people, uid, sn: 'Resume', mail: `${uid}@corp.example.test` });
  return { base, people, groups, add };
}

/** The workspace's store, opened beside the running process (a relative SQLite path is the workspace's). */
function openStore(ws: Workspace): Promise<Store> {
  return Store.open(ws.store.startsWith('sqlite:./') ? `sqlite:${path.join(ws.dir, ws.store.slice('sqlite:'.length))}` : ws.store);
}

const fullRuns = async (ws: Workspace) => (await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'full').length;

describe.each(testStores())('idsync serve resumes after a kill (OpenLDAP, %s)', (_name, storeUrl) => {
  it('applies group, user and deletion changes made while it was down, as a full sync would', async () => {
    const o = await org();
    const [ann, ben, cid] = await Promise.all(['ann', 'ben', 'cid'].map(o.add));
    const teamUsers = await Promise.all(Array.from({ length: 13 }, (_, i) => o.add(`t${i}`)));
    const zed = await o.add('zed');
    const eve = await o.add('eve');
    const team = await slapd.addGroup({ ou: o.groups, cn: 'team', members: teamUsers });
    const other = await slapd.addGroup({ ou: o.groups, cn: 'other', members: [eve] });
    const chosen = await slapd.addGroup({ ou: o.groups, cn: 'chosen', members: [ann, ben, cid, team] });
    const ws = new Workspace({ store: storeUrl }).configure([
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: o.base,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'content-sync' },
      },
    ]);
    let serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(
      async () => {
        const [s] = await ws.json(['status']);
        return s.mode === 'content-sync' && s.connected && (await ws.export()).users.length === 16;
      },
      60_000,
      250,
    );
    serve.child.kill('SIGKILL');
    await serve.stop();

    // While it is down: un-nest a group, nest another, add an existing user, remove one, change
    // an attribute, delete a member.
    await slapd.removeMembers(chosen, [team]);
    await slapd.addMembers(chosen, [other, zed]);
    await slapd.removeMembers(chosen, [ben]);
    await slapd.modify(ann, 'mail', 'ann.changed@corp.example.test');
    await slapd.deleteEntry(cid);
    const expected = await freshSync(ws);
    expect(expected.groups[0].members).toEqual(['ann', 'eve', 'zed']);

    serve = ws.serve();
    stops.push(serve.stop);
    await expectConverges(ws, expected);
    const left = (await ws.export()).users
      .filter((u) => u.status === 'trashed')
      .map((u) => u.username)
      .sort();
    expect(left).toEqual(['ben', 'cid', ...teamUsers.map((_, i) => `t${i}`)].sort());
    // Resumed from the stored cookie, not reloaded.
    expect(await fullRuns(ws)).toBe(1);
  });

  it('killed in the middle of an increment, applies that change exactly once after the restart', async () => {
    const o = await org();
    const ann = await o.add('ann');
    const bulkUsers: string[] = [];
    for (let i = 0; i < 400; i += 50) bulkUsers.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => o.add(`b${i + j}`)))));
    const bulk = await slapd.addGroup({ ou: o.groups, cn: 'bulk', members: bulkUsers });
    const chosen = await slapd.addGroup({ ou: o.groups, cn: 'chosen', members: [ann] });
    const ws = new Workspace({ store: storeUrl }).configure([
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: o.base,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'content-sync' },
      },
    ]);
    let serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(
      async () => {
        const [s] = await ws.json(['status']);
        return s.mode === 'content-sync' && s.connected;
      },
      60_000,
      250,
    );
    // Killed as soon as it logs that it is applying the change (the 400 users are being read).
    const from = serve.output().length;
    const killed = new Promise<void>((resolve) => {
      const onData = () => {
        if (!/"changed":[1-9]\d*,"deleted":\d+,"msg":"applying changes"/.test(serve.output().slice(from))) return;
        serve.child.kill('SIGKILL');
        serve.child.stderr!.off('data', onData);
        resolve();
      };
      serve.child.stderr!.on('data', onData);
    });
    await slapd.addMembers(chosen, [bulk]);
    await killed;
    await serve.stop();
    // The increment is one transaction: nothing of it is in the store.
    expect((await ws.export()).users.map((u) => u.username)).toEqual(['ann']);

    const expected = await freshSync(ws);
    serve = ws.serve();
    stops.push(serve.stop);
    await expectConverges(ws, expected);
    const store = await openStore(ws);
    try {
      const created = await store.db.selectFrom('run_objects').select(['name']).where('outcome', '=', 'created').where('object_type', '=', 'user').execute();
      const times = new Map<string, number>();
      for (const c of created) times.set(c.name, (times.get(c.name) ?? 0) + 1);
      expect(times.size).toBe(401);
      expect([...times.values()].every((n) => n === 1)).toBe(true);
      const runs = await store.db.selectFrom('runs').select(['kind', 'counts']).execute();
      const added = runs.filter((r) => r.kind !== 'full').reduce((n, r) => n + (JSON.parse(r.counts).membersAdded ?? 0), 0);
      expect(added).toBe(400);
      expect(runs.filter((r) => r.kind === 'full')).toHaveLength(1);
    } finally {
      await store.close();
    }
  });
});
