import type { Generated } from 'kysely';
import type { RunKind } from '../sync/report.js';

/**
 * Table shapes. Timestamps are ISO-8601 strings and booleans are 0/1 integers so that one schema
 * and one set of queries serve SQLite and PostgreSQL alike; list-valued attributes are JSON text.
 */
export interface DirectoriesTable {
  id: Generated<number>;
  name: string;
  type: string;
  username_attribute: string;
  first_synced_at: string | null;
  created_at: string;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  /** Lower-cased username: usernames are unique regardless of case, as in AD. */
  username_key: string;
  directory_id: number | null;
  external_id: string | null;
  dn: string | null;
  /** dnKey(dn): the DN as groups list it, for finding members after a group change. */
  dn_key: string | null;
  aliases: string;
  full_name: string | null;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  phones: string;
  notes: string | null;
  status: 'active' | 'disabled' | 'trashed';
  status_reason: string | null;
  sync_item: string | null;
  trashed_at: string | null;
  delete_after: string | null;
  created_at: string;
  updated_at: string;
}

export interface GroupsTable {
  id: Generated<number>;
  directory_id: number;
  external_id: string;
  dn: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  group_id: number;
  user_id: number;
}

export interface RunsTable {
  id: Generated<number>;
  directory_id: number | null;
  directory_name: string;
  kind: RunKind;
  dry_run: number;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted';
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  counts: string;
  error_code: string | null;
  error: string | null;
  server: string | null;
  attempts: string;
  warnings: string;
  pid: number | null;
  host: string | null;
}

export interface RunObjectsTable {
  id: Generated<number>;
  run_id: number;
  object_type: 'user' | 'group';
  name: string;
  external_id: string | null;
  user_id: number | null;
  outcome: string;
  detail: string | null;
}

export interface ApprovalsTable {
  run_id: number;
  directory_id: number;
  status: 'pending' | 'approved' | 'rejected' | 'superseded';
  count: number;
  created_at: string;
  decided_at: string | null;
}

export interface HeldRemovalsTable {
  run_id: number;
  user_id: number;
  action: 'disable' | 'trash';
  reason: string;
}

export interface SyncStateTable {
  directory_id: number;
  mode: string;
  cookie: string | null;
  server: string | null;
  server_identity: string | null;
  connected: number;
  status_message: string | null;
  last_change_at: string | null;
  last_applied_at: string | null;
  last_full_sync_at: string | null;
  next_full_sync_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export interface Database {
  sync_state: SyncStateTable;
  directories: DirectoriesTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  runs: RunsTable;
  run_objects: RunObjectsTable;
  approvals: ApprovalsTable;
  held_removals: HeldRemovalsTable;
}
