import type { DirectoryConfig } from '../config/load.js';
import type { Db } from '../store/db.js';
import { fastPath } from '../store/sqlite-fast-path.js';
import { pgSuspendMemberChecks } from '../store/postgres/bulk-load.js';
import { PgMembershipWriter, pgDirectoryMembers, pgInsertGroups, pgMembershipsOfUsers } from '../store/postgres/members.js';
import type { ChosenGroup } from './read.js';
import type { ObjectChange, RunCounts } from './report.js';

/**
 * The members each chosen group should have, by sync item index, as the run found them: each user
 * with the (shared, unchanged) list of items that reach them, turned into one sorted id list per
 * group once, at the end. A 100,000-user sync adds 331,000 memberships; growing an array per
 * group as they came cost more than counting first and filling typed arrays of the right size.
 */
export class DesiredMembers {
  readonly #users: number[] = [];
  readonly #groups: (readonly number[])[] = [];
  #lists: Float64Array[] | undefined;
  /** Memberships added, duplicates included. */
  total = 0;

  /** `groups` is kept, not copied: the caller must not change it afterwards. */
  add(userId: number, groups: readonly number[]): void {
    if (!groups.length) return;
    this.#users.push(userId);
    this.#groups.push(groups);
    this.total += groups.length;
    this.#lists = undefined;
  }

  /** Ascending user ids, each once. */
  sorted(itemIndex: number): Float64Array {
    this.#lists ??= this.#build();
    return this.#lists[itemIndex] ?? EMPTY;
  }

  #build(): Float64Array[] {
    const sizes: number[] = [];
    for (const groups of this.#groups) for (const g of groups) sizes[g] = (sizes[g] ?? 0) + 1;
    const lists: Float64Array[] = [];
    const filled: number[] = [];
    for (let g = 0; g < sizes.length; g++) {
      if (sizes[g]) {
        lists[g] = new Float64Array(sizes[g]);
        filled[g] = 0;
      }
    }
    for (let i = 0; i < this.#users.length; i++) for (const g of this.#groups[i]) lists[g][filled[g]++] = this.#users[i];
    for (let g = 0; g < lists.length; g++) if (lists[g]) lists[g] = uniqueSorted(lists[g].sort());
    return lists;
  }
}

const EMPTY = new Float64Array(0);

/** The distinct values of an ascending array, in place. */
function uniqueSorted(a: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) a[n++] = a[i];
  return a.subarray(0, n);
}

function sortedUnique(ids: Iterable<number>): Float64Array {
  return uniqueSorted(Float64Array.from(ids).sort());
}

/**
 * Writes the chosen groups and their flattened members. Only chosen groups exist in the store;
 * a nested group's members appear as direct members of every chosen group above it. In a full
 * sync, groups no longer chosen are deleted and member lists are replaced; in a single-user or
 * incremental sync (`onlyUsers`) only those users' memberships change. Memberships of users in
 * `keepUsers` are never removed here.
 */
