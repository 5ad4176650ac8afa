import type { DirectoryConfig } from '../config/load.js';
import type { SyncReads } from '../store/sync/writer.js';
import { planMemberships, type DesiredMembers } from './groups.js';
import { emptyPlan, extendPlan, type PendingRemoval, type Placeholders, type Plan } from './plan.js';
import type { ChosenGroup } from './read.js';
import { planHold, planPurge, planRemovals, safeguard, type SafeguardDecision } from './removals.js';
import type { RunCounts } from './report.js';

/**
 * The safeguard over a plan's removals. `recent`: removals applied lately that count with these
 * (an increment counts the last hour's, so that a mass removal arriving change by change is held
 * too); they count in the population as well, as the users were there before.
 */
export function decideRemovals(
  cfg: DirectoryConfig,
  removals: readonly PendingRemoval[],
  o: { population: number; recent?: number; nothingMatched?: boolean },
): SafeguardDecision | undefined {
  if (!removals.length) return undefined;
  const recent = o.recent ?? 0;
  return safeguard(cfg, recent + removals.length, o.population + recent, { nothingMatched: o.nothingMatched });
}

export interface TailOptions {
  now: Date;
  counts: RunCounts;
  ids: Placeholders;
  removals: PendingRemoval[];
  decision: SafeguardDecision | undefined;
  /** Users whose memberships stay whatever the decision (held by another pending approval). */
  keep?: ReadonlySet<number>;
  /** Only these users' memberships change (an increment); a full sync replaces every member list. */
  onlyUsers?: Set<number>;
  /** A full sync: the directory's older pending approvals are stale, and the trash is emptied of users past their date. */
  full: boolean;
  /** Said after the threshold of a hold (an increment's: counted over the last hour). */
  thresholdNote?: string;
  /** Groups idsync exported to this directory, never imported (src/sync/exported.ts). */
  exportedGroups?: ReadonlySet<string>;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The end of every run that has read users: their memberships, then the removals, held for
 * approval or applied as the safeguard decided. The decision comes first: a held removal keeps
 * the user active, so it keeps their memberships too until the hold is approved.
 */
export async function planTail(
  db: SyncReads,
  cfg: DirectoryConfig,
  directoryId: number,
  chosen: ChosenGroup[],
  desired: DesiredMembers,
  o: TailOptions,
): Promise<{ plan: Plan; held?: { count: number; threshold: string } }> {
  const plan = emptyPlan();
  const hold = o.decision?.hold ?? false;
  const keepUsers = hold ? new Set([...(o.keep ?? []), ...o.removals.map((r) => r.userId)]) : o.keep;
  if (!o.onlyUsers || o.onlyUsers.size) {
    const { now, counts, ids, onlyUsers, onProgress, exportedGroups } = o;
    extendPlan(plan, await planMemberships(db, directoryId, chosen, desired, { now, counts, ids, onlyUsers, keepUsers, onProgress, exportedGroups }));
  }
  if (o.full) plan.changes.push({ kind: 'holds.supersede' });
  let held: { count: number; threshold: string } | undefined;
  if (hold) {
    const threshold = `${o.decision!.threshold}${o.thresholdNote ?? ''}`;
    extendPlan(plan, planHold(o.removals, threshold, o.counts));
    held = { count: o.removals.length, threshold };
  } else {
    extendPlan(plan, planRemovals(o.removals, cfg, o.now, o.counts));
  }
  if (o.full) extendPlan(plan, await planPurge(db, directoryId, o.now, o.counts));
  return { plan, held };
}
