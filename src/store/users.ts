import { IdsyncError } from '../errors.js';
import { checkUsername } from '../usernames.js';
import type { Db } from './db-handle.js';
import { isUniqueViolation } from './unique.js';
import type { UserPatch, UserRow } from './sync/rows.js';

export type { NewUserRow, UserPatch, UserRow } from './sync/rows.js';

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
}

/** Attributes a directory owns on the users it syncs; idsync refuses to change them elsewhere. */
export const DIRECTORY_OWNED_FIELDS = ['username', 'aliases', 'full_name', 'first_name', 'last_name', 'email', 'phones', 'notes', 'status'] as const;
export type EditableField = (typeof DIRECTORY_OWNED_FIELDS)[number];

/**
 * Changes a user outside a sync. A user owned by a directory cannot have its synced attributes
 * changed here: the change would be overwritten at the next sync, so we refuse and say where the
 * attribute must be changed instead.
 */
export async function editUser(db: Db, username: string, patch: Partial<Record<EditableField, string | null>>, now: Date): Promise<UserRow> {
  const user = await findUserByUsername(db, username);
  if (!user) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
  const fields = Object.keys(patch) as EditableField[];
  for (const f of fields) {
    if (!DIRECTORY_OWNED_FIELDS.includes(f)) throw new IdsyncError('USAGE', `"${f}" is not an editable user field`, { where: f });
  }
  if (user.directory_id !== null && fields.length) {
    const dir = await db.selectFrom('directories').select('name').where('id', '=', user.directory_id).executeTakeFirst();
    throw new IdsyncError(
      'STORE_ATTRIBUTE_OWNED',
      `user "${user.username}" is synced from directory "${dir?.name ?? user.directory_id}", which owns ${fields.join(', ')}; change ` +
        `${fields.length > 1 ? 'them' : 'it'} in the directory`,
      { where: `${user.username}.${fields[0]}` },
    );
  }
  const set: UserPatch = { updated_at: now.toISOString() };
  for (const f of fields) {
    const v = patch[f] ?? null;
    if (f === 'username') {
      if (!v) throw new IdsyncError('USAGE', 'username cannot be empty', { where: 'username' });
      checkUsername(v);
      // As addLocalUser does: usernames are unique in any letter case (username_key), and the
      // unique index alone would surface as an internal error.
      const taken = await findUserByUsername(db, v);
      if (taken && taken.id !== user.id) throw new IdsyncError('STORE_CONFLICT', `user "${taken.username}" already exists`, { where: 'username' });
      set.username = v;
      set.username_key = v.toLowerCase();
    } else if (f === 'aliases' || f === 'phones') {
      set[f] = JSON.stringify(
        v
          ? v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [],
      );
    } else if (f === 'status') {
      if (v !== 'active' && v !== 'disabled') throw new IdsyncError('USAGE', 'status must be active or disabled', { where: 'status' });
      set.status = v;
    } else {
      set[f] = v;
    }
  }
  try {
    await db.updateTable('users').set(set).where('id', '=', user.id).execute();
  } catch (err) {
    // Another writer took the name between the check and the update.
    if (set.username_key && isUniqueViolation(err))
      throw new IdsyncError('STORE_CONFLICT', `user "${set.username}" already exists`, { where: 'username', cause: err });
    throw err;
  }
  return (await findUserByUsername(db, set.username ?? user.username))!;
}

/** A store user that no directory owns (created by an admin); a directory with the same username adopts it. */
export async function addLocalUser(db: Db, u: { username: string; email?: string; fullName?: string }, now: Date): Promise<UserRow> {
  checkUsername(u.username);
  const existing = await findUserByUsername(db, u.username);
  if (existing) throw new IdsyncError('STORE_CONFLICT', `user "${u.username}" already exists`, { where: u.username });
  const ts = now.toISOString();
  return db
    .insertInto('users')
    .values({
      username: u.username,
      username_key: u.username.toLowerCase(),
      directory_id: null,
      external_id: null,
      dn: null,
      dn_key: null,
      source_hash: null,
      aliases: '[]',
      full_name: u.fullName ?? null,
      first_name: null,
      last_name: null,
      email: u.email ?? null,
      phones: '[]',
      notes: null,
      status: 'active',
      status_reason: null,
      sync_item: null,
      trashed_at: null,
      delete_after: null,
      created_at: ts,
      updated_at: ts,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The user writes above as an interface of the store (store.users), so that a caller can make
 * them inside store.transact together with what must commit with them (issue 12: the
 * provisioning outbox).
 */
export interface UserWrites {
  find(username: string): Promise<UserRow | undefined>;
  addLocal(u: { username: string; email?: string; fullName?: string }, now: Date): Promise<UserRow>;
  edit(username: string, patch: Partial<Record<EditableField, string | null>>, now: Date): Promise<UserRow>;
  /** The name of the directory that owns a user, for messages. */
  directoryName(directoryId: number): Promise<string | undefined>;
}

export class KyselyUserWrites implements UserWrites {
  constructor(private readonly db: Db) {}
  find(username: string): Promise<UserRow | undefined> {
    return findUserByUsername(this.db, username);
  }
  addLocal(u: { username: string; email?: string; fullName?: string }, now: Date): Promise<UserRow> {
    return addLocalUser(this.db, u, now);
  }
  edit(username: string, patch: Partial<Record<EditableField, string | null>>, now: Date): Promise<UserRow> {
    return editUser(this.db, username, patch, now);
  }
  async directoryName(directoryId: number): Promise<string | undefined> {
    return (await this.db.selectFrom('directories').select('name').where('id', '=', directoryId).executeTakeFirst())?.name;
  }
}
