import type { Selectable } from 'kysely';
import { countOf, type Db } from './db-handle.js';
import type { AdminsTable } from './schema.js';

export type AdminRow = Selectable<AdminsTable>;

/**
 * The panel's admin accounts. Usernames are unique regardless of case (username_key). Policy
 * (password rules, the last owner, revoking what an admin made) is src/auth's; this is storage.
 */
export interface Admins {
  count(): Promise<number>;
  countOwners(): Promise<number>;
  findByUsername(username: string): Promise<AdminRow | undefined>;
  findById(id: number): Promise<AdminRow | undefined>;
  /** By username, case-insensitively. */
  list(): Promise<AdminRow[]>;
  insert(a: { username: string; role: string; passwordHash: string }, now: Date): Promise<AdminRow>;
  /** Their sessions go with them (foreign key). */
  remove(id: number): Promise<void>;
  setPasswordHash(id: number, passwordHash: string, now: Date): Promise<void>;
  setRole(id: number, role: string, now: Date): Promise<void>;
  recordLogin(id: number, now: Date): Promise<void>;
}

export class KyselyAdmins implements Admins {
  constructor(private readonly db: Db) {}

  async count(): Promise<number> {
    return countOf(
      await this.db
        .selectFrom('admins')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    );
  }

  async countOwners(): Promise<number> {
    return countOf(
      await this.db
        .selectFrom('admins')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'owner')
        .executeTakeFirst(),
    );
  }

  findByUsername(username: string): Promise<AdminRow | undefined> {
    return this.db.selectFrom('admins').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
  }

  findById(id: number): Promise<AdminRow | undefined> {
    return this.db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<AdminRow[]> {
    return this.db.selectFrom('admins').selectAll().orderBy('username_key').execute();
  }

  insert(a: { username: string; role: string; passwordHash: string }, now: Date): Promise<AdminRow> {
    const ts = now.toISOString();
    return this.db
      .insertInto('admins')
      .values({
        username: a.username,
        username_key: a.username.toLowerCase(),
        role: a.role,
        password_hash: a.passwordHash,
        created_at: ts,
        updated_at: ts,
        last_login_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('admins').where('id', '=', id).execute();
  }

  async setPasswordHash(id: number, passwordHash: string, now: Date): Promise<void> {
    await this.db.updateTable('admins').set({ password_hash: passwordHash, updated_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async setRole(id: number, role: string, now: Date): Promise<void> {
    await this.db.updateTable('admins').set({ role, updated_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async recordLogin(id: number, now: Date): Promise<void> {
    await this.db.updateTable('admins').set({ last_login_at: now.toISOString() }).where('id', '=', id).execute();
  }
}
