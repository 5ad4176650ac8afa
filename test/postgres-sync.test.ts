import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Store } from '../src/store/db.js';
import { connectSlapd, type SlapdDirectory } from './harness/index.js';
import { uniqueName, Workspace } from './support/workspace.js';

/** The sync path end to end on a PostgreSQL store (the store suite covers both; this covers the engine). */
let slapd: SlapdDirectory;
const schema = `t_sync_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
const url = `${inject('postgresUrl')}?schema=${schema}`;

beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});
afterAll(async () => {
  const s = await Store.open(url);
  await s.db.schema.dropSchema(schema).ifExists().cascade().execute();
  await s.close();
});

describe('inbound sync into PostgreSQL', () => {
  it('syncs nested groups, trashes and restores, and holds removals for approval', async () => {
    const base = await slapd.addOu(uniqueName('pg'));
    const people = await slapd.addOu('people', base);
    const groups = await slapd.addOu('groups', base);
    const users = await Promise.all(
      ['ann', 'ben', 'cat', 'dan', 'eve'].map((uid) => slapd.addUser({ ou: people, uid, sn: 'Pg', mail: `${uid}@corp.example.test` })),
    );
    const inner = await slapd.addGroup({ ou: groups, cn: 'inner', members: users.slice(2) });
    const outer = await slapd.addGroup({ ou: groups, cn: 'outer', members: [...users.slice(0, 2), inner] });
    const ws = new Workspace({ store: url }).configure([
      {
        name: 'ldap',
        type: 'openldap',
        servers: [slapd.ldapsUrl],
        caFile: slapd.caFile,
        bind: { dn: slapd.bindDn, password: slapd.password },
        baseDn: base,
        groups: [outer],
        safeguard: { maxRemovals: 1, maxRemovalPercent: null },
      },
    ]);
    expect((await ws.sync()).counts).toMatchObject({ created: 5, membersAdded: 5 });
    expect((await ws.export()).groups[0].members).toEqual(['ann', 'ben', 'cat', 'dan', 'eve']);

    await slapd.removeMembers(inner, [users[3], users[4]]);
    const held = await ws.sync();
    expect(held.counts.held).toBe(2);
    expect((await ws.cli(['approve', String(held.runId)])).code).toBe(0);
    expect((await ws.user('dan'))!.status).toBe('trashed');

    await slapd.addMembers(inner, [users[3]]);
    expect((await ws.sync()).counts.restored).toBe(1);
    expect((await ws.user('dan'))!).toMatchObject({ status: 'active', groups: ['outer'] });
  });
});
