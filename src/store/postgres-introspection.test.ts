import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestStore, storeBackends } from '../../test/support/store-backends.js';

/**
 * Several stores may share one PostgreSQL database, each in its own schema (as the test suites do,
 * and as several idsync installations may). Opening one must not depend on the others: Kysely's
 * own introspector lists every table of every schema and calls pg_get_serial_sequence() on each,
 * so a schema dropped by someone else while a store was being migrated failed that migration
 * with `schema "…" does not exist` (seen as a flaky "migrated once" test under load).
 */
const postgres = storeBackends('introspect').find(([name]) => name === 'postgres')![1];
const pgBase = process.env.IDSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Client({ connectionString: pgBase });
afterAll(() => admin.end());

describe('a PostgreSQL store beside other schemas', () => {
  it('is created while another schema of the same database is being dropped', async () => {
    await admin.connect();
    const other = `t_introspect_other_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`create schema ${other}; create table ${other}.t (id serial primary key)`);
    // Another session drops that schema and has not committed yet when the new store migrates.
    const dropper = new pg.Client({ connectionString: pgBase });
    await dropper.connect();
    try {
      await dropper.query(`begin; drop schema ${other} cascade`);
      const opening = openTestStore(postgres()).then(
        () => 'ok',
        (err: Error) => err.message,
      );
      const early = await Promise.race([opening, new Promise((r) => setTimeout(() => r('still waiting'), 10_000))]);
      await dropper.query('commit');
      expect(await opening).toBe('ok');
      // It did not have to wait for the other session either.
      expect(early).toBe('ok');
    } finally {
      await dropper.end();
    }
  });

  it("lists only its own schema's tables", async () => {
    const other = `t_introspect_other_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
    await admin.query(`create schema ${other}; create table ${other}.not_ours (id int)`);
    try {
      const store = await openTestStore(postgres());
      const tables = await store.db.introspection.getTables();
      expect(tables.map((t) => t.name)).toContain('users');
      expect(tables.map((t) => t.name)).not.toContain('not_ours');
      expect(new Set(tables.map((t) => t.schema)).size).toBe(1);
    } finally {
      await admin.query(`drop schema ${other} cascade`);
    }
  });
});
