import type { NewGroupRow, NewUserRow, UserPatch } from '../store/sync/rows.js';
import type { ObjectChange } from '../store/sync/run-types.js';

/**
 * A plan: the typed changes a sync would make to the store, in the order they are written, and
 * the lines a run reports for them. The planners (src/sync/user-changes.ts, groups.ts,
 * removals.ts) only read the store; src/sync/apply.ts writes any plan. A dry run is a plan that is
 * reported and not applied.
 *
 * The names say what happens to which object (`user.create`, `membership.add`…), not where the
 * change comes from, so that outbound provisioning can plan the same kinds of change towards a
 * directory.
 */
export type PlannedChange =
  /**
   * `ref` is the plan's placeholder (negative) for the new user: membership changes of the same
   * plan may list it. Once applied, `log.userId` is the store's id (see `createdId`).
   */
  | { kind: 'user.create'; ref: number; row: NewUserRow; groups: readonly number[]; log: ObjectChange }
  | { kind: 'user.update'; userId: number; set: UserPatch }
  | { kind: 'user.disable'; userId: number; reason: string }
  | { kind: 'user.trash'; userId: number; reason: string; deleteAfter: string }
  | { kind: 'user.delete'; userId: number }
  /** `groupId` is the plan's placeholder for the new group; membership changes refer to it. */
  | { kind: 'group.create'; groupId: number; row: NewGroupRow }
  | { kind: 'group.update'; groupId: number; dn: string; name: string }
  | { kind: 'group.delete'; groupId: number }
  | { kind: 'membership.add'; groupId: number; userIds: readonly number[] }
  | { kind: 'membership.remove'; groupId: number; userIds: readonly number[] }
  /** Removals the safeguard holds for an administrator's approval. */
  | { kind: 'removal.hold'; removals: readonly PendingRemoval[]; threshold: string }
  /** A user back in scope is taken out of the pending approval that held them. */
  | { kind: 'hold.release'; runId: number; userId: number }
  /** The directory's pending approvals are stale: a full sync planned every removal again. */
  | { kind: 'holds.supersede' };

export type ChangeKind = PlannedChange['kind'];
export type PlannedOf<K extends ChangeKind> = Extract<PlannedChange, { kind: K }>;

/** A new user's id: the store's once the plan is applied, the placeholder before (and in a dry run). */
export function createdId(c: PlannedOf<'user.create'>): number {
  return c.log.userId ?? c.ref;
}

/** A status change that takes a user away (active → disabled, or out of scope → trash): it waits for the safeguard. */
export interface PendingRemoval {
  userId: number;
  username: string;
  externalId: string | null;
  action: 'disable' | 'trash';
  reason: string;
}

export interface Plan {
  changes: PlannedChange[];
  /** One line per object the plan touches or has something to say about, as the run reports and logs it. */
  log: ObjectChange[];
  /**
   * Memberships of a directory's first load, when there are many: a backend may load them in bulk
   * (src/store/sync/writer.ts, beginMembershipLoad).
   */
  membershipLoad?: number;
}

export function emptyPlan(): Plan {
  return { changes: [], log: [] };
}

/**
 * Placeholder ids for the users and groups a plan creates: negative, so they sort before every
 * store id and are never taken for one. One per run, so that the pages of a dry run do not reuse
 * each other's.
 */
export class Placeholders {
  #next = -1;

  take(): number {
    return this.#next--;
  }
}

/** Appends `more` to `plan` (a page's plan to a run's, a tail to a page). */
export function extendPlan(plan: Plan, more: Plan): Plan {
  for (const c of more.changes) plan.changes.push(c);
  for (const l of more.log) plan.log.push(l);
  if (more.membershipLoad) plan.membershipLoad = more.membershipLoad;
  return plan;
}
