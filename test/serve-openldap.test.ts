import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { exportStore } from '../src/store/export.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * `idsync serve` against a real slapd: the process keeps the store in step with the directory.
 * Reads go straight to the store (SQLite in WAL mode allows a reader beside the writer).
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
  const base = await slapd.addOu(uniqueName('srv'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const add = (uid: string) => slapd.addUser({ ou: people, uid, sn: 'Serve', mail: `${uid}@corp.example.test` });
  return { base, people, groups, add };
}

async function snapshot(ws: Workspace) {
  const store = await Store.open(`sqlite:${path.join(ws.dir, 'data', 'idsync.db')}`);
  try {
    return await exportStore(store);
  } finally {
    await store.close();
  }
}

function serveConfig(o: Awaited<ReturnType<typeof org>>, chosen: string, continuous: Record<string, unknown>) {
  return {
    name: 'ldap',
    type: 'openldap',
    servers: [slapd.ldapsUrl],
    caFile: slapd.caFile,
    bind: { dn: slapd.bindDn, password: slapd.password },
    baseDn: o.base,
    groups: [chosen],
    safeguard: { enabled: false },
    continuous,
  };
}

describe('idsync serve on OpenLDAP', () => {
  it('with Content Sync refreshAndPersist: each change kind reaches the store (latency: bench/latency.ts)', async () => {
    const o = await org();
    const ann = await o.add('ann');
    const team = await slapd.addGroup({ ou: o.groups, cn: 'team', members: [ann] });
    const chosen = await slapd.addGroup({ ou: o.groups, cn: 'chosen', members: [team] });
    const other = await slapd.addGroup({ ou: o.groups, cn: 'other', members: [] });
    const ws = new Workspace().configure([serveConfig(o, chosen, { changes: 'content-sync' })]);
    const serve = ws.serve();
    stops.push(serve.stop);
    const user = async (n: string) => (await snapshot(ws)).users.find((u) => u.username === n);
    await ws.waitFor(async () => (await user('ann'))?.status === 'active');
    await ws.waitFor(async () => (await ws.json(['status']))[0].connected && (await ws.json(['status']))[0].mode === 'content-sync');

    // create + add to a nested group
    const ben = await o.add('ben');
    await slapd.addMembers(team, [ben]);
    await ws.waitFor(async () => (await user('ben'))?.groups.includes('chosen'), 20_000);
    // attribute change
    await slapd.modify(ben, 'mail', 'ben.new@corp.example.test');
    await ws.waitFor(async () => (await user('ben'))?.email === 'ben.new@corp.example.test', 20_000);
    // nesting a whole group, and unnesting it
    const cid = await o.add('cid');
    await slapd.addMembers(other, [cid]);
    await slapd.addMembers(chosen, [other]);
    await ws.waitFor(async () => (await user('cid'))?.status === 'active', 20_000);
    await slapd.removeMembers(chosen, [other]);
    await ws.waitFor(async () => (await user('cid'))?.status === 'trashed', 20_000);
    // rename keeps identity
    const before = (await user('ann'))!;
    await slapd.rename(ann, 'uid=ann2');
    await ws.waitFor(async () => (await user('ann2'))?.externalId === before.externalId, 20_000);
    // delete
    await slapd.deleteEntry(ben);
    await ws.waitFor(async () => (await user('ben'))?.status === 'trashed', 20_000);

    // the server restarts mid-stream: the worker reconnects and resumes from the stored cookie
    await slapd.restart();
    const dan = await o.add('dan');
    await slapd.addMembers(team, [dan]);
    await ws.waitFor(async () => (await user('dan'))?.status === 'active', 20_000);
    expect(serve.output()).toMatch(/change stream failed; reconnecting/);
    expect(await serve.stop()).toBe(0);
  });

  it('follows a disable (disabled filter) and a move out of a container item as they happen', async () => {
    const o = await org();
    const staff = await slapd.addOu('staff', o.people);
    const elsewhere = await slapd.addOu('elsewhere', o.base);
    const ann = await slapd.addUser({ ou: staff, uid: 'ann', sn: 'Serve', employeeType: 'active' });
    const ben = await slapd.addUser({ ou: staff, uid: 'ben', sn: 'Serve', employeeType: 'active' });
    const cfg = {
      ...serveConfig(o, `cn=unused,${o.groups}`, { changes: 'content-sync' }),
      groups: [],
      syncItems: [{ container: staff }],
      disabledFilter: '(employeeType=locked)',
    };
    const ws = new Workspace().configure([cfg]);
    const serve = ws.serve();
    stops.push(serve.stop);
    const user = async (n: string) => (await snapshot(ws)).users.find((u) => u.username === n);
    await ws.waitFor(async () => (await user('ben'))?.status === 'active' && (await ws.json(['status']))[0].connected);

    await slapd.modify(ann, 'employeeType', 'locked');
    await ws.waitFor(async () => (await user('ann'))?.status === 'disabled', 20_000);
    expect((await user('ann'))!.statusReason).toMatch(/disabledFilter/);

    await slapd.move(ben, elsewhere);
    await ws.waitFor(async () => (await user('ben'))?.status === 'trashed', 20_000);
    // and back into scope: restored with the same identity
    const before = (await user('ben'))!;
    await slapd.move(`uid=ben,${elsewhere}`, staff);
    await ws.waitFor(async () => (await user('ben'))?.status === 'active', 20_000);
    expect((await user('ben'))!.externalId).toBe(before.externalId);
  });

  it('reloads when the server refuses the stored cookie', async () => {
    const o = await org();
    const ann = await o.add('ann');
    const chosen = await slapd.addGroup({ ou: o.groups, cn: 'chosen', members: [ann] });
    const ws = new Workspace().configure([serveConfig(o, chosen, { changes: 'content-sync' })]);
    let serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await ws.json(['status']))[0].mode === 'content-sync' && (await ws.json(['status']))[0].connected);
    await serve.stop();
    // A cookie from the server's future (as after restoring an older backup of the directory).
    const store = await Store.open(`sqlite:${path.join(ws.dir, 'data', 'idsync.db')}`);
    await store.db
      .updateTable('sync_state')
      .set({ cookie: Buffer.from('rid=000,csn=20991231235959.999999Z#000000#000#000000').toString('base64') })
      .execute();
    await store.close();
    serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'full').length === 2);
    expect(serve.output()).toMatch(/refused our cookie/);
    const ben = await o.add('ben');
    await slapd.addMembers(chosen, [ben]);
    await ws.waitFor(async () => (await snapshot(ws)).users.some((u) => u.username === 'ben'));
  });

  it('resumes from the stored cookie after the process is killed, without losing a change', async () => {
    const o = await org();
    const ann = await o.add('ann');
    const chosen = await slapd.addGroup({ ou: o.groups, cn: 'chosen', members: [ann] });
    const ws = new Workspace().configure([serveConfig(o, chosen, { changes: 'content-sync' })]);
    let serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await ws.json(['status']))[0].mode === 'content-sync' && (await ws.json(['status']))[0].connected);
    serve.child.kill('SIGKILL');
    await serve.stop();
    // changes while idsync is down
    const ben = await o.add('ben');
    await slapd.addMembers(chosen, [ben]);
    await slapd.modify(ann, 'sn', 'Changed');
    serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => {
      const s = await snapshot(ws);
      return s.users.find((u) => u.username === 'ben')?.status === 'active' && s.users.find((u) => u.username === 'ann')?.lastName === 'Changed';
    });
    // resumed, not reloaded: exactly one full sync ran
    const runs = await ws.json(['runs']);
    expect(runs.filter((r: { kind: string }) => r.kind === 'full')).toHaveLength(1);
  });

  it('with modifyTimestamp polling: syncs at start, then follows changes, and reports its status', async () => {
    const o = await org();
    const ann = await o.add('ann');
    const chosen = await slapd.addGroup({ ou: o.groups, cn: 'chosen', members: [ann] });
    const ws = new Workspace().configure([serveConfig(o, chosen, { changes: 'timestamp', pollSeconds: 0.2 })]);
    const serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await snapshot(ws)).users.length === 1);

    const ben = await o.add('ben');
    await slapd.addMembers(chosen, [ben]);
    await ws.waitFor(async () => (await snapshot(ws)).groups[0]?.members.includes('ben'));
    await slapd.modify(ann, 'mail', 'ann.changed@corp.example.test');
    await ws.waitFor(async () => (await snapshot(ws)).users.find((u) => u.username === 'ann')?.email === 'ann.changed@corp.example.test');

    const status = await ws.json(['status']);
    expect(status[0]).toMatchObject({
      directory: 'ldap',
      mode: 'timestamp',
      connected: true,
      lastFullSyncAt: expect.any(String),
      nextFullSyncAt: expect.any(String),
    });
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).not.toContain(slapd.password);
  });
});
