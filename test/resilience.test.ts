import { spawn } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { testStores } from './support/stores.js';
import { uniqueName, Workspace } from './support/workspace.js';
import { Store } from '../src/store/db.js';

let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

async function bigOrg(users: number) {
  const base = await slapd.addOu(uniqueName('k'));
  const people = await slapd.addOu('people', base);
  const groups = await slapd.addOu('groups', base);
  const dns: string[] = [];
  const c = await slapd.ldap();
  try {
    const { Attribute } = await import('ldapts');
    for (let i = 0; i < users; i += 200) {
      const batch = [];
      for (let j = i; j < Math.min(users, i + 200); j++) {
        const dn = `uid=user${j},${people}`;
        dns.push(dn);
        batch.push(
          c.add(dn, [
            new Attribute({ type: 'objectClass', values: ['inetOrgPerson'] }),
            new Attribute({ type: 'uid', values: [`user${j}`] }),
            new Attribute({ type: 'cn', values: [`User ${j}`] }),
            new Attribute({ type: 'sn', values: [String(j)] }),
          ]),
        );
      }
      await Promise.all(batch);
    }
  } finally {
    await c.unbind();
  }
  const all = await slapd.addGroup({ ou: groups, cn: 'everyone', members: dns });
  return { base, people, groups, all, dns };
}

describe.each(testStores())('crash safety (%s store)', (_kind, storeUrl) => {
  it('a sync killed mid-run leaves a consistent store; the next run converges and marks the old one interrupted', async () => {
    const o = await bigOrg(3000);
    const ws = new Workspace({ store: storeUrl }).configure([
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: o.base,
        groups: [o.all],
        pageSize: 50,
      },
    ]);
    // The store exists and is migrated before the sync starts, so the test can watch it from outside.
    expect((await ws.cli(['runs'])).code).toBe(0);
    const watch = await Store.open(ws.store);
    const count = async (table: 'users' | 'group_members' | 'run_objects') =>
      Number(
        (
          await watch.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const child = spawn(process.execPath, [path.resolve('bin/idsync.js'), '--config', ws.configFile, 'sync'], { cwd: ws.dir, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Kill it once some pages, but not all, are committed.
    let killedAt = 0;
    for (let i = 0; i < 600 && !killedAt; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const n = await count('users');
      if (n > 0 && n < 3000) {
        child.kill('SIGKILL');
        killedAt = n;
      }
    }
    await exited;
    expect(killedAt).toBeGreaterThan(0);

    let committed = 0;
    // Consistent: whole pages only, every user row complete, no memberships (they come last).
    try {
      const users = await watch.db.selectFrom('users').selectAll().execute();
      committed = users.length;
      expect(users.length % 50).toBe(0);
      expect(users.length).toBeLessThan(3000);
      for (const u of users) expect(u.external_id && u.username && u.status === 'active').toBeTruthy();
      expect(await count('group_members')).toBe(0);
      const runs = await watch.db.selectFrom('runs').selectAll().execute();
      expect(runs).toHaveLength(1);
      expect(runs[0].status).toBe('running');
      expect(await count('run_objects')).toBe(users.length);
    } finally {
      await watch.close();
    }

    const r = await ws.sync();
    expect(r.counts).toMatchObject({ created: 3000 - committed, unchanged: committed, membersAdded: 3000, trashed: 0 });
    const s = await ws.export();
    expect(s.users).toHaveLength(3000);
    expect(s.groups[0].members).toHaveLength(3000);
    const runs = await ws.json(['runs']);
    expect(runs.map((x: { status: string }) => x.status)).toEqual(['succeeded', 'interrupted']);
  });
});
