import type { Store } from './db.js';
import { fastPath } from './sqlite-fast-path.js';
import { discardRunIn, finishRunIn, recordObjectsIn, runObjectRow, startRunIn } from './sync/run-log.js';
import type { Db } from './sync/rows.js';
import type { ObjectChange, RunEnd, RunKind } from './sync/run-types.js';

/**
 * Starts a run record, refusing when another live process is syncing the same directory. A
 * `running` record whose process is gone (killed mid-run) is marked interrupted: the store it
 * left is consistent page by page, and this run converges it.
 */
export async function startRun(store: Store, directoryId: number, directoryName: string, kind: RunKind, now: Date): Promise<number> {
  return store.transaction((trx) => startRunIn(trx, directoryId, directoryName, kind, now));
}

export async function finishRun(db: Db, runId: number, r: RunEnd): Promise<void> {
  await finishRunIn(db, runId, r);
}

export async function recordObjects(db: Db, runId: number, changes: ObjectChange[]): Promise<void> {
  const fast = fastPath(db);
  if (fast) for (const c of changes) fast.insertRunObject(runObjectRow(runId, c));
  else await recordObjectsIn(db, runId, changes);
}

/** Drops a run that turned out to be no run at all (a single-user sync of a name no one has), with anything it logged. */
export async function discardRun(db: Db, runId: number): Promise<void> {
  await discardRunIn(db, runId);
}
