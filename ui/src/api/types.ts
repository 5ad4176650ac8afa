/**
 * The API's shapes under the names the panel uses. They are generated, not written here:
 * ./openapi.ts is what openapi-typescript makes of the server's OpenAPI document (the zod schemas
 * in src/api/routes), written by `npm run generate` and checked by src/generated.unit.test.ts, so a
 * changed route schema changes these types and the panel's type check shows every use it breaks.
 * Only what the document does not describe is written by hand: the roles' ranks and labels, and
 * the events of GET /events (a text/event-stream).
 */
import type { components, operations } from './openapi';

type Schemas = components['schemas'];

/** The JSON body an operation answers with (200 unless told). */
type Answer<Op extends keyof operations, Status extends number = 200> =
  operations[Op]['responses'] extends Record<Status, { content: { 'application/json': infer T } }> ? T : never;

/** The JSON body an operation takes. */
type Body<Op extends keyof operations> = operations[Op] extends { requestBody?: { content: { 'application/json': infer T } } } ? T : never;

export type Role = Schemas['Admin']['role'];
export const ROLES: Role[] = ['owner', 'administrator', 'user_manager', 'read_only'];
const RANK: Record<Role, number> = { owner: 4, administrator: 3, user_manager: 2, read_only: 1 };
export const atLeast = (role: Role, minimum: Role) => RANK[role] >= RANK[minimum];
export const ROLE_LABEL: Record<Role, string> = { owner: 'Owner', administrator: 'Administrator', user_manager: 'User manager', read_only: 'Read-only' };

/** A page of a list (GET /users, /runs, /groups, /trash, /audit). */
export type Page<T> = Omit<Answer<'listRuns'>, 'items'> & { items: T[] };

// --- auth and admins (routes/auth.ts, routes/admins.ts) -------------------------------------------
export type Admin = Schemas['Admin'];
export type LoginResult = Schemas['LoginResult'];
export type Me = Answer<'getMe'>;
export type SetupState = Answer<'getSetup'>;
export type ApiToken = Schemas['ApiToken'];
/** An on-premises agent (routes/agents.ts, issue 13), with its channel to this idsync serve. */
export type Agent = Schemas['Agent'];
/** A user's password hash sync status per source, with its attempts when asked for one user (routes/passwords.ts, issue 14). */
export type PasswordSyncStatus = Schemas['PasswordSyncStatus'];
/** GET /nodes (routes/nodes.ts, issue 16): the idsync serve nodes of the store and the directory leases. */
export type NodesView = Answer<'listNodes'>;

// --- directories (routes/directories.ts, directory-view.ts) -------------------------------------
/** GET /directory-types: a type and the defaults it brings (src/directory/profiles). */
export type DirectoryTypeInfo = Schemas['DirectoryType'];
export type DirectoryType = DirectoryTypeInfo['type'];
/** What POST/PUT /directories take: the keys of a directory in the configuration file. */
export type DirectoryInput = Schemas['DirectoryInput'];
export type Transport = NonNullable<DirectoryInput['transport']>;
export type SyncItem = NonNullable<DirectoryInput['syncItems']>[number];
export type AttributeInput = DirectoryInput['attributes'];
export type Directory = Schemas['Directory'];
export type DirectoryStatus = Directory['status'];
/** A directory's effective attribute mapping (src/directory/profiles/attributes.ts). */
export type AttributeMap = Directory['attributes'];
export type Filters = Directory['filters'];
export type ConnectionTest = Schemas['ConnectionTest'];
export type ServerCheck = ConnectionTest['servers'][number];
export type GroupSearch = Schemas['GroupSearch'];
export type GroupHit = GroupSearch['groups'][number];

// --- runs and plans (routes/runs.ts, routes/sync.ts) ---------------------------------------------
export type RunSummary = Schemas['Run'];
export type RunCounts = RunSummary['counts'];
/** A sync's report (dry runs carry every change). */
export type RunReport = Schemas['RunReport'];
/** One change of a sync, as its report carries it. */
export type RunChange = RunReport['changes'][number];
/** One object of a run: as GET /runs/{id} lists it, or as a sync's report carries it. */
export type RunObject = Schemas['RunObject'] | RunChange;
export type AttributeChange = NonNullable<Schemas['RunObject']['attributes']>[string];

// --- users, trash, approvals, audit --------------------------------------------------------------
export type UserSummary = Schemas['UserSummary'];
export type UserStatus = UserSummary['status'];
/** A user's removal the safeguard holds for approval (null when nothing is held). */
export type UserHeldRemoval = NonNullable<Schemas['HeldRemoval']>;
export type UserDetail = Schemas['UserDetail'];
/** A user's second factor (issue 15): status and authenticators, never a secret. */
export type UserSecondFactor = Schemas['UserSecondFactor'];
export type GroupFactorStatus = Body<'setGroupFactorStatus'>['status'];
export type UserPatch = Body<'updateUser'>;
export type Approval = Schemas['Approval'];
export type HeldRemoval = Approval['users'][number];
export type TrashedUser = Schemas['TrashedUser'];
export type AuditEntry = Schemas['AuditEntry'];

// --- groups (routes/groups.ts, routes/group-paths.ts) --------------------------------------------
export type Group = Schemas['Group'];
export type GroupDetail = Answer<'getGroup'>;
export type GroupMemberPaths = Schemas['GroupMemberPaths'];

// --- local groups (routes/local-groups.ts; issue 12) ---------------------------------------------
export type LocalGroup = Schemas['LocalGroup'];
export type LocalGroupDetail = Schemas['LocalGroupDetail'];
export type ExportState = Schemas['ExportState'];
export type Adopted = Schemas['Adopted'];

// --- GET /events (routes/events.ts, src/serve/events.ts): not in the document --------------------
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
  kind: RunReport['kind'];
  status: RunReport['status'];
  counts: RunCounts;
  durationMs: number;
  warnings: string[];
  heldForApproval: NonNullable<RunReport['heldForApproval']> | null;
  error: NonNullable<RunReport['error']> | null;
}

// --- mail and enrollment emails (routes/mail.ts, issue 15) ---------------------------------------
export type PendingEnrollment = Schemas['PendingEnrollment'];
export type MailMessage = Schemas['MailMessage'];
export type MailOutbox = Answer<'listMailOutbox'>;
export type MailTemplates = Answer<'getMailTemplates'>;
export type MailTemplateInput = Schemas['MailTemplate'];
