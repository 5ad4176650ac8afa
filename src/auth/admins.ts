import type { Selectable } from 'kysely';
import { IdsyncError } from '../errors.js';
import type { Db } from '../store/db.js';
import type { AdminsTable } from '../store/schema.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { credentialsChanged } from './revocations.js';
import { isRole, type Role } from './roles.js';
import { revokeTokensCreatedBy } from './tokens.js';

export type AdminRow = Selectable<AdminsTable>;

/** What the API shows of an admin: never the hash. */
export interface AdminView {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
}

export function adminView(a: AdminRow): AdminView {
  return { id: a.id, username: a.username, role: a.role as Role, createdAt: a.created_at, lastLoginAt: a.last_login_at };
}

export { ADMIN_USERNAME } from '../usernames.js';
import { ADMIN_USERNAME } from '../usernames.js';

export async function countAdmins(db: Db): Promise<number> {
  const r = await db.selectFrom('admins').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

export async function findAdmin(db: Db, username: string): Promise<AdminRow | undefined> {
  return db.selectFrom('admins').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
}

export async function findAdminById(db: Db, id: number): Promise<AdminRow | undefined> {
  return db.selectFrom('admins').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listAdmins(db: Db): Promise<AdminView[]> {
  return (await db.selectFrom('admins').selectAll().orderBy('username_key').execute()).map(adminView);
}

export async function createAdmin(db: Db, a: { username: string; role: Role; password: string }, now: Date): Promise<AdminView> {
  if (!ADMIN_USERNAME.test(a.username)) {
    throw new IdsyncError('VALIDATION_FAILED', 'the username must be 1-64 letters, digits, dot, dash, underscore or @, starting with a letter or digit', { where: 'username' });
  }
  if (!isRole(a.role)) throw new IdsyncError('VALIDATION_FAILED', `unknown role "${String(a.role)}"`, { where: 'role' });
  checkPasswordPolicy(a.password);
  if (await findAdmin(db, a.username)) throw new IdsyncError('STORE_CONFLICT', `an admin named "${a.username}" already exists`, { where: 'username' });
  const ts = now.toISOString();
  const row = await db
    .insertInto('admins')
    .values({ username: a.username, username_key: a.username.toLowerCase(), role: a.role, password_hash: await hashPassword(a.password), created_at: ts, updated_at: ts, last_login_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return adminView(row);
}

async function owners(db: Db): Promise<number> {
  const r = await db.selectFrom('admins').select((eb) => eb.fn.countAll<number>().as('n')).where('role', '=', 'owner').executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Deletes an admin and, through the foreign key, their sessions, and revokes the API tokens they
 * created (and the tokens those created): a token never keeps the rights of someone who is gone.
 * The last owner stays: nobody could manage admins any more. Returns the ids of the revoked tokens.
 */
export async function deleteAdmin(db: Db, username: string, now: Date): Promise<number[]> {
  const a = await findAdmin(db, username);
  if (!a) throw new IdsyncError('STORE_NOT_FOUND', `no admin named "${username}"`, { where: 'username' });
  if (a.role === 'owner' && (await owners(db)) <= 1) {
    throw new IdsyncError('STORE_CONFLICT', `"${a.username}" is the last owner; create another owner first`, { where: 'username' });
  }
  // Revoked first: should the delete fail, the tokens are gone anyway, which errs on the safe side.
  const revoked = await revokeTokensCreatedBy(db, { kind: 'admin', id: a.id }, now);
  await db.deleteFrom('admins').where('id', '=', a.id).execute();
  credentialsChanged();
  return revoked;
}

export async function setPassword(db: Db, adminId: number, password: string, now: Date, field = 'newPassword'): Promise<void> {
  checkPasswordPolicy(password, field);
  await db.updateTable('admins').set({ password_hash: await hashPassword(password), updated_at: now.toISOString() }).where('id', '=', adminId).execute();
}
