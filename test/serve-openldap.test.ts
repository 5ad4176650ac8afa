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
  return { name: 'ldap', type: 'openldap', servers: [slapd.ldapsUrl], caFile: slapd.caFile, bind: { dn: slapd.bindDn, password: slapd.password }, baseDn: o.base, groups: [chosen], safeguard: { enabled: false }, continuous };
}

describe('idsync serve on OpenLDAP', () => {
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
    expect(status[0]).toMatchObject({ directory: 'ldap', mode: 'timestamp', connected: true, lastFullSyncAt: expect.any(String), nextFullSyncAt: expect.any(String) });
    expect(await serve.stop()).toBe(0);
    expect(serve.output()).not.toContain(slapd.password);
  });
});
