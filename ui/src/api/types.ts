/**
 * The API's shapes as the panel uses them, written from the route files in src/api/routes (the
 * zod schemas there are the truth; /api/v1/openapi.json documents them). Hand-written rather
 * than imported: the panel must not pull server code into the browser build.
 */
export type Role = 'owner' | 'administrator' | 'user_manager' | 'read_only';
export const ROLES: Role[] = ['owner', 'administrator', 'user_manager', 'read_only'];
const RANK: Record<Role, number> = { owner: 4, administrator: 3, user_manager: 2, read_only: 1 };
export const atLeast = (role: Role, minimum: Role) => RANK[role] >= RANK[minimum];
export const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', administrator: 'Administrator', user_manager: 'User manager', read_only: 'Read-only' };

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

// --- auth (routes/auth.ts) ----------------------------------------------------------------------
export interface Admin {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
  lastLoginAt: string | null;
}
export interface LoginResult {
  admin: Admin;
  csrfToken: string;
  expiresAt: string;
}
export interface Me {
  kind: 'admin' | 'token';
  name: string;
  role: Role;
}
export interface SetupState {
  needed: boolean;
  allowedHere: boolean;
}

// --- admins and tokens (routes/admins.ts) -------------------------------------------------------
export interface ApiToken {
  id: number;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

// --- directories (routes/directories.ts, directory-view.ts) -------------------------------------
export type DirectoryType = 'active-directory' | 'openldap';
export type Transport = 'ldaps' | 'starttls' | 'clear';
export type SyncItem = { group: string } | { container: string; filter?: string; scope: 'sub' | 'one' };

export interface AttributeInput {
  username?: string;
  aliases?: string[];
  fullName?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  phones?: string[];
  notes?: string;
  groupName?: string;
  member?: string;
}

/** What POST/PUT /directories take: the keys of a directory in the configuration file. */
export interface DirectoryInput {
  name: string;
  type: DirectoryType;
  servers: string[];
  transport?: Transport;
  ca?: string;
  verifyHostname?: boolean;
  bind?: { dn: string; password?: string };
  baseDn: string;
  groups?: string[];
  syncItems?: SyncItem[];
  attributes?: AttributeInput;
  disabledFilter?: string;
  importPhones?: boolean;
  importNotes?: boolean;
  defaultCountry?: string;
  trashDays?: number;
  safeguard?: { enabled?: boolean; maxRemovals?: number | null; maxRemovalPercent?: number | null };
  [key: string]: unknown;
}

export interface DirectoryStatus {
  lastRun: { id: number; kind: string; status: string; startedAt: string; finishedAt: string | null; errorCode: string | null } | null;
  mode: string | null;
  connected: boolean;
  server: string | null;
  message: string | null;
  lastAppliedAt: string | null;
  lagMs: number | null;
  lastFullSyncAt: string | null;
  nextFullSyncAt: string | null;
  lastError: string | null;
}

export interface Directory {
  name: string;
  type: DirectoryType;
  managedBy: 'file' | 'api';
  servers: string[];
  transport: Transport;
  verifyHostname: boolean;
  customCa: boolean;
  bind: { dn: string; passwordSet: boolean } | null;
  baseDn: string;
  filters: Filters;
  disabledFilter: string | null;
  syncItems: SyncItem[];
  attributes: AttributeMap;
  importPhones: boolean;
  importNotes: boolean;
  trashDays: number;
  continuous: { changes: string; pollSeconds: number; notifications: boolean; fullSyncHours: number };
  safeguard: { enabled: boolean; maxRemovals: number | null; maxRemovalPercent: number | null };
  warnings: string[];
  usernameLocked: boolean;
  firstSyncedAt: string | null;
  status: DirectoryStatus;
  config?: DirectoryInput;
  updatedAt?: string;
  updatedBy?: string | null;
}

export interface ServerCheck {
  url: string;
  ok: boolean;
  ms: number;
  transport: string;
  message: string;
  code?: string;
}
export interface ConnectionTest {
  ok: boolean;
  servers: ServerCheck[];
  warnings: string[];
}
export interface GroupHit {
  dn: string;
  name: string;
}
export interface GroupSearch {
  groups: GroupHit[];
  truncated: boolean;
}

// --- runs, plans and sync events (src/sync/report.ts, src/store/history.ts) ----------------------
export type RunCounts = Record<string, number>;

export interface AttributeChange {
  before: unknown;
  after: unknown;
}

export interface RunObject {
  objectType: 'user' | 'group' | string;
  name: string;
  externalId?: string | null;
  outcome: string;
  reason?: string;
  attributes?: Record<string, AttributeChange>;
  item?: string;
  warnings?: string[];
}

export interface RunSummary {
  id: number;
  directory: string;
  kind: string;
  dryRun?: boolean;
  status: 'running' | 'succeeded' | 'failed' | 'interrupted' | string;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: RunCounts;
  server: string | null;
  error: string | null;
  errorCode: string | null;
  warnings: string[];
  approval?: string | null;
}

/** A sync's report (dry runs carry every change). */
export interface RunReport {
  runId?: number;
  directory: string;
  kind: string;
  dryRun: boolean;
  status: 'succeeded' | 'failed';
  server?: string;
  counts: RunCounts;
  changes: RunObject[];
  warnings: string[];
  heldForApproval?: { runId?: number; count: number; threshold: string };
  error?: { code: string; message: string };
  durationMs: number;
}

export type ProgressEvent =
  | { phase: 'connect'; server?: string }
  | { phase: 'groups'; read: number }
  | { phase: 'scopes' }
  | { phase: 'users'; read: number; expected?: number }
  | { phase: 'memberships'; done: number; total: number }
  | { phase: 'removals' }
  | { phase: 'done' };

/** The `finished` event of GET /events: a run's outcome without its changes. */
export interface FinishedEvent {
  directory: string;
  runId: number | null;
  kind: string;
  status: 'succeeded' | 'failed';
  counts: RunCounts;
  durationMs: number;
  warnings: string[];
  heldForApproval: { runId?: number; count: number; threshold: string } | null;
  error: { code: string; message: string } | null;
}

// --- users, trash, approvals, audit --------------------------------------------------------------
export type UserStatus = 'active' | 'disabled' | 'trashed';

/** A user's removal the safeguard holds for approval (routes/users.ts `heldRemoval`; older servers omit it). */
export interface UserHeldRemoval {
  runId: number;
  since: string;
  action: 'disable' | 'trash';
  reason: string;
}

export interface UserSummary {
  username: string;
  status: UserStatus;
  statusReason: string | null;
  heldRemoval?: UserHeldRemoval | null;
  directory: string | null;
  fullName: string | null;
  email: string | null;
  syncItem: string | null;
  deleteAfter: string | null;
  updatedAt: string;
}

export interface UserDetail {
  username: string;
  status: UserStatus;
  statusReason: string | null;
  heldRemoval?: UserHeldRemoval | null;
  directory: string | null;
  externalId: string | null;
  dn: string | null;
  syncItem: string | null;
  trashedAt: string | null;
  deleteAfter: string | null;
  groups: string[];
  attributes: Record<string, unknown>;
  history: { runId: number; startedAt: string; outcome: string; reason?: string; attributes?: Record<string, AttributeChange> }[];
  editableFields: string[];
}

export interface HeldRemoval {
  username: string;
  action: 'disable' | 'trash' | string;
  reason: string;
}

/** A directory's attribute mapping (the server's AttributeMap). */
export interface AttributeMap {
  username: string;
  aliases: string[];
  fullName: string;
  firstName: string;
  lastName: string;
  email: string;
  phones: string[];
  notes: string;
  groupName: string;
  member: string[];
}

export interface Filters {
  user: string;
  group: string;
  container: string;
}

/** GET /directory-types: a type and the defaults it brings (src/directory/profiles). */
export interface DirectoryTypeInfo {
  type: DirectoryType;
  label: string;
  filters: Filters;
  attributes: AttributeMap;
  externalIdAttribute: string;
}

export interface Approval {
  runId: number;
  directory: string;
  status: 'pending' | 'approved' | 'rejected' | 'superseded' | string;
  count: number;
  /** The limit the removals went over, in words; null for approvals held before idsync stored it. */
  threshold: string | null;
  createdAt: string;
  decidedAt: string | null;
  users: HeldRemoval[];
}

export interface TrashedUser {
  username: string;
  directory: string | null;
  statusReason: string | null;
  trashedAt: string | null;
  deleteAfter: string | null;
  /** Restore is allowed only when no configured directory owns the user. */
  restorable: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actorType: 'admin' | 'token' | 'anonymous' | 'cli' | string;
  actor: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  outcome: 'success' | 'failure' | string;
  detail: Record<string, unknown> | null;
}

// --- groups (routes/groups.ts, routes/group-paths.ts) --------------------------------------------
export interface Group {
  id: number;
  name: string;
  directory: string;
  dn: string;
  externalId: string;
  memberCount: number;
  updatedAt: string;
}
export interface GroupDetail extends Omit<Group, 'memberCount'> {
  members: { username: string; status: UserStatus }[];
  totalMembers: number;
  limit: number;
  offset: number;
}
export interface GroupMemberPaths {
  group: string;
  paths: { username: string; path: string[] }[];
}
