import type { Db } from './sync/rows.js';

/** The group-graph snapshot saved by the directory's last full sync under `fingerprint`; undefined when none. */
export async function loadGraphCache(db: Db, directoryId: number, fingerprint: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('group_graph_cache')
    .select('snapshot')
    .where('directory_id', '=', directoryId)
    .where('fingerprint', '=', fingerprint)
    .executeTakeFirst();
  return row?.snapshot;
}

export async function saveGraphCache(db: Db, directoryId: number, fingerprint: string, snapshot: string, now: Date): Promise<void> {
  await db
    .insertInto('group_graph_cache')
    .values({ directory_id: directoryId, fingerprint, snapshot, saved_at: now.toISOString() })
    .onConflict((oc) => oc.column('directory_id').doUpdateSet({ fingerprint, snapshot, saved_at: now.toISOString() }))
    .execute();
  // Kysely's query compiler (one per Kysely instance) keeps the last query's parameters until it
  // compiles the next one (DefaultQueryCompiler#parameters), and a first sync's user pages run
  // on the store's own statements: the snapshot (6 MB at 100,000 users) stayed alive for the whole
  // sync (heap snapshot, issue 11: peak memory). Compiling a small query lets it go.
  db.selectFrom('group_graph_cache').select('directory_id').where('directory_id', '=', directoryId).compile();
}
