import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { testStores } from '../../test/support/stores.js';
import { uniqueName } from '../../test/support/workspace.js';
import { parseConfig } from '../config/load.js';
import { Store } from '../store/db.js';
import { syncDirectory, SyncFailedError } from './engine.js';

/**
 * A directory's first load hands its pages of new users to the store's loader (a writer thread on
 * SQLite) while the run reads on. Whether it does must not show: the same store, the same run log
 * and report as a run that writes each page itself, including a username taken by an entry of a
 * page still being written, and a page that fails.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Users in two containers read in this order, two a page: `ann` of the second is a second entry with a username the first has. */
async function org() {
  const base = await slapd.addOu(uniqueName('pload'));
  const first = await slapd.addOu('first', base);
  const second = await slapd.addOu('second', base);
  const groups = await slapd.addOu('groups', base);
  const users: string[] = [];
  for (const uid of ['ann', 'ben', 'cat', 'dan', 'eve']) users.push(await slapd.addUser({ ou: first, uid, sn: 'Load', mail: `${uid}@corp.example.test` }));
  for (const uid of ['fay', 'ann', 'gus', 'boom', 'hal']) users.push(await slapd.addUser({ ou: second, uid, sn: 'Load', mail: `${uid}2@corp.example.test` }));
  const chosen = await slapd.addGroup({ ou: groups, cn: 'chosen', members: users });
  return { base, chosen };
}

/** The store as a run left it, without store ids and times. */
async function contents(store: Store) {
  const users = await store.db
    .selectFrom('users')
    .select(['id', 'username', 'external_id', 'dn', 'status', 'email', 'phones', 'source_hash'])
    .orderBy('id')
    .execute();
  const name = new Map(users.map((u) => [u.id, u.username]));
  const log = await store.db.selectFrom('run_objects').select(['name', 'user_id', 'outcome', 'detail']).orderBy('id').execute();
  const members = await store.db.selectFrom('group_members').select('user_id').execute();
  const runs = await store.db.selectFrom('runs').select(['status', 'counts', 'error']).orderBy('id').execute();
  return {
    users: users.map(({ id: _, ...u }) => u),
    log: log.map((l) => ({ ...l, user_id: l.user_id === null ? null : name.get(l.user_id) })),
    members: members.map((m) => name.get(m.user_id)).sort(),
    runs,
  };
}

describe.each(testStores())('a first load written on the side (%s store)', (_kind, storeUrl) => {
  const run = async (o: { base: string; chosen: string }, loadAfter: number, failOn?: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-pload-'));
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
            baseDn: o.base,
            groups: [o.chosen],
            pageSize: 2,
          },
        ],
      },
      { baseDir: dir },
    );
    const store = await Store.open(config.store);
    open.push(store);
    if (failOn) {
      // A page the store refuses, whichever connection writes it.
      const abort =
        store.dialect === 'sqlite'
          ? sql`create trigger refuse before insert on users when new.username = ${sql.lit(failOn)} begin select raise(abort, 'refused by the test'); end`
          : sql`create function refuse() returns trigger language plpgsql as $$ begin
              if new.username = ${sql.lit(failOn)} then raise exception 'refused by the test'; end if; return new; end $$`;
      await abort.execute(store.db);
      if (store.dialect !== 'sqlite') await sql`create trigger refuse before insert on users for each row execute function refuse()`.execute(store.db);
    }
    const report = await syncDirectory(store, config.directories[0], { loadAfter }).catch((e: unknown) =>
      e instanceof SyncFailedError ? e.report : Promise.reject(e),
    );
    const { durationMs: _, runId: __, attempts: ___, ...rest } = report;
    return { report: rest, store: await contents(store) };
  };

  it('leaves the store, the run log and the report as writing each page in turn does', async () => {
    const o = await org();
    const inTurn = await run(o, Number.POSITIVE_INFINITY);
    const onTheSide = await run(o, 0);
    expect(inTurn.report.counts).toMatchObject({ created: 9, conflict: 1, membersAdded: 9 });
    expect(inTurn.store.log.find((l) => l.outcome === 'conflict')?.detail).toContain('another entry');
    expect(onTheSide).toEqual(inTurn);
  });

  it('stops at a page that fails, with the pages before it written and the counts as of that page', async () => {
    const o = await org();
    const inTurn = await run(o, Number.POSITIVE_INFINITY, 'boom');
    const onTheSide = await run(o, 0, 'boom');
    expect(inTurn.report.status).toBe('failed');
    expect(inTurn.report.error?.message).toContain('refused by the test');
    expect(inTurn.store.users.map((u) => u.username)).toEqual(['ann', 'ben', 'cat', 'dan', 'eve', 'fay', 'gus']);
    expect(onTheSide).toEqual(inTurn);
  });
});
