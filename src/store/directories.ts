import type { DirectoryConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Store } from './db.js';

/**
 * The store's record of a configured directory. Its username attribute is locked once the
 * directory has synced: changing it would re-key every user (Duo refuses the same change).
 */
export async function ensureDirectory(store: Store, cfg: DirectoryConfig, now: Date): Promise<{ id: number; firstSyncedAt: string | null }> {
  // The row is created by one statement that tolerates a concurrent creator: several processes
  // (concurrent `idsync users add`, several serve nodes) may meet a directory for the first time
  // together, and a select-then-insert let the second fail on directories_name_key.
  await store.db
    .insertInto('directories')
    .values({ name: cfg.name, type: cfg.type, username_attribute: cfg.attributes.username, first_synced_at: null, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return store.transaction(async (trx) => {
    const row = await trx.selectFrom('directories').selectAll().where('name', '=', cfg.name).executeTakeFirstOrThrow();
    if (row.type !== cfg.type) {
      throw new IdsyncError(
        'CONFIG_INVALID',
        `directory "${cfg.name}" was synced as ${row.type} and is now configured as ${cfg.type}; use a new name for a different directory`,
        { where: `${cfg.name}.type` },
      );
    }
    if (row.username_attribute.toLowerCase() !== cfg.attributes.username.toLowerCase()) {
      if (row.first_synced_at) {
        throw new IdsyncError(
          'USERNAME_ATTRIBUTE_LOCKED',
          `directory "${cfg.name}": the username attribute cannot change after the first sync (it is ${row.username_attribute}, the configuration says ` +
            `${cfg.attributes.username}); use username aliases for other login names`,
          { where: `${cfg.name}.attributes.username` },
        );
      }
      await trx.updateTable('directories').set({ username_attribute: cfg.attributes.username }).where('id', '=', row.id).execute();
    }
    return { id: row.id, firstSyncedAt: row.first_synced_at };
  });
}

export async function markSynced(store: Store, id: number, now: Date): Promise<void> {
  await store.db.updateTable('directories').set({ first_synced_at: now.toISOString() }).where('id', '=', id).where('first_synced_at', 'is', null).execute();
}

/** The store's id of a directory, by name; undefined when it was never synced. */
export async function directoryIdOf(store: Store, name: string): Promise<number | undefined> {
  return (await store.db.selectFrom('directories').select('id').where('name', '=', name).executeTakeFirst())?.id;
}
