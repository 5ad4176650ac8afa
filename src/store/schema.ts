import type { Generated } from 'kysely';
import type { RunKind } from './sync/run-types.js';

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
  /** Digest of the directory's view of the user at the last sync (see migration 0004). */
  source_hash: string | null;
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
  /** The limit that held them, in words (migration 0006); null for approvals held before it. */
  threshold: string | null;
}

export interface HeldRemovalsTable {
  run_id: number;
  user_id: number;
  action: 'disable' | 'trash';
  reason: string;
}

/** See src/sync/graph-snapshot.ts. */
export interface GroupGraphCacheTable {
  directory_id: number;
  fingerprint: string;
  snapshot: string;
  saved_at: string;
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

/** Admin API accounts. The password is an encoded argon2id hash; the plain text is never stored. */
export interface AdminsTable {
  id: Generated<number>;
  username: string;
  username_key: string;
  role: string;
  password_hash: string;
  created_at: string;
  updated_at: string;
  last_login_at: string | null;
}

/** Panel sessions, keyed by the SHA-256 of the cookie's value so a copy of the store opens no session. */
export interface SessionsTable {
  id_hash: string;
  admin_id: number;
  csrf_hash: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

/** API tokens for automation: only the SHA-256 of the token is kept. */
export interface ApiTokensTable {
  id: Generated<number>;
  name: string;
  role: string;
  token_hash: string;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  /** Who created the token (an admin, or another token); it is revoked with them. */
  created_by_admin_id: number | null;
  created_by_token_id: number | null;
}

/** Login failure counters, one row per key (`user:NAME` or `ip:ADDRESS`); times in epoch ms. */
export interface LoginThrottleTable {
  key: string;
  window_start: number;
  failures: number;
  locked_until: number;
  /** The nonce of the last attempt this row let through (src/store/login-throttle.ts). */
  last_attempt: string;
}

/** Who did what, when, from where. Append-only: triggers refuse UPDATE and DELETE. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor_type: 'admin' | 'token' | 'anonymous' | 'cli';
  actor: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  outcome: 'success' | 'failure';
  detail: string | null;
}

/**
 * Directories created through the admin API: the same keys as a directory in the file, as JSON,
 * without the bind password, which has a column of its own so that reading the configuration
 * can never return it.
 */
export interface ApiDirectoriesTable {
  id: Generated<number>;
  name: string;
  config: string;
  bind_password: string | null;
  created_at: string;
  updated_at: string;
  updated_by: string | null;
}

export interface Database {
  admins: AdminsTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  login_throttle: LoginThrottleTable;
  audit_log: AuditLogTable;
  api_directories: ApiDirectoriesTable;
  sync_state: SyncStateTable;
  directories: DirectoriesTable;
  users: UsersTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  runs: RunsTable;
  run_objects: RunObjectsTable;
  approvals: ApprovalsTable;
  held_removals: HeldRemovalsTable;
  group_graph_cache: GroupGraphCacheTable;
  serve_processes: ServeProcessesTable;
  leases: LeasesTable;
  nodes: NodesTable;
  node_jobs: NodeJobsTable;
  local_groups: LocalGroupsTable;
  local_group_members: LocalGroupMembersTable;
  user_passwords: UserPasswordsTable;
  provision_outbox: ProvisionOutboxTable;
  provision_exports: ProvisionExportsTable;
  agents: AgentsTable;
  password_sync: PasswordSyncTable;
  password_sync_log: PasswordSyncLogTable;
  password_sync_batches: PasswordSyncBatchesTable;
  password_sync_requests: PasswordSyncRequestsTable;
  enrollment_links: EnrollmentLinksTable;
  authenticators: AuthenticatorsTable;
  agent_nonces: AgentNoncesTable;
  recovery_codes: RecoveryCodesTable;
  factor_statuses: FactorStatusesTable;
  group_factor_statuses: GroupFactorStatusesTable;
  factor_challenges: FactorChallengesTable;
  mail_outbox: MailOutboxTable;
  mail_templates: MailTemplatesTable;
}

/** One running `idsync serve` (src/store/serve-presence.ts). */
export interface ServeProcessesTable {
  id: Generated<number>;
  host: string;
  pid: number;
  api: string | null;
  started_at: string;
  heartbeat_at: string;
}

/** One row per lease (src/store/leases.ts). Times are ISO strings, as elsewhere in the store. */
export interface LeasesTable {
  name: string;
  holder: string;
  host: string;
  pid: number;
  acquired_at: string;
  heartbeat_at: string;
  expires_at: string;
  /** The node holding it (issue 16, migration 0021); null when a version before it wrote the row. */
  node?: string | null;
}

/** One row per running `idsync serve` node (issue 16, migration 0021; src/store/nodes.ts). */
export interface NodesTable {
  /** The node's name and a random part: a name restarted is a new row. */
  id: string;
  name: string;
  host: string;
  pid: number;
  version: string;
  api: string | null;
  started_at: string;
  heartbeat_at: string;
}

/** Work for a directory's lease holder, asked on another node (issue 16; src/store/node-jobs.ts). */
export interface NodeJobsTable {
  id: Generated<number>;
  directory: string;
  /** `sync`, `user` or `approval`. */
  kind: string;
  /** JSON. */
  args: string;
  /** The node id that asked. */
  origin: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  /** The node id that runs it, once claimed. */
  node: string | null;
  /** JSON: the run report, the approval's outcome, or `{ error: { code, message } }`. */
  result: string | null;
  created_at: string;
  updated_at: string;
}

/** Groups made in idsync (issue 12, migration 0014): no directory owns them. */
export interface LocalGroupsTable {
  id: Generated<number>;
  name: string;
  /** Lower-cased name: unique in any letter case, as usernames are. */
  name_key: string;
  description: string | null;
  created_at: string;
  updated_at: string;
}

export interface LocalGroupMembersTable {
  group_id: number;
  user_id: number;
}

/** A local user's password, as an argon2id PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`); never the password. */
export interface UserPasswordsTable {
  user_id: number;
  verifier: string;
  set_at: string;
}

/** src/store/provisioning.ts: one waiting change per (target, object). */
export interface ProvisionOutboxTable {
  directory_id: number;
  kind: 'user' | 'group';
  object_id: number;
  version: number;
  /** SecretBox-sealed (`sealed:v1:…`), never clear. */
  sealed_password: string | null;
  attempts: number;
  next_attempt_at: string;
  /** 1: a permanent failure, not due until the object changes again. */
  permanent: number;
  last_error: string | null;
  enqueued_at: string;
}

/** src/store/provisioning.ts: the export state per (target, object). */
export interface ProvisionExportsTable {
  directory_id: number;
  kind: 'user' | 'group';
  object_id: number;
  state: 'pending' | 'exported' | 'failed' | 'conflict';
  target_id: string | null;
  target_dn: string | null;
  exported_hash: string | null;
  code: string | null;
  reason: string | null;
  permanent: number;
  updated_at: string;
}

/**
 * On-premises agents (issue 13). The one-time connect key is kept only as its SHA-256; the secret
 * key the agent signs with is sealed with the store's secrets key (src/directories/secret-box.ts),
 * since the hub must hold it to check the agent's signatures.
 */
export interface AgentsTable {
  id: Generated<number>;
  name: string;
  created_at: string;
  created_by: string | null;
  connect_key_hash: string | null;
  connect_key_expires_at: string | null;
  /** Set once the connect key was exchanged; a second exchange is refused. */
  enrolled_at: string | null;
  integration_key: string | null;
  secret_sealed: string | null;
  revoked_at: string | null;
  last_seen_at: string | null;
  last_address: string | null;
  agent_version: string | null;
  /** Written by the idsync serve that holds the agent's channel, for `idsync agents` in other processes. */
  connected_since: string | null;
  last_heartbeat_at: string | null;
  rtt_ms: number | null;
  /** JSON list of the directories the agent says it serves. */
  served_directories: string | null;
  /** JSON list of the directories it is the primary agent for (the others it serves, it stands by for). */
  primary_for: string | null;
}

export type PasswordSyncStatus = 'Success' | 'FilteredByTarget' | 'NoTargetConnection' | 'SourceConnectorNotPresent' | 'Failed';

/** Password hash sync (issue 14, migration 0017): one row per source user. The verifier is never read outside verification. */
export interface PasswordSyncTable {
  directory: string;
  external_id: string;
  username: string;
  /** `agent:NAME` or `ldap` (imported over a direct connection). */
  source: string;
  verifier: string | null;
  pwd_last_set: string | null;
  changed_at: string | null;
  /** Success, FilteredByTarget or Failed as the source reported it; NoTargetConnection is computed (no user in the store). */
  status: PasswordSyncStatus;
  reason: string | null;
  updated_at: string;
}

export interface PasswordSyncLogTable {
  id: Generated<number>;
  directory: string;
  external_id: string;
  username: string;
  status: PasswordSyncStatus;
  reason: string | null;
  at: string;
}

export interface PasswordSyncBatchesTable {
  agent: string;
  directory: string;
  epoch: string;
  last_seq: number;
  applied_at: string;
}

export interface PasswordSyncRequestsTable {
  id: Generated<number>;
  directory: string | null;
  requested_at: string;
}

/** An enrollment link (src/store/enrollment-links.ts): the token's hash only. */
export interface EnrollmentLinksTable {
  id: Generated<number>;
  user_id: number;
  nonce: string;
  token_hash: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  closed_at: string | null;
  first_sent_at: string | null;
  last_sent_at: string | null;
  reminders_sent: Generated<number>;
  resends: Generated<number>;
}

/** A second factor of a user (src/store/authenticators.ts). */
export interface AuthenticatorsTable {
  id: Generated<number>;
  user_id: number;
  kind: 'totp' | 'webauthn';
  label: string;
  /** TOTP: the secret, sealed (`sealed:v1:…`). Never in clear. */
  secret: string | null;
  last_step: number | null;
  credential_id: string | null;
  public_key: string | null;
  sign_count: number | null;
  /** JSON array of WebAuthn transports. */
  transports: string | null;
  created_at: string;
  last_used_at: string | null;
}

/** Channel request nonces seen by any `idsync serve` on the store, until their date could no longer pass. */
export interface AgentNoncesTable {
  nonce: string;
  expires_at: string;
}

/** Migration 0022 (src/store/second-factor.ts): a recovery code's keyed hash, used once. */
export interface RecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  created_at: string;
  used_at: string | null;
}

export type UserFactorStatus = 'active' | 'bypass' | 'disabled' | 'locked_out';
export type GroupFactorStatus = 'active' | 'bypass' | 'disabled';

/** A user's second-factor status and failed attempts; no row is active with none. */
export interface FactorStatusesTable {
  user_id: number;
  status: UserFactorStatus;
  failures: Generated<number>;
  /** A lockout's end; null while `locked_out` is until an administrator unlocks. */
  locked_until: string | null;
  updated_at: string;
  updated_by: string | null;
}

/** A synced group's (`group_id`) or a local group's (`local_group_id`) status; no row is active. */
export interface GroupFactorStatusesTable {
  id: Generated<number>;
  group_id: number | null;
  local_group_id: number | null;
  status: GroupFactorStatus;
  updated_at: string;
  updated_by: string | null;
}

/** A WebAuthn challenge or a TOTP secret being enrolled (sealed): single use, short-lived. */
export interface FactorChallengesTable {
  id: string;
  user_id: number;
  purpose: 'totp-enroll' | 'webauthn-register' | 'webauthn-verify';
  value: string;
  expires_at: string;
}
/** An email or alert webhook call waiting, sent or given up (src/store/mail-outbox.ts, migration 0020). */
export interface MailOutboxTable {
  id: Generated<number>;
  kind: 'enrollment' | 'alert' | 'test';
  channel: 'email' | 'webhook';
  /** Enrollment: which template renders it at send time (`first`, `reminder`, `resend`). */
  template: string | null;
  link_id: number | null;
  user_id: number | null;
  /** Alert: the event type (`removalsHeld`, `syncFailed`, …). */
  event: string | null;
  recipient: string;
  /** Alerts and tests only: an enrollment email's text carries the link and is never stored. */
  subject: string | null;
  text_body: string | null;
  html_body: string | null;
  dedupe_key: string | null;
  state: 'pending' | 'sent' | 'failed' | 'cancelled';
  attempts: Generated<number>;
  next_attempt_at: string;
  last_attempt_at: string | null;
  last_error: string | null;
  alerted: Generated<number>;
  created_at: string;
  sent_at: string | null;
}

/** An edited email template (migration 0020). */
export interface MailTemplatesTable {
  kind: string;
  subject: string;
  text_body: string;
  html_body: string;
  updated_at: string;
  updated_by: string | null;
}
