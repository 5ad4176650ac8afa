import type { Insertable, Selectable, Updateable } from 'kysely';
import type { DirectoriesTable, GroupsTable, UsersTable } from '../schema.js';

/**
 * The row shapes the sync write path reads and writes, and the Kysely handle its SQL runs on. They
 * live here, below both src/store/db.ts and the writers it opens, so that neither imports the
 * other's module for a type (db → sqlite-fast-path → users → db was an import cycle).
 */
export type { Db } from '../db-handle.js';

export type UserRow = Selectable<UsersTable>;
export type NewUserRow = Insertable<UsersTable>;
export type UserPatch = Updateable<UsersTable>;

export type GroupRow = Selectable<GroupsTable>;
export type NewGroupRow = Omit<Insertable<GroupsTable>, 'id'>;

export type DirectoryRow = Selectable<DirectoriesTable>;
