import { afterAll, inject } from 'vitest';
import { Store } from '../../src/store/db.js';

/**
 * The stores the write-path suites run over, as kysely runs one suite over every dialect:
 * `describe.each(testStores())('… (%s)', (kind, storeUrl) => …)`. Each call of `storeUrl()` gives
 * a fresh store: a SQLite file under the given folder, or a PostgreSQL schema of its own, dropped
 * when the test file ends.
 */
export type StoreKind = 'sqlite' | 'postgres';

const schemas: string[] = [];
let n = 0;

export function testStores(): Array<[StoreKind, (sqliteDir: string) => string]> {
  return [
    ['sqlite', (dir) => `sqlite:${dir}/idsync-${n++}.db`],
    [
      'postgres',
      () => {
        const schema = `t_w_${process.pid}_${n++}_${Math.floor(Math.random() * 1e6)}`;
        schemas.push(schema);
        return `${inject('postgresUrl')}?schema=${schema}`;
      },
    ],
  ];
}

afterAll(async () => {
  if (schemas.length === 0) return;
  // Opened on a schema of its own (a store opened without one would migrate the public schema).
  const s = await Store.open(`${inject('postgresUrl')}?schema=${schemas[0]}`);
  try {
    for (const schema of schemas.splice(0)) await s.db.schema.dropSchema(schema).ifExists().cascade().execute();
  } finally {
    await s.close();
  }
});
