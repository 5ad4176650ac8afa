import path from 'node:path';
import { readFileSync } from 'node:fs';
import { Client } from 'ldapts';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { leaseStore } from '../src/store/leases.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { testStores } from './support/stores.js';
import { uniqueName, Workspace } from './support/workspace.js';
import { bindSucceeds } from './support/binds.js';

/**
 * Issue 12, "Done means": "the process killed with changes pending in the outbox, then a restart
 * that delivers them exactly once". The real thing: the built `idsync serve` (bin/idsync.js, run
 * `npm run build` first) delivering to the harness's slapd, changes recorded through the real
 * command line while it runs, SIGKILL in the middle of the delivery, and a second `idsync serve`.
 *
 * The backlog: while the changes are recorded, this test holds the directory's lease (as another
 * `idsync serve` on the store would), so the running serve is a standby that delivers nothing;
 * released, the serve takes the lease and delivers the whole backlog at once, and is killed
 * while rows are still in the outbox. Without that, each CLI call (a second or so on a loaded
 * machine) would be delivered before the next one, and there would be nothing pending to kill.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});
const stops: (() => Promise<unknown>)[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) await s();
  for (const s of stores.splice(0)) await s.close();
});

const N = 24;
const password = (i: number) => `Kill-Test-Pass-${i}-x9`;

/** The workspace's store, opened beside the running processes. */
async function openStore(ws: Workspace): Promise<Store> {
  const s = await Store.open(ws.store.startsWith('sqlite:./') ? `sqlite:${path.join(ws.dir, ws.store.slice('sqlite:'.length))}` : ws.store);
  stores.push(s);
  return s;
}

async function ldap<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ url: slapd.ldapsUrl, tlsOptions: { ca: readFileSync(slapd.caFile) } });
  try {
    return await fn(client);
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

const search = (base: string, filter: string) =>
  ldap(async (c) => {
    await c.bind(slapd.bindDn, slapd.password);
    return (await c.search(base, { scope: 'sub', filter, attributes: ['uid', 'cn', 'member', 'entryUUID'] })).searchEntries;
  });

const binds = (dn: string, password: string) => bindSucceeds({ url: slapd.ldapsUrl, caFile: slapd.caFile }, dn, password);

/** `count` calls of `fn`, `width` at a time (each is a CLI process). */
async function inParallel(count: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

describe.each(testStores())('idsync serve killed with provisioning changes pending (slapd, %s)', (kind, storeUrl) => {
  it('delivers every change exactly once after the restart', async () => {
    const S = uniqueName('');
    const ou = await slapd.addOu(uniqueName('kill'));
    const users = await slapd.addOu('users', ou);
    const groups = await slapd.addOu('groups', ou);
    const ws = new Workspace({ store: storeUrl }).configure(
      [
        {
          name: 'ldap',
          type: 'openldap',
          servers: [slapd.ldapsUrl],
          caFile: slapd.caFile,
          bind: { dn: slapd.bindDn, password: slapd.password },
          baseDn: slapd.baseDn,
          provisioning: { userContainer: users, groupContainer: groups, groups: 'all' },
        },
      ],
      { api: { listen: '127.0.0.1:0', secretsKey: 'k'.repeat(40) } },
    );
    const store = await openStore(ws);
    const outbox = async () =>
      Number(
        (
          await store.db
            .selectFrom('provision_outbox')
            .select((e) => e.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    // Another holder of the directory's lease: the serve below is its standby until it is released.
    const lease = await leaseStore(store).tryAcquire('directory:ldap');
    expect(lease).toBeDefined();
    let serve = ws.serve();
    stops.push(serve.stop);

    const cli = async (args: string[], env?: Record<string, string>) => {
      const r = await ws.cli(args, { env });
      if (r.code !== 0) throw new Error(`idsync ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    };
    const names = Array.from({ length: N }, (_, i) => `k${i}u${S}`);
    // SQLite: one CLI at a time (concurrent CLI writers there can fail with "database is locked", a separate matter).
    await inParallel(N, kind === 'sqlite' ? 1 : 4, async (i) => {
      await cli(['users', 'add', names[i], '--full-name', `Kill Test ${i}`]);
      await cli(['users', 'password', names[i], '--from-env', 'KILL_PW'], { KILL_PW: password(i) });
    });
    await cli(['groups', 'add', `crew${S}`]);
    await cli(['groups', 'members', 'add', `crew${S}`, ...names]);
    // One coalesced row per object: each user (created, given a password, added to the group) and the group.
    expect(await outbox()).toBe(N + 1);
    expect(await search(ou, '(objectClass=*)')).toHaveLength(3);

    // Released: the serve takes the lease (within its standby retry) and delivers; killed mid-way.
    await lease!.release();
    let atKill = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < 30_000) {
      const n = await outbox();
      if (n > 0 && n < N + 1) {
        serve.child.kill('SIGKILL');
        atKill = n;
        break;
      }
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    await serve.stop();
    const firstLog = serve.output();
    expect(atKill, 'the serve was to be killed with rows still in the outbox').toBeGreaterThan(0);
    // Some were delivered before the kill, and some were not.
    expect(await outbox()).toBeGreaterThan(0);

    serve = ws.serve();
    stops.push(serve.stop);
    await ws.waitFor(async () => (await outbox()) === 0, 60_000, 100);
    // The group is delivered after its members; let the last pass save its records.
    const ids = new Map<string, number>();
    for (const n of names) ids.set(n, (await store.users.find(n))!.id);
    await ws.waitFor(async () => {
      for (const id of ids.values()) if ((await store.provisioning.recordsOf('user', id))[0]?.state !== 'exported') return false;
      return true;
    });
    await serve.stop();

    // Exactly once: one entry per user, each binding with its password, each recorded by its entryUUID.
    const entries = await search(users, '(objectClass=inetOrgPerson)');
    const byUid = new Map<string, number>();
    for (const e of entries) byUid.set(String(e.uid), (byUid.get(String(e.uid)) ?? 0) + 1);
    expect([...byUid.entries()].filter(([, c]) => c !== 1)).toEqual([]);
    expect([...byUid.keys()].sort()).toEqual([...names].sort());
    for (const [i, n] of names.entries()) {
      const dn = `uid=${n},${users}`;
      expect(await binds(dn, password(i)), `${n} binds with its password`).toBe(true);
      const entry = entries.find((e) => e.uid === n)!;
      expect(await store.provisioning.recordsOf('user', ids.get(n)!)).toEqual([
        expect.objectContaining({ directory: 'ldap', state: 'exported', targetDn: dn, targetId: String(entry.entryUUID).toLowerCase() }),
      ]);
    }
    const crew = await search(groups, `(cn=crew${S})`);
    expect(crew).toHaveLength(1);
    expect([crew[0].member].flat().sort()).toEqual(names.map((n) => `uid=${n},${users}`).sort());
    const group = (await store.localGroups.find(`crew${S}`))!;
    expect(await store.provisioning.recordsOf('group', group.id)).toEqual([
      expect.objectContaining({ state: 'exported', targetId: String(crew[0].entryUUID).toLowerCase() }),
    ]);
    expect(await outbox()).toBe(0);
    // No password in either serve's log.
    for (let i = 0; i < N; i++) expect(firstLog + serve.output()).not.toContain(password(i));
  }, 240_000);
});
