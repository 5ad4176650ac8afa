import type { Db } from './db-handle.js';

/** A pending approval's hold on one user: the run that held the removal, since when, and what it would do. */
export interface HeldRemoval {
  runId: number;
  since: string;
  action: 'disable' | 'trash';
  reason: string;
}

/**
 * The pending holds on these users. Only approvals still pending count: an approved, rejected or
 * superseded run holds nobody any more. A user is in at most one pending approval: a full sync's
 * hold supersedes the directory's older ones, and an increment does not hold a user again.
 */
export async function pendingHolds(db: Db, userIds: readonly number[]): Promise<Map<number, HeldRemoval>> {
  const out = new Map<number, HeldRemoval>();
  const ids = userIds.filter((id) => id > 0);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('held_removals')
      .innerJoin('approvals', 'approvals.run_id', 'held_removals.run_id')
      .select(['held_removals.user_id', 'held_removals.run_id', 'approvals.created_at', 'held_removals.action', 'held_removals.reason'])
      .where('approvals.status', '=', 'pending')
      .where('held_removals.user_id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) out.set(r.user_id, { runId: r.run_id, since: r.created_at, action: r.action, reason: r.reason });
  }
  return out;
}

/**
 * Takes one user out of a pending approval: a sync found them back in scope, so approving the run
 * must not remove them. An approval left holding nobody is superseded.
 */
export async function releaseHold(db: Db, runId: number, userId: number, now: Date): Promise<void> {
  const gone = await db.deleteFrom('held_removals').where('run_id', '=', runId).where('user_id', '=', userId).executeTakeFirst();
  if (!Number(gone.numDeletedRows)) return;
  await db
    .updateTable('approvals')
    .set((eb) => ({ count: eb('count', '-', 1) }))
    .where('run_id', '=', runId)
    .execute();
  await db
    .updateTable('approvals')
    .set({ status: 'superseded', decided_at: now.toISOString() })
    .where('run_id', '=', runId)
    .where('status', '=', 'pending')
    .where('count', '<=', 0)
    .execute();
}

/**
 * A full sync re-plans every removal from the directory as it is now: the directory's older
 * pending approvals are stale, whether or not this run holds anything itself. (Without this, a
 * run held by a typo in a filter would stay pending after the typo is fixed, and approving it
 * later would remove users who are in scope.)
 */
export async function supersedePending(db: Db, directoryId: number, now: Date): Promise<void> {
  await db
    .updateTable('approvals')
    .set({ status: 'superseded', decided_at: now.toISOString() })
    .where('directory_id', '=', directoryId)
    .where('status', '=', 'pending')
    .execute();
}
