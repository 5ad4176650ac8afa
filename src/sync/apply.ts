import type { MemberChange, SyncWriter } from '../store/sync/writer.js';
import type { RunCounts } from '../store/sync/run-types.js';
import type { Plan, PlannedOf } from './plan.js';

export interface ApplyContext {
  directoryId: number;
  now: Date;
  counts: RunCounts;
  /** The run the plan is applied for: held removals are held by it, and its log is recorded against it. */
  runId: number;
  /** False when the caller records the log itself (with more lines, or later). */
  record?: boolean;
}

/**
 * Writes a plan through the store's sync writer, in the plan's order, in the transaction the
 * writer is bound to. Placeholder ids become store ids as users and groups are created: a created
 * user's `userId` (and its log line's) is the store's afterwards, so the caller can go on with it.
 */
export async function applyPlan(w: SyncWriter, plan: Plan, ctx: ApplyContext): Promise<void> {
  const groupIds = new Map<number, number>();
  const group = (id: number) => (id < 0 ? groupIds.get(id) : id);
  // New users' placeholders in membership changes (an increment or a single-user sync plans a new
  // user's memberships with it): looked up only when one occurs, as a full sync's pages never do.
  let userIds: Map<number, number> | undefined;
  const users = (ids: readonly number[]): readonly number[] => {
    if (!ids.length || ids[0] >= 0) return ids; // ascending: placeholders come first
    userIds ??= new Map(changes.filter((x): x is PlannedOf<'user.create'> => x.kind === 'user.create').map((x) => [x.ref, x.log.userId!]));
    return ids.map((id) => (id < 0 ? userIds!.get(id)! : id));
  };
  const { changes } = plan;
  let load = plan.membershipLoad ? await w.beginMembershipLoad(plan.membershipLoad) : undefined;
  // Users are written a page at a time: consecutive creates and updates go to the store as one batch.
  for (let i = 0; i < changes.length; ) {
    const c = changes[i];
    if (load && c.kind !== 'group.create' && c.kind !== 'group.update' && c.kind !== 'membership.add' && c.kind !== 'membership.remove') {
      await load.end();
      load = undefined;
    }
    if (c.kind === 'user.create') {
      let j = i;
      while (j < changes.length && changes[j].kind === 'user.create') j++;
      const batch = changes.slice(i, j) as PlannedOf<'user.create'>[];
      const ids = await w.insertUsers(batch.map((x) => x.row));
      for (let k = 0; k < batch.length; k++) batch[k].log.userId = ids[k];
      i = j;
      continue;
    }
    if (c.kind === 'user.update') {
      let j = i;
      while (j < changes.length && changes[j].kind === 'user.update') j++;
      await w.updateUsers((changes.slice(i, j) as PlannedOf<'user.update'>[]).map((x) => ({ id: x.userId, set: x.set })));
      i = j;
      continue;
    }
    if (c.kind === 'group.create') {
      let j = i;
      while (j < changes.length && changes[j].kind === 'group.create') j++;
      const batch = changes.slice(i, j) as PlannedOf<'group.create'>[];
      const ids = await w.insertGroups(batch.map((x) => x.row));
      for (let k = 0; k < batch.length; k++) groupIds.set(batch[k].groupId, ids[k]);
      i = j;
      continue;
    }
    if (c.kind === 'membership.add' || c.kind === 'membership.remove') {
      // A run of membership changes (a full sync plans them after every group change) as one batch.
      const adds: MemberChange[] = [];
      const removes: MemberChange[] = [];
      for (; i < changes.length; i++) {
        const m = changes[i];
        if (m.kind !== 'membership.add' && m.kind !== 'membership.remove') break;
        const g = group(m.groupId);
        if (g === undefined || !m.userIds.length) continue;
        if (m.kind === 'membership.add') adds.push({ groupId: g, userIds: users(m.userIds) });
        else removes.push({ groupId: g, userIds: m.userIds });
      }
      if (adds.length || removes.length) await w.writeMembers(adds, removes);
      continue;
    }
    switch (c.kind) {
      case 'user.disable':
        await w.disableUser(c.userId, c.reason, ctx.now);
        break;
      case 'user.trash':
        // A run's own membership changes have already taken these away; an approved hold's have not.
        ctx.counts.membersRemoved += await w.trashUser(c.userId, c.reason, ctx.now, c.deleteAfter);
        break;
      case 'user.delete':
        await w.deleteUser(c.userId);
        break;
      case 'group.update':
        await w.updateGroup(c.groupId, { dn: c.dn, name: c.name, updated_at: ctx.now.toISOString() });
        break;
      case 'group.delete':
        await w.deleteGroup(c.groupId);
        break;
      case 'removal.hold':
        await w.holdRemovals(ctx.runId, ctx.directoryId, c.removals, c.threshold, ctx.now);
        break;
      case 'hold.release':
        await w.releaseHold(c.runId, c.userId, ctx.now);
        break;
      case 'holds.supersede':
        await w.supersedePending(ctx.directoryId, ctx.now);
        break;
    }
    i++;
  }
  await load?.end();
  if (ctx.record ?? true) await w.recordObjects(ctx.runId, plan.log);
}
