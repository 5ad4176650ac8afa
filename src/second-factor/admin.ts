import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { FactorUser, GroupRef } from '../store/second-factor.js';
import type { UserFactorStatus } from '../store/schema.js';
import { effectiveStatus, type EffectiveStatus } from './verify.js';

/**
 * What administrators do with the second factor (issue 15), shared by the API and the CLI: a user's
 * authenticators (never a secret: kind, label, dates), their status, removing an authenticator,
 * setting a user's or a group's status. Directory-synced users may be set to bypass or locked out
 * (their synced attributes stay read-only); `disabled` comes from their directory, so it is set
 * on local users only.
 */
export { GROUP_FACTOR_STATUSES, USER_FACTOR_STATUSES } from './statuses.js';

export interface SecondFactorView {
  username: string;
  /** The user's own status, as an administrator (or a lockout) set it. */
  status: UserFactorStatus;
  /** What verification applies, with groups and the store's status taken into account. */
  effectiveStatus: EffectiveStatus;
  failures: number;
  lockedUntil: string | null;
  authenticators: { id: number; kind: 'totp' | 'webauthn'; label: string; createdAt: string; lastUsedAt: string | null }[];
  recoveryCodesLeft: number;
}

export async function factorUser(store: Store, username: string): Promise<FactorUser> {
  const u = await store.secondFactor.userByLogin(username);
  if (!u) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
  return u;
}

export async function secondFactorView(store: Store, username: string, now: Date): Promise<SecondFactorView> {
  const u = await factorUser(store, username);
  const own = await store.secondFactor.userState(u.id);
  const eff = await effectiveStatus(store, u, now);
  return {
    username: u.username,
    status: eff.expiredLockout ? 'active' : own.status,
    effectiveStatus: eff.status,
    failures: eff.expiredLockout ? 0 : own.failures,
    lockedUntil: eff.expiredLockout ? null : own.lockedUntil,
    authenticators: (await store.authenticators.listFor(u.id)).map((a) => ({
      id: a.id,
      kind: a.kind,
      label: a.label,
      createdAt: a.created_at,
      lastUsedAt: a.last_used_at,
    })),
    recoveryCodesLeft: await store.secondFactor.recoveryCodesLeft(u.id),
  };
}

export async function setUserFactorStatus(store: Store, username: string, status: UserFactorStatus, by: string, now: Date): Promise<FactorUser> {
  const u = await factorUser(store, username);
  if (status === 'disabled' && u.directoryId !== null) {
    throw new IdsyncError(
      'STORE_ATTRIBUTE_OWNED',
      `${u.username} is synced from a directory, which decides whether they are disabled; set bypass or locked_out, or disable them in the directory`,
      { where: u.username },
    );
  }
  // Locked out by an administrator: until one unlocks (no expiry).
  await store.secondFactor.setUserStatus(u.id, status, by, now, null);
  return u;
}

export async function removeAuthenticator(store: Store, username: string, id: number): Promise<{ user: FactorUser; kind: string; label: string }> {
  const u = await factorUser(store, username);
  const a = await store.authenticators.byId(id);
  if (!a || a.user_id !== u.id || !(await store.authenticators.remove(u.id, id))) {
    throw new IdsyncError('STORE_NOT_FOUND', `${u.username} has no authenticator ${id}`, { where: String(id) });
  }
  return { user: u, kind: a.kind, label: a.label };
}

/** A synced group by id (as /api/v1/groups/{id}) or a local group by name. */
export async function groupRef(store: Store, group: { id: number } | { localName: string }): Promise<GroupRef & { name: string }> {
  if ('id' in group) {
    const g = await store.groupQueries.get(group.id);
    if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no group ${group.id}`, { where: String(group.id) });
    return { kind: 'synced', id: group.id, name: g.name };
  }
  const g = await store.localGroups.find(group.localName);
  if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no local group "${group.localName}"`, { where: group.localName });
  return { kind: 'local', id: g.id, name: g.name };
}
