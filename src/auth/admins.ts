import { IdsyncError } from '../errors.js';
import type { AdminRow, Admins } from '../store/admins.js';
import { checkPasswordPolicy, hashPassword } from './passwords.js';
import { credentialsChanged } from './revocations.js';
import { isRole, type Role } from './roles.js';
import { revokeTokensCreatedBy, type TokenStore } from './tokens.js';

export type { AdminRow } from '../store/admins.js';

/** The part of the store admins live in (a Store has it). */
export type AdminStore = { admins: Admins };

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

export async function countAdmins(store: AdminStore): Promise<number> {
  return store.admins.count();
}

export async function findAdmin(store: AdminStore, username: string): Promise<AdminRow | undefined> {
  return store.admins.findByUsername(username);
}

export async function findAdminById(store: AdminStore, id: number): Promise<AdminRow | undefined> {
  return store.admins.findById(id);
}

export async function listAdmins(store: AdminStore): Promise<AdminView[]> {
  return (await store.admins.list()).map(adminView);
}

export async function createAdmin(store: AdminStore, a: { username: string; role: Role; password: string }, now: Date): Promise<AdminView> {
  if (!ADMIN_USERNAME.test(a.username)) {
    throw new IdsyncError('VALIDATION_FAILED', 'the username must be 1-64 letters, digits, dot, dash, underscore or @, starting with a letter or digit', {
      where: 'username',
    });
  }
  if (!isRole(a.role)) throw new IdsyncError('VALIDATION_FAILED', `unknown role "${String(a.role)}"`, { where: 'role' });
  checkPasswordPolicy(a.password);
  if (await findAdmin(store, a.username)) throw new IdsyncError('STORE_CONFLICT', `an admin named "${a.username}" already exists`, { where: 'username' });
  return adminView(await store.admins.insert({ username: a.username, role: a.role, passwordHash: await hashPassword(a.password) }, now));
}

/**
 * Deletes an admin and, through the foreign key, their sessions, and revokes the API tokens they
 * created (and the tokens those created): a token never keeps the rights of someone who is gone.
 * The last owner stays: nobody could manage admins any more. Returns the ids of the revoked tokens.
 */
export async function deleteAdmin(store: AdminStore & TokenStore, username: string, now: Date): Promise<number[]> {
  const a = await findAdmin(store, username);
  if (!a) throw new IdsyncError('STORE_NOT_FOUND', `no admin named "${username}"`, { where: 'username' });
  if (a.role === 'owner' && (await store.admins.countOwners()) <= 1) {
    throw new IdsyncError('STORE_CONFLICT', `"${a.username}" is the last owner; create another owner first`, { where: 'username' });
  }
  // Revoked first: should the delete fail, the tokens are gone anyway, which errs on the safe side.
  const revoked = await revokeTokensCreatedBy(store, { kind: 'admin', id: a.id }, now);
  await store.admins.remove(a.id);
  credentialsChanged();
  return revoked;
}

export async function setPassword(store: AdminStore, adminId: number, password: string, now: Date, field = 'newPassword'): Promise<void> {
  checkPasswordPolicy(password, field);
  await store.admins.setPasswordHash(adminId, await hashPassword(password), now);
}
