import { IdsyncError } from '../errors.js';
import { adminView, findAdmin, setPassword, type AdminStore, type AdminView } from './admins.js';
import { deleteOtherSessions, type SessionStore } from './sessions.js';
import type { Role } from './roles.js';

async function existing(store: AdminStore, username: string) {
  const a = await findAdmin(store, username);
  if (!a) throw new IdsyncError('STORE_NOT_FOUND', `no admin named "${username}"`, { where: 'username' });
  return a;
}

/**
 * An owner changes another admin's role (issue 10 item 19). The role is read from the store on
 * every request, so it applies at once to the admin's sessions. The last owner keeps the role:
 * nobody could manage admins any more.
 */
export async function setAdminRole(store: AdminStore, username: string, role: Role, now: Date): Promise<AdminView> {
  const a = await existing(store, username);
  if (a.role === 'owner' && role !== 'owner' && (await store.admins.countOwners()) <= 1) {
    throw new IdsyncError('STORE_CONFLICT', `"${a.username}" is the last owner; make another admin an owner first`, { where: 'role' });
  }
  await store.admins.setRole(a.id, role, now);
  return adminView({ ...a, role, updated_at: now.toISOString() });
}

/**
 * An owner sets a new password for another admin (one who forgot theirs). Their sessions end:
 * whoever held them may be the reason for the reset. An admin changes their own password with
 * the current one instead (changeOwnPassword), never through this.
 */
export async function resetAdminPassword(store: SessionStore, username: string, password: string, by: string, now: Date): Promise<void> {
  const a = await existing(store, username);
  if (a.username.toLowerCase() === by.toLowerCase()) {
    throw new IdsyncError('VALIDATION_FAILED', 'change your own password under Your account, with your current password', { where: 'username' });
  }
  await setPassword(store, a.id, password, now, 'password');
  // Through the sessions module, so their open event streams close at once too.
  await deleteOtherSessions(store, a.id);
}
