import type { AuditEntry } from './api/types';

/**
 * The audit log's actions (the API's operationIds) as an administrator reads them. An action not
 * listed here (a newer server) falls back to its id, so nothing is ever hidden.
 */
const ACTIONS: Record<string, string> = {
  login: 'Logged in',
  logout: 'Logged out',
  setup: 'Created the first owner',
  changeOwnPassword: 'Changed their password',
  createAdmin: 'Added an admin',
  deleteAdmin: 'Removed an admin',
  updateAdmin: 'Changed an admin',
  updateAdminRole: "Changed an admin's role",
  resetAdminPassword: "Reset an admin's password",
  unlockAdmin: 'Unlocked an admin',
  createToken: 'Created an API token',
  revokeToken: 'Revoked an API token',
  createDirectory: 'Added a directory',
  updateDirectory: 'Changed a directory',
  deleteDirectory: 'Deleted a directory',
  testDirectory: "Tested a directory's connection",
  testDirectoryDraft: "Tested a new directory's connection",
  syncDirectory: 'Started a full sync',
  syncUser: 'Synced one user',
  dryRun: 'Ran a dry run',
  approveRemovals: 'Approved held removals',
  rejectRemovals: 'Rejected held removals',
  restoreUser: 'Restored a user from the trash',
  purgeUser: 'Deleted a user permanently',
  createLocalUser: 'Added a local user',
  updateUser: 'Changed a user',
};

/** [operationId, words] for the audit log's action filter, sorted by their words. */
export const AUDIT_ACTIONS: [string, string][] = Object.entries(ACTIONS).sort((a, b) => a[1].localeCompare(b[1]));

export function auditAction(action: string): string {
  return ACTIONS[action] ?? action;
}

/** The entry's target (`name=corp`, `username=bob runId=3`) as words: "corp", "bob, run 3". */
export function auditTarget(e: Pick<AuditEntry, 'target' | 'detail'>): string {
  const parts: string[] = [];
  for (const m of (e.target ?? '').matchAll(/(\w+)=(\S+)/g)) {
    const [, k, v] = m;
    parts.push(k === 'id' || k === 'runId' ? `#${v}` : decodeURIComponent(v));
  }
  if (!parts.length && e.target) parts.push(e.target);
  for (const [k, v] of Object.entries(e.detail ?? {})) {
    if (v === null || v === undefined || typeof v === 'object') continue;
    parts.push(k === 'runId' ? `run ${v}` : `${k.replace(/([A-Z])/g, ' $1').toLowerCase()}: ${v}`);
  }
  return parts.join(', ') || '—';
}
