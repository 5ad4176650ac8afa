import type { DirectoryConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Db, Store } from '../store/db.js';
import { pendingHolds, releaseHold, supersedePending } from '../store/held.js';
import { recordObjects } from '../store/runs.js';
import type { ObjectChange, RunCounts } from './report.js';
import type { KnownUser, SeenIds } from './seen.js';
import type { PendingRemoval } from './user-changes.js';

const DAY_MS = 86_400_000;

const LEFT_SCOPE = 'no longer in scope: removed from the chosen groups and containers, moved out of them, or deleted in the directory';

/**
 * Users of the directory that the run did not see in scope and that are not yet in the trash.
 * `known` is the run's own list of those users, read when it started (src/sync/engine.ts): every
 * user the run created or adopted since is in `seen`, so only the departed ones, and rows without
 * an external id, are read here.
 */
export async function departures(db: Db, directoryId: number, seen: SeenIds, known?: ReadonlyMap<string, KnownUser>): Promise<PendingRemoval[]> {
  const out: PendingRemoval[] = [];
  const leave = (r: { id: number; username: string; external_id: string | null }) =>
    out.push({ userId: r.id, username: r.username, externalId: r.external_id, action: 'trash', reason: LEFT_SCOPE });
  const base = () => db.selectFrom('users').select(['id', 'username', 'external_id']).where('directory_id', '=', directoryId).where('status', '!=', 'trashed');
  if (!known) {
    for (const r of await base().execute()) if (!r.external_id || !seen.has(r.external_id)) leave(r);
    return out;
  }
  const gone: number[] = [];
  for (const k of known.values()) if (!seen.metKnown(k[0])) gone.push(k[0]);
  for (let i = 0; i < gone.length; i += 500) for (const r of await base().where('id', 'in', gone.slice(i, i + 500)).execute()) leave(r);
  for (const r of await base().where('external_id', 'is', null).execute()) leave(r);
  return out;
}

export interface SafeguardDecision {
  hold: boolean;
  threshold: string;
}

/**
 * The removal threshold (Azure MFA Server's approval, Entra's delete threshold, GCDS's deletion
 * limits): a run that would take away more users than the limits is held for an administrator.
 * The percentage is of the directory's users in the store that are not already in the trash.
 *
 * `nothingMatched`: a full sync whose user filter matched no entry at all. With users of the
 * directory in the store, that is a mistyped filter, a base DN or an account that no longer sees
 * the users, far more often than a directory emptied on purpose, so every removal is held whatever
 * the limits (unless the safeguard is turned off).
 */
export function safeguard(cfg: DirectoryConfig, removals: number, population: number, opts: { nothingMatched?: boolean } = {}): SafeguardDecision {
  const s = cfg.safeguard;
  const parts: string[] = [];
  if (s.maxRemovals !== null) parts.push(`more than ${s.maxRemovals} users`);
  if (s.maxRemovalPercent !== null) parts.push(`more than ${s.maxRemovalPercent}% of ${population} users`);
  const threshold = parts.join(' or ') || 'none';
  if (!s.enabled || removals === 0) return { hold: false, threshold };
  if (opts.nothingMatched && population > 0) {
    return { hold: true, threshold: `the user filter ${cfg.filters.user} matched no entry under ${cfg.baseDn} while the store holds ${population} users of this directory` };
  }
  if (s.maxRemovals !== null && removals > s.maxRemovals) return { hold: true, threshold };
  // One user is never "a mass removal", whatever the percentage in a tiny directory.
  if (s.maxRemovalPercent !== null && removals > 1 && population > 0 && (removals * 100) / population > s.maxRemovalPercent) return { hold: true, threshold };
  return { hold: false, threshold };
}

