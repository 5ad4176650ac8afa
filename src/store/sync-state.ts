import type { Updateable } from 'kysely';
import type { Db } from './sync/rows.js';
import type { SyncStateTable } from './schema.js';

export type SyncStatePatch = Omit<Updateable<SyncStateTable>, 'directory_id' | 'updated_at'>;
export type SyncState = SyncStateTable;

/** Upserts a directory's stream position and status. Callers pass a transaction to tie it to data. */
export async function saveSyncState(db: Db, directoryId: number, patch: SyncStatePatch, now: Date): Promise<void> {
  const existing = await db.selectFrom('sync_state').select('directory_id').where('directory_id', '=', directoryId).executeTakeFirst();
  if (existing) {
    await db
      .updateTable('sync_state')
      .set({ ...patch, updated_at: now.toISOString() })
      .where('directory_id', '=', directoryId)
      .execute();
  } else {
    await db
      .insertInto('sync_state')
      .values({ mode: 'none', connected: 0, ...patch, directory_id: directoryId, updated_at: now.toISOString() } as SyncStateTable)
      .execute();
  }
}

export async function loadSyncState(db: Db, directoryId: number): Promise<SyncState | undefined> {
  return db.selectFrom('sync_state').selectAll().where('directory_id', '=', directoryId).executeTakeFirst();
}

export async function listSyncStates(db: Db): Promise<(SyncState & { name: string; type: string })[]> {
  return db
    .selectFrom('sync_state')
    .innerJoin('directories', 'directories.id', 'sync_state.directory_id')
    .selectAll('sync_state')
    .select(['directories.name', 'directories.type'])
    .execute();
}
