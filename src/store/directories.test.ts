import { describe, expect, it } from 'vitest';
import { directoryConfig } from '../../test/support/directory-config.js';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';
import { ensureDirectory } from './directories.js';

/**
 * Several processes (concurrent `idsync users add`, several serve nodes) meet a configured
 * directory for the first time together: each must get the one row, none an error. CI found
 * `duplicate key value violates unique constraint "directories_name_key"` from exactly this.
 */
describe.each(storeBackends('dirs'))('ensureDirectory on %s', (backend, makeUrl) => {
  it('gives every concurrent first caller the same row, across store handles', async () => {
    const url = makeUrl();
    // SQLite: one handle. Its transactions begin IMMEDIATE and better-sqlite3 waits for a lock
    // synchronously, so two handles in one process would deadlock on each other, which two
    // processes do not; the cross-handle race is PostgreSQL's (it failed there before the fix).
    const handles = backend === 'sqlite' ? 1 : 3;
    const stores = await Promise.all(Array.from({ length: handles }, () => openTestStore(url)));
    const cfg = directoryConfig({ type: 'openldap', servers: ['ldap://127.0.0.1:1'], bindDn: 'cn=x', password: 'x', baseDn: 'dc=x' });
    const now = new Date();
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => ensureDirectory(stores[i % stores.length], cfg, now)));
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed.map((r) => String((r as PromiseRejectedResult).reason))).toEqual([]);
    const ids = new Set(results.map((r) => (r as PromiseFulfilledResult<{ id: number }>).value.id));
    expect(ids.size).toBe(1);
    const rows = await stores[0].db.selectFrom('directories').select('id').where('name', '=', cfg.name).execute();
    expect(rows.length).toBe(1);
  });
});
