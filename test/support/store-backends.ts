import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { Store } from '../../src/store/db.js';

/**
 * The store backends a store-level suite runs over, as kysely runs one suite over every dialect:
 * `describe.each(storeBackends('lease'))('… on %s', (_name, url) => …)`. Each `url()` is a fresh
 * store: a SQLite file in a temporary folder, or a PostgreSQL schema of its own. These suites run
 * without the directory harness too (IDSYNC_NO_DIRECTORIES=1), so PostgreSQL comes from
 * IDSYNC_TEST_PG_URL rather than from the harness. Stores opened with `openTestStore` are closed,
 * and their schemas dropped, when the test file ends.
 */
const pgBase = process.env.IDSYNC_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function storeBackends(prefix: string): Array<[string, () => string]> {
  return [
    ['sqlite', () => `sqlite:${path.join(mkdtempSync(path.join(tmpdir(), `idsync-${prefix}-`)), 'store.db')}`],
    ['postgres', () => `${pgBase}?schema=t_${prefix}_${process.pid}_${Math.floor(Math.random() * 1e6)}`],
  ];
}

const opened: Store[] = [];

export async function openTestStore(url: string): Promise<Store> {
  const s = await Store.open(url);
  opened.push(s);
  return s;
}

afterAll(async () => {
  // Last opened first: a schema is dropped through its last handle, after the others closed.
  for (const s of opened.splice(0).reverse()) {
    if (s.dialect === 'postgres') {
      const schema = new URL(s.url).searchParams.get('schema')!;
      await s.db.schema.dropSchema(schema).ifExists().cascade().execute();
    }
    await s.close();
  }
});
