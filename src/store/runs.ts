import { hostname } from 'node:os';
import type { ServerAttempt } from '../directory/connection.js';
import { IdsyncError } from '../errors.js';
import type { ObjectChange, RunCounts, RunKind } from '../sync/report.js';
import type { Db, Store } from './db.js';
import { fastPath } from './sqlite-fast-path.js';
import { processAlive } from './process-alive.js';
import { pgInsertRunObjects } from './postgres/runs.js';

/**
 * Starts a run record, refusing when another live process is syncing the same directory. A
 * `running` record whose process is gone (killed mid-run) is marked interrupted: the store it
 * left is consistent page by page, and this run converges it.
 */
export async function startRun(store: Store, directoryId: number, directoryName: string, kind: RunKind, now: Date): Promise<number> {
  return store.transaction(async (trx) => {
    const running = await trx.selectFrom('runs').select(['id', 'pid', 'host']).where('directory_id', '=', directoryId).where('status', '=', 'running').execute();
    for (const r of running) {
      if (r.host === hostname() && r.pid !== null && r.pid !== process.pid && processAlive(r.pid)) {
        throw new IdsyncError('SYNC_ALREADY_RUNNING', `directory "${directoryName}" is already being synced by run ${r.id} (process ${r.pid})`);
      }
      if (r.host !== hostname() && r.host !== null) {
        throw new IdsyncError('SYNC_ALREADY_RUNNING', `directory "${directoryName}" is already being synced by run ${r.id} on host ${r.host}`);
      }
      await trx.updateTable('runs').set({ status: 'interrupted', finished_at: now.toISOString(), error: 'the process running this sync stopped before it finished' }).where('id', '=', r.id).execute();
    }
    const row = await trx
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
  });
}

export async function finishRun(
  db: Db,
  runId: number,
  r: { status: 'succeeded' | 'failed'; counts: RunCounts; startedAt: Date; now: Date; server?: string; attempts: ServerAttempt[]; warnings: string[]; error?: { code: string; message: string } },
): Promise<void> {
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

function runObjectRow(runId: number, c: ObjectChange) {
  return {
    run_id: runId,
    object_type: c.objectType,
    name: c.name,
    external_id: c.externalId ?? null,
    user_id: c.userId ?? null,
    outcome: c.outcome,
    detail: c.reason || c.attributes || c.item || c.warnings?.length ? JSON.stringify({ reason: c.reason, attributes: c.attributes, item: c.item, warnings: c.warnings?.length ? c.warnings : undefined }) : null,
  };
}

export async function recordObjects(db: Db, runId: number, changes: ObjectChange[]): Promise<void> {
  const fast = fastPath(db);
  if (fast) for (const c of changes) fast.insertRunObject(runObjectRow(runId, c));
  else await pgInsertRunObjects(db, changes.map((c) => runObjectRow(runId, c)));
}

/** Drops a run that turned out to be no run at all (a single-user sync of a name no one has), with anything it logged. */
export async function discardRun(db: Db, runId: number): Promise<void> {
  await db.deleteFrom('run_objects').where('run_id', '=', runId).execute();
  await db.deleteFrom('runs').where('id', '=', runId).execute();
}
