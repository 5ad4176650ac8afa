import { countOf, type Db, type Page } from './db-handle.js';

export interface TrashedUser {
  id: number;
  username: string;
  /** The directory that put the user in the trash; null for a local user. */
  directory: string | null;
  statusReason: string | null;
  trashedAt: string | null;
  deleteAfter: string | null;
}

/**
 * Users in the trash. Which of them may be restored by hand (those no configured directory owns)
 * is the caller's rule: the store does not know the configuration.
 */
export interface Trash {
  /** Soonest deletion first. */
  list(q: { directory?: string; limit: number; offset: number }): Promise<Page<TrashedUser>>;
  /** The user, by username, when they are in the store: `status` says whether they are in the trash. */
  find(username: string): Promise<(TrashedUser & { status: string }) | undefined>;
  /** Brings the user back as a local user: no directory, no link to a directory entry. */
  restoreAsLocal(userId: number, now: Date): Promise<void>;
  /** Deletes the user for good, with their group memberships. */
  purge(userId: number): Promise<void>;
}

export class KyselyTrash implements Trash {
  constructor(private readonly db: Db) {}

  async list(q: { directory?: string; limit: number; offset: number }): Promise<Page<TrashedUser>> {
    let base = this.db.selectFrom('users').leftJoin('directories', 'directories.id', 'users.directory_id').where('users.status', '=', 'trashed');
    if (q.directory) base = base.where('directories.name', '=', q.directory);
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const rows = await base
      .select(['users.id', 'users.username', 'directories.name as directory', 'users.status_reason', 'users.trashed_at', 'users.delete_after'])
      .orderBy('users.delete_after')
      .orderBy('users.username_key')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return {
      items: rows.map((r) => ({
        id: r.id,
        username: r.username,
        directory: r.directory,
        statusReason: r.status_reason,
        trashedAt: r.trashed_at,
        deleteAfter: r.delete_after,
      })),
      total,
    };
  }

  async find(username: string): Promise<(TrashedUser & { status: string }) | undefined> {
    const u = await this.db
      .selectFrom('users')
      .leftJoin('directories', 'directories.id', 'users.directory_id')
      .select(['users.id', 'users.username', 'users.status', 'directories.name as directory', 'users.status_reason', 'users.trashed_at', 'users.delete_after'])
      .where('users.username_key', '=', username.toLowerCase())
      .executeTakeFirst();
    return (
      u && {
        id: u.id,
        username: u.username,
        status: u.status,
        directory: u.directory,
        statusReason: u.status_reason,
        trashedAt: u.trashed_at,
        deleteAfter: u.delete_after,
      }
    );
  }

  async restoreAsLocal(userId: number, now: Date): Promise<void> {
    await this.db
      .updateTable('users')
      .set({
        status: 'active',
        status_reason: null,
        trashed_at: null,
        delete_after: null,
        directory_id: null,
        external_id: null,
        dn: null,
        dn_key: null,
        sync_item: null,
        updated_at: now.toISOString(),
      })
      .where('id', '=', userId)
      .execute();
  }

  async purge(userId: number): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', userId).execute();
  }
}
