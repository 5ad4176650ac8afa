import { hostname } from 'node:os';
import { IdsyncError } from '../../errors.js';
import { processAlive } from '../process-alive.js';
import type { Db } from './rows.js';
import type { ObjectChange, RunEnd, RunKind } from './run-types.js';

/**
 * The run record and its per-object log, on any Kysely handle: src/store/runs.ts and both sync
 * writers (src/store/sync/) share them, so a full sync, an increment and a single-user sync start
 * and end their runs the same way.
 */

/**
 * Starts a run record, refusing when another live process is syncing the same directory. A
 * `running` record whose process is gone (killed mid-run) is marked interrupted: the store it
 * left is consistent page by page, and this run converges it. Run it in a transaction.
 */
export async function startRunIn(db: Db, directoryId: number, directoryName: string, kind: RunKind, now: Date): Promise<number> {
  const running = await db.selectFrom('runs').select(['id', 'pid', 'host']).where('directory_id', '=', directoryId).where('status', '=', 'running').execute();
  for (const r of running) {
    if (r.host === hostname() && r.pid !== null && r.pid !== process.pid && processAlive(r.pid)) {
      throw new IdsyncError('SYNC_ALREADY_RUNNING', `directory "${directoryName}" is already being synced by run ${r.id} (process ${r.pid})`);
    }
    if (r.host !== hostname() && r.host !== null) {
      throw new IdsyncError('SYNC_ALREADY_RUNNING', `directory "${directoryName}" is already being synced by run ${r.id} on host ${r.host}`);
    }
    await db
      .updateTable('runs')
      .set({ status: 'interrupted', finished_at: now.toISOString(), error: 'the process running this sync stopped before it finished' })
      .where('id', '=', r.id)
      .execute();
  }
  const row = await db
    .insertInto('runs')
    .values({
      directory_id: directoryId,
      directory_name: directoryName,
      kind,
      dry_run: 0,
      status: 'running',
      started_at: now.toISOString(),
      counts: '{}',
      attempts: '[]',
      warnings: '[]',
      pid: process.pid,
      host: hostname(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRunIn(db: Db, runId: number, r: RunEnd): Promise<void> {
  await db
    .updateTable('runs')
    .set({
      status: r.status,
      finished_at: r.now.toISOString(),
      duration_ms: r.now.getTime() - r.startedAt.getTime(),
      counts: JSON.stringify(r.counts),
      server: r.server ?? null,
      attempts: JSON.stringify(r.attempts),
      warnings: JSON.stringify(r.warnings),
      error_code: r.error?.code ?? null,
      error: r.error?.message ?? null,
    })
    .where('id', '=', runId)
    .execute();
}

export interface RunObjectRow {
  run_id: number;
  object_type: 'user' | 'group';
  name: string;
  external_id: string | null;
  user_id: number | null;
  outcome: string;
  detail: string | null;
}

export function runObjectRow(runId: number, c: ObjectChange): RunObjectRow {
  return {
    run_id: runId,
    object_type: c.objectType,
    name: c.name,
    external_id: c.externalId ?? null,
    user_id: c.userId ?? null,
    outcome: c.outcome,
    detail:
      c.reason || c.attributes || c.item || c.warnings?.length
        ? JSON.stringify({ reason: c.reason, attributes: c.attributes, item: c.item, warnings: c.warnings?.length ? c.warnings : undefined })
        : null,
  };
}

const CHUNK = 200;

export async function recordObjectsIn(db: Db, runId: number, changes: readonly ObjectChange[]): Promise<void> {
  for (let i = 0; i < changes.length; i += CHUNK) {
    await db
      .insertInto('run_objects')
      .values(changes.slice(i, i + CHUNK).map((c) => runObjectRow(runId, c)))
      .execute();
  }
}

/** Drops a run that turned out to be no run at all, with anything it logged. */
export async function discardRunIn(db: Db, runId: number): Promise<void> {
  await db.deleteFrom('run_objects').where('run_id', '=', runId).execute();
  await db.deleteFrom('runs').where('id', '=', runId).execute();
}
