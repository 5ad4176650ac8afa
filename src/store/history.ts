import type { ServerAttempt } from '../directory/connection.js';
import { IdsyncError } from '../errors.js';
import { countOf, type Db, type Page } from './db-handle.js';
import type { RunsTable } from './schema.js';
import type { UserDetail, UserQueries } from './user-queries.js';

export interface RunSummary {
  id: number;
  directory: string;
  kind: RunsTable['kind'];
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
  /** The status of the approval of the removals the run held, when it held any. */
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

export interface RunQuery {
  directory?: string;
  status?: RunsTable['status'];
  kind?: RunsTable['kind'];
  limit: number;
  offset?: number;
}

/** The runs of every directory, as `idsync runs`, the API and the panel show them. */
export interface RunHistory {
  /** Newest first. */
  list(q: RunQuery): Promise<Page<RunSummary>>;
  get(id: number): Promise<RunSummary | undefined>;
  /** The run's per-object outcomes in the order it recorded them; all of them without a limit. */
  objects(runId: number, q?: { outcome?: string; limit?: number; offset?: number }): Promise<Page<RunObject>>;
  /** The name of the directory a run synced (runs outlive their directory's configuration). */
  directoryOf(runId: number): Promise<string | undefined>;
  /** The newest run of this kind still running for the directory. */
  latestRunning(directory: string, kind: RunsTable['kind']): Promise<number | undefined>;
}

export class KyselyRunHistory implements RunHistory {
  constructor(private readonly db: Db) {}

  #runs() {
    return this.db.selectFrom('runs').leftJoin('approvals', 'approvals.run_id', 'runs.id');
  }

  async list(q: RunQuery): Promise<Page<RunSummary>> {
    let base = this.#runs();
    if (q.directory) base = base.where('runs.directory_name', '=', q.directory);
    if (q.status) base = base.where('runs.status', '=', q.status);
    if (q.kind) base = base.where('runs.kind', '=', q.kind);
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const rows = await base
      .selectAll('runs')
      .select('approvals.status as approval_status')
      .orderBy('runs.id', 'desc')
      .limit(q.limit)
      .offset(q.offset ?? 0)
      .execute();
    return { items: rows.map(runSummary), total };
  }

  async get(id: number): Promise<RunSummary | undefined> {
    const row = await this.#runs().selectAll('runs').select('approvals.status as approval_status').where('runs.id', '=', id).executeTakeFirst();
    return row && runSummary(row);
  }

  async objects(runId: number, q: { outcome?: string; limit?: number; offset?: number } = {}): Promise<Page<RunObject>> {
    let base = this.db.selectFrom('run_objects').where('run_id', '=', runId);
    if (q.outcome) base = base.where('outcome', '=', q.outcome);
    let rows = base.selectAll().orderBy('id');
    if (q.limit !== undefined) rows = rows.limit(q.limit).offset(q.offset ?? 0);
    const items = (await rows.execute()).map((o) => ({
      objectType: o.object_type,
      name: o.name,
      externalId: o.external_id,
      outcome: o.outcome,
      ...(o.detail ? JSON.parse(o.detail) : {}),
    }));
    // Counted only when paged: without a limit the page is the whole.
    const total = q.limit === undefined ? items.length : countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    return { items, total };
  }

  async directoryOf(runId: number): Promise<string | undefined> {
    return (await this.db.selectFrom('runs').select('directory_name').where('id', '=', runId).executeTakeFirst())?.directory_name;
  }

  async latestRunning(directory: string, kind: RunsTable['kind']): Promise<number | undefined> {
    const r = await this.db
      .selectFrom('runs')
      .select('id')
      .where('directory_name', '=', directory)
      .where('status', '=', 'running')
      .where('kind', '=', kind)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return r?.id;
  }
}

type RunRow = Omit<RunsTable, 'id'> & { id: number; approval_status: string | null };

function runSummary(r: RunRow): RunSummary {
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

/** `idsync runs`: the last runs, newest first. */
export async function listRuns(store: { runHistory: RunHistory }, limit = 20): Promise<RunSummary[]> {
  return (await store.runHistory.list({ limit })).items;
}

/** `idsync run ID`: one run and all its objects (or those with one outcome). */
export async function showRun(store: { runHistory: RunHistory }, id: number, outcome?: string): Promise<{ run: RunSummary; objects: RunObject[] }> {
  const run = await store.runHistory.get(id);
  if (!run) throw new IdsyncError('STORE_NOT_FOUND', `no run ${id}`, { where: String(id) });
  return { run, objects: (await store.runHistory.objects(id, { outcome })).items };
}

/** `idsync user NAME`: the user with their lineage and the last runs that changed them. */
export async function userDetail(store: { userQueries: UserQueries }, username: string, historyLimit = 10): Promise<UserDetail> {
  return store.userQueries.detail(username, historyLimit);
}