/** Applies removals: disable (from the directory) or disable-and-trash (left scope). */
export async function applyRemovals(db: Db, removals: PendingRemoval[], cfg: DirectoryConfig, now: Date, counts: RunCounts, apply: boolean): Promise<ObjectChange[]> {
  const ts = now.toISOString();
  const deleteAfter = new Date(now.getTime() + cfg.trashDays * DAY_MS).toISOString();
  const changes: ObjectChange[] = [];
  for (const r of removals) {
    if (r.action === 'trash') {
      counts.trashed++;
      changes.push({ objectType: 'user', name: r.username, externalId: r.externalId ?? undefined, userId: r.userId, outcome: 'trashed', reason: `${r.reason}; disabled and in the trash until ${deleteAfter}` });
      if (apply) {
        await db.updateTable('users').set({ status: 'trashed', status_reason: r.reason, trashed_at: ts, delete_after: deleteAfter, updated_at: ts, source_hash: null }).where('id', '=', r.userId).execute();
        // A run's own membership pass has already taken these away; an approved hold has not.
        const gone = await db.deleteFrom('group_members').where('user_id', '=', r.userId).executeTakeFirst();
        counts.membersRemoved += Number(gone.numDeletedRows);
      }
    } else {
      counts.disabled++;
      changes.push({ objectType: 'user', name: r.username, externalId: r.externalId ?? undefined, userId: r.userId, outcome: 'disabled', reason: r.reason });
      // The stored digest no longer describes the row: the next full sync compares it in full.
      if (apply) await db.updateTable('users').set({ status: 'disabled', status_reason: r.reason, updated_at: ts, source_hash: null }).where('id', '=', r.userId).execute();
    }
  }
  return changes;
}

/**
 * `supersede`: a full sync re-plans every removal from the directory as it is now, so the
 * directory's older pending approvals are stale. An increment plans only the users it looked at:
 * it leaves the others' approvals alone (see `heldElsewhere`).
 */
export async function holdRemovals(db: Db, runId: number, directoryId: number, removals: PendingRemoval[], now: Date, threshold: string, opts: { supersede?: boolean } = {}): Promise<void> {
  if (opts.supersede ?? true) await supersedePending(db, directoryId, now);
  await db.insertInto('approvals').values({ run_id: runId, directory_id: directoryId, status: 'pending', count: removals.length, threshold, created_at: now.toISOString(), decided_at: null }).execute();
  for (let i = 0; i < removals.length; i += 200) {
    await db
      .insertInto('held_removals')
      .values(removals.slice(i, i + 200).map((r) => ({ run_id: runId, user_id: r.userId, action: r.action, reason: r.reason })))
      .execute();
  }
}

/**
 * For a run that looks at a few users (an increment): the removals a pending approval already
 * holds are left to it (neither applied nor held again; `held` keeps their memberships), and users
 * found in scope are taken out of any pending approval, so that approving it does not remove them.
 */
export async function heldElsewhere(db: Db, removals: PendingRemoval[], inScope: readonly number[], now: Date): Promise<{ removals: PendingRemoval[]; held: Set<number> }> {
  const holds = await pendingHolds(db, [...removals.map((r) => r.userId), ...inScope]);
  if (!holds.size) return { removals, held: new Set() };
  const leaving = new Set(removals.map((r) => r.userId));
  for (const id of inScope) {
    const h = holds.get(id);
    if (h && !leaving.has(id)) await releaseHold(db, h.runId, id, now);
  }
  const held = new Set(removals.filter((r) => holds.has(r.userId)).map((r) => r.userId));
  return { removals: removals.filter((r) => !held.has(r.userId)), held };
}

/** Users whose deletion date has passed are deleted from the store. */
export async function purgeTrash(db: Db, directoryId: number, now: Date, counts: RunCounts, apply: boolean): Promise<ObjectChange[]> {
  const due = await db
    .selectFrom('users')
    .select(['id', 'username', 'external_id', 'delete_after'])
    .where('directory_id', '=', directoryId)
    .where('status', '=', 'trashed')
    .where('delete_after', '<=', now.toISOString())
    .execute();
  const changes: ObjectChange[] = [];
  for (const u of due) {
    counts.deleted++;
    changes.push({ objectType: 'user', name: u.username, externalId: u.external_id ?? undefined, outcome: 'deleted', reason: `in the trash past its deletion date ${u.delete_after}` });
    if (apply) await db.deleteFrom('users').where('id', '=', u.id).execute();
  }
  return changes;
}

