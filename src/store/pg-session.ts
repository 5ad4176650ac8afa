import type { Store } from './db.js';

/**
 * What a connection of its own needs (a lease's, a node's: src/store/leases.ts, nodes.ts): the
 * store's URL without idsync's `schema` parameter (pg does not know it), the schema, and keys for
 * advisory locks and channels that differ between the stores one database holds.
 */
export function storeSchema(store: Store): string {
  return store.dialect === 'postgres' ? (new URL(store.url).searchParams.get('schema') ?? '') : '';
}

export function pgClientUrl(store: Store): string {
  const u = new URL(store.url);
  u.searchParams.delete('schema');
  return u.toString();
}

/** A stable non-negative 31-bit hash (FNV-1a) of the schema and a name: pg_locks shows the key as an unsigned oid. */
export function schemaKey(schema: string, name: string): number {
  let h = 0x811c9dc5;
  for (const ch of Buffer.from(`${schema}/${name}`)) {
    h ^= ch;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}
