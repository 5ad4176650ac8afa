import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectSlapd, type SlapdDirectory } from '../../test/harness/index.js';
import { testStores } from '../../test/support/stores.js';
import { uniqueName } from '../../test/support/workspace.js';
import { parseConfig } from '../config/load.js';
import { Store } from '../store/db.js';
import type { SyncStore } from '../store/sync/writer.js';
import { syncDirectory } from './engine.js';

/**
 * A full sync's page of users with nothing to write opens no transaction on a store that plans
 * outside one (PostgreSQL: an empty BEGIN/COMMIT is two round trips a page); every store syncs the
 * same either way.
 */
let slapd: SlapdDirectory;
beforeAll(() => {
  slapd = connectSlapd(inject('slapd'));
});

const open: Store[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

/** Counts the transactions the sync opens. */
function countTransactions(sync: SyncStore): { n: number } {
  const count = { n: 0 };
  const transaction = sync.transaction.bind(sync);
  sync.transaction = (fn, opts) => {
    count.n++;
    return transaction(fn, opts);
  };
  return count;
}

describe.each(testStores())('page transactions of a full sync (%s store)', (kind, storeUrl) => {
  it('opens a transaction only for a page with something to write', async () => {
    const base = await slapd.addOu(uniqueName('ptx'));
    const people = await slapd.addOu('people', base);
    const groups = await slapd.addOu('groups', base);
    const users = await Promise.all(['ann', 'ben', 'cat'].map((uid) => slapd.addUser({ ou: people, uid, sn: 'Tx', mail: `${uid}@corp.example.test` })));
    const chosen = await slapd.addGroup({ ou: groups, cn: 'chosen', members: users });
    const dir = mkdtempSync(path.join(tmpdir(), 'idsync-ptx-'));
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
          },
        ],
      },
      { baseDir: dir },
    );
    const cfg = config.directories[0];
    const store = await Store.open(config.store);
    open.push(store);
    expect((await syncDirectory(store, cfg)).counts).toMatchObject({ created: 3, membersAdded: 3 });

    const unchanged = countTransactions(store.sync);
    const again = await syncDirectory(store, cfg);
    expect(again.status).toBe('succeeded');
    expect(again.counts).toMatchObject({ created: 0, updated: 0, membersAdded: 0 });
    // The last transaction (memberships, removals, the run's end) only; SQLite plans each page in one.
    if (kind === 'postgres') expect(unchanged.n).toBe(1);

    const dan = await slapd.addUser({ ou: people, uid: 'dan', sn: 'Tx', mail: 'dan@corp.example.test' });
    await slapd.addMembers(chosen, [dan]);
    const changed = countTransactions(store.sync);
    expect((await syncDirectory(store, cfg)).counts).toMatchObject({ created: 1, membersAdded: 1 });
    if (kind === 'postgres') expect(changed.n).toBe(2);
    expect((await store.db.selectFrom('users').select('username').orderBy('username').execute()).map((u) => u.username)).toEqual(['ann', 'ben', 'cat', 'dan']);
  });
});