export interface ApprovalSummary {
  runId: number;
  directory: string;
  status: string;
  count: number;
  /** The limit the removals went over, e.g. "more than 10 users or more than 25% of 400 users"; null for approvals held before idsync stored it. */
  threshold: string | null;
  createdAt: string;
  decidedAt: string | null;
  users: { username: string; action: string; reason: string }[];
}

export async function listApprovals(store: Store, opts: { all?: boolean } = {}): Promise<ApprovalSummary[]> {
  let q = store.db.selectFrom('approvals').innerJoin('directories', 'directories.id', 'approvals.directory_id').select(['approvals.run_id', 'directories.name', 'approvals.status', 'approvals.count', 'approvals.threshold', 'approvals.created_at', 'approvals.decided_at']);
  if (!opts.all) q = q.where('approvals.status', '=', 'pending');
  const rows = await q.orderBy('approvals.run_id', 'desc').execute();
  const out: ApprovalSummary[] = [];
  for (const r of rows) {
    const users = await store.db
      .selectFrom('held_removals')
      .innerJoin('users', 'users.id', 'held_removals.user_id')
      .select(['users.username', 'held_removals.action', 'held_removals.reason'])
      .where('held_removals.run_id', '=', r.run_id)
      .orderBy('users.username')
      .execute();
    out.push({ runId: r.run_id, directory: r.name, status: r.status, count: r.count, threshold: r.threshold, createdAt: r.created_at, decidedAt: r.decided_at, users });
  }
  return out;
}

/**
 * Approve: the held removals are applied now, recorded against the run that held them. Users that
 * have come back since (restored by a later single-user sync) or are already gone are left alone.
 * Reject: nothing is removed; the next full sync plans again from the directory as it is then.
 */
export async function decideApproval(store: Store, cfg: DirectoryConfig | undefined, runId: number, decision: 'approve' | 'reject', now: Date): Promise<{ applied: number; skipped: number }> {
  return store.transaction(async (trx) => {
    const a = await trx.selectFrom('approvals').selectAll().where('run_id', '=', runId).executeTakeFirst();
    if (!a) throw new IdsyncError('STORE_NOT_FOUND', `run ${runId} has no held removals`, { where: String(runId) });
    if (a.status !== 'pending') throw new IdsyncError('APPROVAL_NOT_PENDING', `the removals held by run ${runId} are ${a.status}, not pending`, { where: String(runId) });
    await trx.updateTable('approvals').set({ status: decision === 'approve' ? 'approved' : 'rejected', decided_at: now.toISOString() }).where('run_id', '=', runId).execute();
    if (decision === 'reject') return { applied: 0, skipped: a.count };
    if (!cfg) throw new IdsyncError('UNKNOWN_DIRECTORY', `the directory of run ${runId} is no longer configured; cannot apply its removals`);
    const held = await trx
      .selectFrom('held_removals')
      .innerJoin('users', 'users.id', 'held_removals.user_id')
      .select(['users.id', 'users.username', 'users.external_id', 'users.status', 'held_removals.action', 'held_removals.reason'])
      .where('held_removals.run_id', '=', runId)
      .execute();
    const todo: PendingRemoval[] = held
      .filter((h) => (h.action === 'trash' ? h.status !== 'trashed' : h.status === 'active'))
      .map((h) => ({ userId: h.id, username: h.username, externalId: h.external_id, action: h.action, reason: h.reason }));
    const counts = (await trx.selectFrom('runs').select('counts').where('id', '=', runId).executeTakeFirstOrThrow()).counts;
    const c = JSON.parse(counts) as RunCounts;
    const changes = await applyRemovals(trx, todo, cfg, now, c, true);
    c.held = Math.max(0, c.held - todo.length);
    await trx.updateTable('runs').set({ counts: JSON.stringify(c) }).where('id', '=', runId).execute();
    await recordObjects(trx, runId, changes.map((x) => ({ ...x, reason: `approved: ${x.reason}` })));
    return { applied: todo.length, skipped: held.length - todo.length };
  });
}
