import type { DirectoryConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import { KyselySyncWriter } from '../store/sync/kysely-writer.js';
import type { Db } from '../store/sync/rows.js';
import type { ApprovalListing, LiveUser, SyncReads } from '../store/sync/writer.js';
import { applyPlan } from './apply.js';
import type { PendingRemoval, Plan } from './plan.js';
import type { RunCounts } from './report.js';
import type { KnownUser, SeenIds } from './seen.js';

const DAY_MS = 86_400_000;

export const LEFT_SCOPE = 'no longer in scope: removed from the chosen groups and containers, moved out of them, or deleted in the directory';

/**
 * Users of the directory that the run did not see in scope and that are not yet in the trash.
 * `known` is the run's own list of those users, read when it started (src/sync/engine.ts): every
 * user the run created or adopted since is in `seen`, so only the departed ones, and rows without
 * an external id, are read here.
 */
export async function departures(db: SyncReads, directoryId: number, seen: SeenIds, known?: ReadonlyMap<string, KnownUser>): Promise<PendingRemoval[]> {
  const out: PendingRemoval[] = [];
  const leave = (r: LiveUser) => out.push({ userId: r.id, username: r.username, externalId: r.external_id, action: 'trash', reason: LEFT_SCOPE });
  if (!known) {
    for (const r of await db.liveUsers(directoryId)) if (!r.external_id || !seen.has(r.external_id)) leave(r);
    return out;
  }
  const gone: number[] = [];
  for (const k of known.values()) if (!seen.metKnown(k[0])) gone.push(k[0]);
  if (gone.length) for (const r of await db.liveUsers(directoryId, gone)) leave(r);
  for (const r of await db.liveUsersWithoutExternalId(directoryId)) leave(r);
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
    return {
      hold: true,
      threshold: `the user filter ${cfg.filters.user} matched no entry under ${cfg.baseDn} while the store holds ${population} users of this directory`,
    };
  }
  if (s.maxRemovals !== null && removals > s.maxRemovals) return { hold: true, threshold };
  // One user is never "a mass removal", whatever the percentage in a tiny directory.
  if (s.maxRemovalPercent !== null && removals > 1 && population > 0 && (removals * 100) / population > s.maxRemovalPercent) return { hold: true, threshold };
  return { hold: false, threshold };
}

/** Plans removals: disable (from the directory) or disable-and-trash (left scope). */
export function planRemovals(removals: readonly PendingRemoval[], cfg: DirectoryConfig, now: Date, counts: RunCounts): Plan {
  const deleteAfter = new Date(now.getTime() + cfg.trashDays * DAY_MS).toISOString();
  const plan: Plan = { changes: [], log: [] };
  for (const r of removals) {
    if (r.action === 'trash') {
      counts.trashed++;
      plan.log.push({
        objectType: 'user',
        name: r.username,
        externalId: r.externalId ?? undefined,
        userId: r.userId,
        outcome: 'trashed',
        reason: `${r.reason}; disabled and in the trash until ${deleteAfter}`,
      });
      plan.changes.push({ kind: 'user.trash', userId: r.userId, reason: r.reason, deleteAfter });
    } else {
      counts.disabled++;
      plan.log.push({ objectType: 'user', name: r.username, externalId: r.externalId ?? undefined, userId: r.userId, outcome: 'disabled', reason: r.reason });
      plan.changes.push({ kind: 'user.disable', userId: r.userId, reason: r.reason });
    }
  }
  return plan;
}

/** Plans holding removals for approval: the users stay active, and keep their memberships, until an administrator decides. */
export function planHold(removals: PendingRemoval[], threshold: string, counts: RunCounts): Plan {
  counts.held = removals.length;
  return {
    changes: [{ kind: 'removal.hold', removals, threshold }],
    log: removals.map((r) => ({
      objectType: 'user',
      name: r.username,
      externalId: r.externalId ?? undefined,
      userId: r.userId,
      outcome: 'held',
      reason: `${r.action === 'trash' ? 'trash' : 'disable'} held for approval: ${r.reason}`,
    })),
  };
}

/**
 * Holds removals on a store handle directly (tools and tests that set up an approval). `supersede`:
 * the directory's older pending approvals are stale, as after a full sync.
 */
