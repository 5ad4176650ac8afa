import type { Store } from './db.js';
import type { RunsTable } from './schema.js';
import type { ServerAttempt } from '../directory/connection.js';
import type { RunKind } from './sync/run-types.js';
import { pendingHolds, type HeldRemoval } from './held.js';
import { findUserByUsername } from './users.js';
import { IdsyncError } from '../errors.js';

export interface RunSummary {
  id: number;
  directory: string;
  kind: RunKind;
  status: RunsTable['status'];
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  counts: Record<string, number>;
  server: string | null;
  error: string | null;
  errorCode: string | null;
  warnings: string[];
  attempts: ServerAttempt[];
  approval?: string;
}

export interface RunObject {
  objectType: string;
  name: string;
  externalId: string | null;
  outcome: string;
  reason?: string;
  attributes?: Record<string, { before: unknown; after: unknown }>;
  item?: string;
  warnings?: string[];
}

/** The columns a run summary is made of (a runs row joined with its approval's status). */
export type RunRow = Pick<Awaited<ReturnType<typeof runRows>>[number], 'id' | 'directory_name' | 'kind' | 'status' | 'started_at' | 'finished_at' | 'duration_ms' | 'counts' | 'server' | 'error' | 'error_code' | 'warnings' | 'attempts' | 'approval_status'>;

async function runRows(store: Store, limit: number, id?: number) {
  let q = store.db.selectFrom('runs').leftJoin('approvals', 'approvals.run_id', 'runs.id').selectAll('runs').select('approvals.status as approval_status');
  if (id !== undefined) q = q.where('runs.id', '=', id);
  return q.orderBy('runs.id', 'desc').limit(limit).execute();
}

export function runSummary(r: RunRow): RunSummary {
  return {
    id: r.id,
    directory: r.directory_name,
    kind: r.kind,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    counts: JSON.parse(r.counts),
    server: r.server,
    error: r.error,
    errorCode: r.error_code,
    warnings: JSON.parse(r.warnings),
    attempts: JSON.parse(r.attempts),
    approval: r.approval_status ?? undefined,
  };
}

export async function listRuns(store: Store, limit = 20): Promise<RunSummary[]> {
  return (await runRows(store, limit)).map(runSummary);
}

export async function showRun(store: Store, id: number, outcome?: string): Promise<{ run: RunSummary; objects: RunObject[] }> {
  const [row] = await runRows(store, 1, id);
  if (!row) throw new IdsyncError('STORE_NOT_FOUND', `no run ${id}`, { where: String(id) });
  let q = store.db.selectFrom('run_objects').selectAll().where('run_id', '=', id);
  if (outcome) q = q.where('outcome', '=', outcome);
  const objects = (await q.orderBy('id').execute()).map((o) => ({ objectType: o.object_type, name: o.name, externalId: o.external_id, outcome: o.outcome, ...(o.detail ? JSON.parse(o.detail) : {}) }));
  return { run: runSummary(row), objects };
}

export interface UserDetail {
  username: string;
  status: string;
  statusReason: string | null;
  directory: string | null;
  externalId: string | null;
  dn: string | null;
  syncItem: string | null;
  trashedAt: string | null;
  deleteAfter: string | null;
  groups: string[];
  /**
   * The removal a pending approval holds for this user, or null. A held user stays active, with
   * their groups, until the run is approved (then `action` is applied) or rejected.
   */
  heldRemoval: HeldRemoval | null;
  attributes: Record<string, unknown>;
  history: { runId: number; startedAt: string; outcome: string; reason?: string; attributes?: Record<string, { before: unknown; after: unknown }> }[];
}

/** Lineage: which sync item brought the user in, and the last runs that changed them. */
export async function userDetail(store: Store, username: string, historyLimit = 10): Promise<UserDetail> {
  const u = await findUserByUsername(store.db, username);
  if (!u) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
  const dir = u.directory_id === null ? null : ((await store.db.selectFrom('directories').select('name').where('id', '=', u.directory_id).executeTakeFirst())?.name ?? null);
  const groups = await store.db.selectFrom('group_members').innerJoin('groups', 'groups.id', 'group_members.group_id').select('groups.name').where('group_members.user_id', '=', u.id).orderBy('groups.name').execute();
  const hist = await store.db
    .selectFrom('run_objects')
    .innerJoin('runs', 'runs.id', 'run_objects.run_id')
    .select(['runs.id', 'runs.started_at', 'run_objects.outcome', 'run_objects.detail'])
    .where((eb) => (u.external_id ? eb.or([eb('run_objects.user_id', '=', u.id), eb('run_objects.external_id', '=', u.external_id)]) : eb('run_objects.user_id', '=', u.id)))
    .orderBy('run_objects.id', 'desc')
    .limit(historyLimit)
    .execute();
  return {
    username: u.username,
    status: u.status,
    statusReason: u.status_reason,
    directory: dir,
    externalId: u.external_id,
    dn: u.dn,
    syncItem: u.sync_item,
    trashedAt: u.trashed_at,
    deleteAfter: u.delete_after,
    groups: groups.map((g) => g.name),
    heldRemoval: (await pendingHolds(store.db, [u.id])).get(u.id) ?? null,
    attributes: {
      aliases: JSON.parse(u.aliases),
      fullName: u.full_name,
      firstName: u.first_name,
      lastName: u.last_name,
      email: u.email,
      phones: JSON.parse(u.phones),
      notes: u.notes,
    },
    history: hist.map((h) => {
      const d = h.detail ? JSON.parse(h.detail) : {};
      return { runId: h.id, startedAt: h.started_at, outcome: h.outcome, reason: d.reason, attributes: d.attributes };
    }),
  };
}
