import type { DirectoryConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { HeldRemoval } from '../store/held.js';
import type { SyncReads } from '../store/sync/writer.js';
import { applyPlan } from './apply.js';
import { importPasswordHashes } from './password-hashes.js';
import { DesiredMembers, planMemberships } from './groups.js';
import { emptyPlan, extendPlan, type PendingRemoval, type Placeholders, type Plan } from './plan.js';
import type { DirectoryReader } from './read.js';
import { planRemovals } from './removals.js';
import type { ObjectChange, RunCounts } from './report.js';
import { SeenIds } from './seen.js';
import { exportedGroupIds, exportedUserIds } from './exported.js';
import { addPageMembers, pageUserIds, planUserPage } from './user-changes.js';

/** A single-user sync of a name that is neither in the directory's scope nor in the store: an answer, not a failed run. */
export class UserNotFoundError extends IdsyncError {
  constructor(username: string, cfg: DirectoryConfig) {
    super(
      'STORE_NOT_FOUND',
      `no user "${username}" in directory "${cfg.name}": no entry with ${cfg.attributes.username}=${username} matches ${cfg.filters.user} under ` +
        `${cfg.baseDn}, and the store has no user of that name from this directory`,
      {
        where: username,
      },
    );
  }
}

/** What a held removal says where a single-user sync would have removed the user itself. */
function heldChange(r: PendingRemoval, hold: HeldRemoval): ObjectChange {
  const what = hold.action === 'trash' ? 'move to the trash' : 'disable';
  return {
    objectType: 'user',
    name: r.username,
    externalId: r.externalId ?? undefined,
    userId: r.userId,
    outcome: 'held',
    reason: `left as it is: the ${what} is held for approval by run ${hold.runId} since ${hold.since} (${hold.reason}); approve or reject run ${hold.runId}`,
  };
}

/**
 * One user by username. A user who left scope is only disabled (Duo's rule; the next full sync
 * trashes them). A user whose removal a pending approval holds is left to that approval: the
 * single-user sync neither disables them nor takes their memberships, so it cannot bypass the
 * safeguard. A held user found back in scope is taken out of the held removals, so that approving
 * the run later does not remove them.
 */
export async function syncOneUser(
  store: Store,
  cfg: DirectoryConfig,
  directoryId: number,
  reader: DirectoryReader,
  username: string,
  o: { now: Date; dryRun: boolean; counts: RunCounts; keep: (c: ObjectChange[]) => void; itemLabel: (i: number) => string; runId?: number; ids: Placeholders },
): Promise<void> {
  const scoped = await reader.readUser(username);
  const exported = await exportedUserIds(store, cfg, directoryId);
  const exportedGroups = await exportedGroupIds(store, cfg, directoryId);
  const plan = async (db: SyncReads): Promise<Plan> => {
    const plan = emptyPlan();
    const changes = plan.log;
    if (!scoped || scoped.itemIndex === undefined) {
      let externalId: string | undefined;
      try {
        externalId = scoped ? cfg.profile.externalId(scoped.entry) : undefined;
      } catch {
        externalId = undefined;
      }
      const byId = externalId ? (await db.usersByExternalId(directoryId, [externalId])).get(externalId) : undefined;
      const byName = byId ?? (await db.userByUsername(username));
      const user = byName && byName.directory_id === directoryId ? byName : undefined;
      if (!user) throw new UserNotFoundError(username, cfg);
      const hold = (await db.pendingHolds([user.id])).get(user.id);
      const removal: PendingRemoval = {
        userId: user.id,
        username: user.username,
        externalId: user.external_id,
        action: 'disable',
        reason: scoped ? 'no longer in scope (single-user sync)' : 'not found in the directory (single-user sync)',
      };
      if (hold) {
        o.counts.unchanged++;
        changes.push(heldChange(removal, hold));
      } else {
        // Duo's rule: a single-user sync only disables a user who left scope; the next full sync trashes them.
        if (user.status === 'active') extendPlan(plan, planRemovals([removal], cfg, o.now, o.counts));
        else o.counts.unchanged++;
        // Their memberships go; what the groups themselves would show is the next full sync's to report.
        const groups = await planMemberships(db, directoryId, reader.chosen, new DesiredMembers(), {
          now: o.now,
          counts: o.counts,
          ids: o.ids,
          onlyUsers: new Set([user.id]),
          exportedGroups,
        });
        plan.changes.push(...groups.changes);
      }
    } else {
      const page = await planUserPage(db, cfg, directoryId, [scoped], {
        now: o.now,
        counts: o.counts,
        seen: new SeenIds(),
        itemLabel: o.itemLabel,
        ids: o.ids,
        exported,
        describeNew: o.dryRun,
      });
      extendPlan(plan, page);
      const holds = await db.pendingHolds([...page.members.map((m) => m.userId), ...page.removals.map((x) => x.userId)]);
      const removals: PendingRemoval[] = [];
      for (const x of page.removals) {
        const hold = holds.get(x.userId);
        if (hold) changes.push(heldChange(x, hold));
        else removals.push(x);
      }
      extendPlan(plan, planRemovals(removals, cfg, o.now, o.counts));
      const desired = new DesiredMembers();
      addPageMembers(desired, page);
      for (const m of page.members) {
        const hold = holds.get(m.userId);
        if (!hold || page.removals.some((x) => x.userId === m.userId)) continue;
        plan.changes.push({ kind: 'hold.release', runId: hold.runId, userId: m.userId });
        const c = changes.find((x) => x.userId === m.userId && x.objectType === 'user');
        const note = `back in scope: no longer held for removal by run ${hold.runId}`;
        if (c) c.reason = c.reason ? `${c.reason}; ${note}` : note;
        else changes.push({ objectType: 'user', name: username, userId: m.userId, outcome: 'unchanged', reason: note });
      }
      extendPlan(
        plan,
        await planMemberships(db, directoryId, reader.chosen, desired, {
          now: o.now,
          counts: o.counts,
          ids: o.ids,
          onlyUsers: new Set(pageUserIds(page)),
          exportedGroups,
        }),
      );
    }
    return plan;
  };
  if (o.dryRun) {
    o.keep((await plan(store.sync.reads)).log);
    return;
  }
  await store.sync.transaction(async (w) => {
    const p = await plan(w);
    await applyPlan(w, p, { directoryId, now: o.now, counts: o.counts, runId: o.runId! });
    o.keep(p.log);
  });
  if (scoped) await importPasswordHashes(store, cfg, [scoped], o.now);
}
