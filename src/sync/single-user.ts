import type { DirectoryConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import { pendingHolds, releaseHold, type HeldRemoval } from '../store/held.js';
import { recordObjects } from '../store/runs.js';
import { findUserByUsername, usersByExternalId } from '../store/users.js';
import { DesiredMembers, syncGroups } from './groups.js';
import type { DirectoryReader } from './read.js';
import { applyRemovals } from './removals.js';
import type { ObjectChange, RunCounts } from './report.js';
import { SeenIds } from './seen.js';
import { syncUserPage, type PendingRemoval } from './user-changes.js';

/** A single-user sync of a name that is neither in the directory's scope nor in the store: an answer, not a failed run. */
export class UserNotFoundError extends IdsyncError {
  constructor(username: string, cfg: DirectoryConfig) {
    super('STORE_NOT_FOUND', `no user "${username}" in directory "${cfg.name}": no entry with ${cfg.attributes.username}=${username} matches ${cfg.filters.user} under ${cfg.baseDn}, and the store has no user of that name from this directory`, {
      where: username,
    });
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
  o: { now: Date; apply: boolean; counts: RunCounts; keep: (c: ObjectChange[]) => void; itemLabel: (i: number) => string; runId?: number },
): Promise<void> {
  const scoped = await reader.readUser(username);
  const work = async (db: Store['db']) => {
    const changes: ObjectChange[] = [];
    if (!scoped || scoped.itemIndex === undefined) {
      let externalId: string | undefined;
      try {
        externalId = scoped ? cfg.profile.externalId(scoped.entry) : undefined;
      } catch {
        externalId = undefined;
      }
      const byId = externalId ? (await usersByExternalId(db, directoryId, [externalId])).get(externalId) : undefined;
      const byName = byId ?? (await findUserByUsername(db, username));
      const user = byName && byName.directory_id === directoryId ? byName : undefined;
      if (!user) throw new UserNotFoundError(username, cfg);
      const hold = (await pendingHolds(db, [user.id])).get(user.id);
      const removal: PendingRemoval = { userId: user.id, username: user.username, externalId: user.external_id, action: 'disable', reason: scoped ? 'no longer in scope (single-user sync)' : 'not found in the directory (single-user sync)' };
      if (hold) {
        o.counts.unchanged++;
        changes.push(heldChange(removal, hold));
      } else {
        // Duo's rule: a single-user sync only disables a user who left scope; the next full sync trashes them.
        if (user.status === 'active') changes.push(...(await applyRemovals(db, [removal], cfg, o.now, o.counts, o.apply)));
        else o.counts.unchanged++;
        await syncGroups(db, cfg, directoryId, reader.chosen, new DesiredMembers(), { now: o.now, apply: o.apply, counts: o.counts, onlyUsers: new Set([user.id]) });
      }
    } else {
      const r = await syncUserPage(db, cfg, directoryId, [scoped], { now: o.now, apply: o.apply, counts: o.counts, seen: new SeenIds(), itemLabel: o.itemLabel });
      changes.push(...r.changes);
      const holds = await pendingHolds(db, [...r.members.map((m) => m.userId), ...r.removals.map((x) => x.userId)]);
      const removals: PendingRemoval[] = [];
      for (const x of r.removals) {
        const hold = holds.get(x.userId);
        if (hold) changes.push(heldChange(x, hold));
        else removals.push(x);
      }
      changes.push(...(await applyRemovals(db, removals, cfg, o.now, o.counts, o.apply)));
      const desired = new DesiredMembers();
      const only = new Set<number>();
      for (const m of r.members) {
        only.add(m.userId);
        desired.add(m.userId, m.groups);
        const hold = holds.get(m.userId);
        if (!hold || r.removals.some((x) => x.userId === m.userId)) continue;
        if (o.apply) await releaseHold(db, hold.runId, m.userId, o.now);
        const c = changes.find((x) => x.userId === m.userId && x.objectType === 'user');
        const note = `back in scope: no longer held for removal by run ${hold.runId}`;
        if (c) c.reason = c.reason ? `${c.reason}; ${note}` : note;
        else changes.push({ objectType: 'user', name: username, userId: m.userId, outcome: 'unchanged', reason: note });
      }
      changes.push(...(await syncGroups(db, cfg, directoryId, reader.chosen, desired, { now: o.now, apply: o.apply, counts: o.counts, onlyUsers: only })));
    }
    if (o.apply) await recordObjects(db, o.runId!, changes);
    o.keep(changes);
  };
  if (o.apply) await store.transaction((trx) => work(trx as unknown as Store['db']));
  else await work(store.db);
}