export async function syncGroups(
  db: Db,
  cfg: DirectoryConfig,
  directoryId: number,
  chosen: ChosenGroup[],
  desiredMembers: DesiredMembers,
  opts: {
    now: Date;
    apply: boolean;
    counts: RunCounts;
    onlyUsers?: Set<number>;
    /** Users whose removal the safeguard holds: their memberships stay until the hold is approved (applyRemovals then takes them). */
    keepUsers?: ReadonlySet<number>;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<ObjectChange[]> {
  const { now, apply, counts } = opts;
  const ts = now.toISOString();
  const changes: ObjectChange[] = [];
  const stored = await db.selectFrom('groups').selectAll().where('directory_id', '=', directoryId).execute();
  const byExt = new Map(stored.map((g) => [g.external_id, g]));
  const keep = new Set<number>();
  let done = 0;
  // A directory's first sync (none of its groups stored yet) that brings more memberships than the
  // store holds: load them without the user_id index and build it once at the end.
  const fast = fastPath(db);
  const bulkLoad = apply && !opts.onlyUsers && stored.length === 0 && desiredMembers.total >= 10_000;
  const bulk = bulkLoad && fast ? (desiredMembers.total > fast.memberRows() ? fast.suspendMemberUserIndex() : undefined) : bulkLoad ? await pgSuspendMemberChecks(db, desiredMembers.total) : undefined;
  // For a few users (single-user and incremental syncs), read only their memberships: reading every
  // chosen group's member list would make each increment cost as much as the directory is large.
  let current: Map<number, Set<number>> | undefined;
  if (opts.onlyUsers) {
    current = new Map();
    const ids = [...opts.onlyUsers].filter((u) => u > 0);
    if (!fast) current = await pgMembershipsOfUsers(db, ids);
    else for (let i = 0; i < ids.length; i += 500) {
      const rows = await db.selectFrom('group_members').select(['group_id', 'user_id']).where('user_id', 'in', ids.slice(i, i + 500)).execute();
      for (const r of rows) (current.get(r.group_id) ?? current.set(r.group_id, new Set()).get(r.group_id)!).add(r.user_id);
    }
  }
  // PostgreSQL: every stored member list in one query, the new groups in one statement, and the
  // membership changes in batches (src/store/postgres/members.ts), not round trips per group.
  const pgHave = !fast && !current ? await pgDirectoryMembers(db, directoryId) : undefined;
  const pgNew = !fast && apply ? await pgInsertGroups(db, directoryId, newGroupRows(chosen, byExt, directoryId, ts)) : undefined;
  const pgMembers = !fast && apply ? new PgMembershipWriter(db) : undefined;
  for (const c of chosen) {
    let g = byExt.get(c.externalId);
    let groupId: number;
    if (!g) {
      counts.groupsCreated++;
      changes.push({ objectType: 'group', name: c.name, externalId: c.externalId, outcome: 'created', item: `group ${c.dn}` });
      const row = { directory_id: directoryId, external_id: c.externalId, dn: c.dn, name: c.name, created_at: ts, updated_at: ts };
      groupId = !apply ? -1 : fast ? fast.insertGroup(row) : pgNew!.get(c.externalId)!;
    } else {
      groupId = g.id;
      if (g.dn !== c.dn || g.name !== c.name) {
        counts.groupsUpdated++;
        const attributes: ObjectChange['attributes'] = {};
        if (g.name !== c.name) attributes.name = { before: g.name, after: c.name };
        if (g.dn !== c.dn) attributes.dn = { before: g.dn, after: c.dn };
        changes.push({ objectType: 'group', name: c.name, externalId: c.externalId, outcome: 'updated', attributes });
        if (apply) await db.updateTable('groups').set({ dn: c.dn, name: c.name, updated_at: ts }).where('id', '=', g.id).execute();
      }
    }
    keep.add(groupId);
    const want = desiredMembers.sorted(c.itemIndex);
    let have: Float64Array;
    if (current) have = sortedUnique(current.get(groupId) ?? []);
    else if (groupId <= 0) have = new Float64Array(0);
    else if (fast) have = Float64Array.from(fast.memberIds(groupId));
    else have = pgHave!.get(groupId) ?? new Float64Array(0);
    // Placeholder ids of a dry run are negative: they sort first and are never in the store.
    const add: number[] = [];
    const remove: number[] = [];
    let i = 0;
    let j = 0;
    while (i < want.length || j < have.length) {
      if (j >= have.length || (i < want.length && want[i] < have[j])) add.push(want[i++]);
      else if (i >= want.length || have[j] < want[i]) {
        const u = have[j++];
        if ((!opts.onlyUsers || opts.onlyUsers.has(u)) && !opts.keepUsers?.has(u)) remove.push(u);
      } else {
        i++;
        j++;
      }
    }
    counts.membersAdded += add.length;
    counts.membersRemoved += remove.length;
    if (apply && groupId > 0 && fast) {
      fast.addMembers(groupId, add);
      for (const u of remove) fast.removeMember(groupId, u);
    } else if (apply && groupId > 0) {
      await pgMembers!.add(groupId, add);
      await pgMembers!.remove(groupId, remove);
    }
    opts.onProgress?.(++done, chosen.length);
  }
  await pgMembers?.flush();
  await bulk?.restore();
  if (!opts.onlyUsers) {
    for (const g of stored) {
      if (keep.has(g.id)) continue;
      counts.groupsDeleted++;
      changes.push({ objectType: 'group', name: g.name, externalId: g.external_id, outcome: 'deleted', reason: 'no longer chosen in the configuration, or gone from the directory' });
      if (apply) {
        await db.deleteFrom('group_members').where('group_id', '=', g.id).execute();
        await db.deleteFrom('groups').where('id', '=', g.id).execute();
      }
    }
  }
  return changes;
}

/** The chosen groups not stored yet, each once, as rows to insert. */
function newGroupRows(chosen: ChosenGroup[], stored: ReadonlyMap<string, unknown>, directoryId: number, ts: string) {
  const rows = new Map<string, { directory_id: number; external_id: string; dn: string; name: string; created_at: string; updated_at: string }>();
  for (const c of chosen) if (!stored.has(c.externalId) && !rows.has(c.externalId)) rows.set(c.externalId, { directory_id: directoryId, external_id: c.externalId, dn: c.dn, name: c.name, created_at: ts, updated_at: ts });
  return [...rows.values()];
}
