import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { expectConverges, freshSync } from './support/fresh-sync.js';
import { testStores } from './support/stores.js';
import { uniqueName, Workspace } from './support/workspace.js';

/**
 * Two `idsync serve` on one store (issue 10 item 13): one holds the directory's lease and runs it,
 * the other stands by, writes nothing, and takes over when the holder is killed.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});
const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
});
function openStore(ws: Workspace): Promise<Store> {
  return Store.open(ws.store.startsWith('sqlite:./') ? `sqlite:${path.join(ws.dir, ws.store.slice('sqlite:'.length))}` : ws.store);
}

/** Which processes wrote runs (runs.pid), in order. */
async function runPids(ws: Workspace): Promise<number[]> {
  const store = await openStore(ws);
  try {
    return (await store.db.selectFrom('runs').select('pid').orderBy('id').execute()).map((r) => Number(r.pid));
  } finally {
    await store.close();
  }
}

describe.each(testStores())('two idsync serve on one store (%s)', (_name, storeUrl) => {
  it('the second stands by, writes nothing, and takes over when the holder is killed', async () => {
    const base = await slapd.addOu(uniqueName('lease'));
    const people = await slapd.addOu('people', base);
    const groups = await slapd.addOu('groups', base);
    const add = (uid: string) => slapd.addUser({ ou: people, uid, sn: 'Lease', mail: `${uid}@corp.example.test` });
    const ann = await add('ann');
    const chosen = await slapd.addGroup({ ou: groups, cn: 'chosen', members: [ann] });
    const ws = new Workspace({ store: storeUrl }).configure([
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: base,
        groups: [chosen],
        safeguard: { enabled: false },
        continuous: { changes: 'content-sync' },
      },
    ]);
    const first = ws.serve();
    stops.push(first.stop);
    const status = async () => (await ws.json(['status']))[0];
    await ws.waitFor(
      async () => {
        const s = await status();
        return s.connected && s.lease?.held && s.lease.pid === first.child.pid;
      },
      60_000,
      250,
    );

    const second = ws.serve();
    stops.push(second.stop);
    await ws.waitFor(async () => /standing by: the directory's lease is held by/.test(second.output()), 30_000, 100);
    expect((await status()).lease).toMatchObject({ held: true, pid: first.child.pid });
    const text = await ws.cli(['status']);
    expect(text.stdout).toContain(`lease: held by`);
    expect(text.stdout).toContain(`pid ${first.child.pid}`);

    // Changes while both run: applied by the holder alone.
    const ben = await add('ben');
    await slapd.addMembers(chosen, [ben]);
    await ws.waitFor(async () => (await ws.user('ben'))?.status === 'active', 30_000, 250);
    await slapd.modify(ann, 'mail', 'ann.both@corp.example.test');
    await ws.waitFor(async () => (await ws.user('ann'))?.email === 'ann.both@corp.example.test', 30_000, 250);
    expect(new Set(await runPids(ws))).toEqual(new Set([first.child.pid]));
    expect(second.output()).not.toMatch(/changes applied|sync finished|lease taken/);

    // The holder dies; the standby takes the lease (SQLite: at once, the dead holder's pid being
    // gone on this machine, else after the 10 s expiry, see src/store/leases.ts and its test;
    // PostgreSQL: when the lock's connection ends) and resumes from the stored position, without
    // a full sync.
    first.child.kill('SIGKILL');
    await first.stop();
    const cid = await add('cid');
    await slapd.addMembers(chosen, [cid]);
    await slapd.removeMembers(chosen, [ben]);
    await ws.waitFor(
      async () => {
        const s = await status();
        return s.lease?.held && s.lease.pid === second.child.pid && s.connected;
      },
      45_000,
      250,
    );
    await expectConverges(ws, await freshSync(ws));
    const pids = await runPids(ws);
    expect(pids.at(-1)).toBe(second.child.pid);
    expect(new Set(pids)).toEqual(new Set([first.child.pid, second.child.pid]));
    expect((await ws.json(['runs'])).filter((r: { kind: string }) => r.kind === 'full')).toHaveLength(1);

    // A clean stop gives the lease back at once.
    expect(await second.stop()).toBe(0);
    const after = (await status()).lease;
    expect(after === null || after.held === false).toBe(true);
  });
});