export async function holdRemovals(
  db: Db,
  runId: number,
  directoryId: number,
  removals: PendingRemoval[],
  now: Date,
  threshold: string,
  opts: { supersede?: boolean } = {},
): Promise<void> {
  const w = new KyselySyncWriter(db);
  if (opts.supersede ?? true) await w.supersedePending(directoryId, now);
  await w.holdRemovals(runId, directoryId, removals, threshold, now);
}

/**
 * For a run that looks at a few users (an increment): the removals a pending approval already
 * holds are left to it (neither applied nor held again; `held` keeps their memberships), and users
 * found in scope are taken out of any pending approval, so that approving it does not remove them.
 */
export async function heldElsewhere(
  db: SyncReads,
  removals: PendingRemoval[],
  inScope: readonly number[],
): Promise<{ removals: PendingRemoval[]; held: Set<number>; release: Plan }> {
  const release: Plan = { changes: [], log: [] };
  const holds = await db.pendingHolds([...removals.map((r) => r.userId), ...inScope]);
  if (!holds.size) return { removals, held: new Set(), release };
  const leaving = new Set(removals.map((r) => r.userId));
  for (const id of inScope) {
    const h = holds.get(id);
    if (h && !leaving.has(id)) release.changes.push({ kind: 'hold.release', runId: h.runId, userId: id });
  }
  const held = new Set(removals.filter((r) => holds.has(r.userId)).map((r) => r.userId));
  return { removals: removals.filter((r) => !held.has(r.userId)), held, release };
}

/** Users whose deletion date has passed are deleted from the store. */
export async function planPurge(db: SyncReads, directoryId: number, now: Date, counts: RunCounts): Promise<Plan> {
  const plan: Plan = { changes: [], log: [] };
  for (const u of await db.trashDue(directoryId, now)) {
    counts.deleted++;
    plan.log.push({
      objectType: 'user',
      name: u.username,
      externalId: u.external_id ?? undefined,
      outcome: 'deleted',
      reason: `in the trash past its deletion date ${u.delete_after}`,
    });
    plan.changes.push({ kind: 'user.delete', userId: u.id });
  }
  return plan;
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
  const rows: ApprovalListing[] = await store.sync.reads.approvals(opts);
  return rows.map((r) => ({
    runId: r.run_id,
    directory: r.name,
    status: r.status,
    count: r.count,
    threshold: r.threshold,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    users: r.users,
  }));
}

/**
 * Approve: the held removals are applied now, recorded against the run that held them. Users that
 * have come back since (restored by a later single-user sync) or are already gone are left alone.
 * Reject: nothing is removed; the next full sync plans again from the directory as it is then.
 */
export async function decideApproval(
  store: Store,
  cfg: DirectoryConfig | undefined,
  runId: number,
  decision: 'approve' | 'reject',
  now: Date,
): Promise<{ applied: number; skipped: number }> {
  return store.sync.transaction(async (w) => {
    const a = await w.approval(runId);
    if (!a) throw new IdsyncError('STORE_NOT_FOUND', `run ${runId} has no held removals`, { where: String(runId) });
    if (a.status !== 'pending')
      throw new IdsyncError('APPROVAL_NOT_PENDING', `the removals held by run ${runId} are ${a.status}, not pending`, { where: String(runId) });
    await w.decideApproval(runId, decision === 'approve' ? 'approved' : 'rejected', now);
    if (decision === 'reject') return { applied: 0, skipped: a.count };
    if (!cfg) throw new IdsyncError('UNKNOWN_DIRECTORY', `the directory of run ${runId} is no longer configured; cannot apply its removals`);
    const held = await w.heldUsers(runId);
    const todo: PendingRemoval[] = held
      .filter((h) => (h.action === 'trash' ? h.status !== 'trashed' : h.status === 'active'))
      .map((h) => ({ userId: h.id, username: h.username, externalId: h.external_id, action: h.action, reason: h.reason }));
    const c = await w.runCounts(runId);
    const plan = planRemovals(todo, cfg, now, c);
    plan.log = plan.log.map((x) => ({ ...x, reason: `approved: ${x.reason}` }));
    await applyPlan(w, plan, { directoryId: a.directory_id, now, counts: c, runId });
    c.held = Math.max(0, c.held - todo.length);
    await w.setRunCounts(runId, c);
    return { applied: todo.length, skipped: held.length - todo.length };
  });
}
