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
}
