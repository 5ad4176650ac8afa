import type { SyncReads } from '../store/sync/writer.js';
import type { Placeholders, Plan } from './plan.js';
import type { ChosenGroup } from './read.js';
import type { ObjectChange, RunCounts } from './report.js';

/**
 * The members each chosen group should have, by sync item index, as the run found them: each user
 * with the (shared, unchanged) list of items that reach them, turned into one sorted id list per
 * group once, at the end. A 100,000-user sync adds 331,000 memberships; growing an array per
 * group as they came cost more than counting first and filling typed arrays of the right size.
 */
export class DesiredMembers {
  // One (user, group) pair per membership, in two growing typed arrays: a first sync at 100,000
  // users adds 331,000, which as an array of groups per user cost 92,000 small arrays kept to the
  // end of the sync (heap snapshot, issue 11: peak memory).
  #users = new Float64Array(1024);
  #groups = new Int32Array(1024);
  #length = 0;
  /**
   * The sorted lists, packed by group (compressed sparse rows: group g's users are
   * `values[offsets[g] .. offsets[g] + lengths[g])`), and the pairs released once they are built:
   * the lists are wanted at the very end of a run, where a first sync's peak memory is. A typed
   * array per group and the pairs kept beside them held 8 MB more at 100,000 users (heap snapshot).
   */
  #lists: { offsets: Int32Array; lengths: Int32Array; values: Float64Array } | undefined;
  /** Memberships added, duplicates included. */
  total = 0;

  add(userId: number, groups: readonly number[]): void {
    if (!groups.length) return;
    if (this.#lists) this.#unpack();
    if (this.#length + groups.length > this.#users.length) this.#grow(Math.max(this.#users.length * 2, this.#length + groups.length));
    for (const g of groups) {
      this.#users[this.#length] = userId;
      this.#groups[this.#length++] = g;
    }
    this.total += groups.length;
  }

  /** Ascending user ids, each once. */
  sorted(itemIndex: number): Float64Array {
    const l = (this.#lists ??= this.#pack());
    if (itemIndex < 0 || itemIndex >= l.lengths.length) return EMPTY;
    return l.values.subarray(l.offsets[itemIndex], l.offsets[itemIndex] + l.lengths[itemIndex]);
  }

  #grow(size: number): void {
    const users = new Float64Array(size);
    users.set(this.#users.subarray(0, this.#length));
    const gs = new Int32Array(size);
    gs.set(this.#groups.subarray(0, this.#length));
    this.#users = users;
    this.#groups = gs;
  }

  #pack(): { offsets: Int32Array; lengths: Int32Array; values: Float64Array } {
    let groups = 0;
    for (let i = 0; i < this.#length; i++) if (this.#groups[i] >= groups) groups = this.#groups[i] + 1;
    const offsets = new Int32Array(groups + 1);
    for (let i = 0; i < this.#length; i++) offsets[this.#groups[i] + 1]++;
    for (let g = 0; g < groups; g++) offsets[g + 1] += offsets[g];
    const next = offsets.slice(0, groups);
    const values = new Float64Array(this.#length);
    for (let i = 0; i < this.#length; i++) values[next[this.#groups[i]]++] = this.#users[i];
    const lengths = new Int32Array(groups);
    for (let g = 0; g < groups; g++) lengths[g] = uniqueSorted(values.subarray(offsets[g], offsets[g + 1]).sort()).length;
    this.#users = new Float64Array(0);
    this.#groups = new Int32Array(0);
    this.#length = 0;
    return { offsets: offsets.subarray(0, groups), lengths, values };
  }

  /** Back to pairs, for an add() after the lists were built (the lists hold them all, duplicates dropped). */
  #unpack(): void {
    const { offsets, lengths, values } = this.#lists!;
    this.#lists = undefined;
    let n = 0;
    for (const l of lengths) n += l;
    this.#grow(Math.max(1024, 2 * n));
    for (let g = 0; g < lengths.length; g++) {
      for (let k = 0; k < lengths[g]; k++) {
        this.#users[this.#length] = values[offsets[g] + k];
        this.#groups[this.#length++] = g;
      }
    }
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
 * Plans the chosen groups and their flattened members. Only chosen groups exist in the store;
 * a nested group's members appear as direct members of every chosen group above it. In a full
 * sync, groups no longer chosen are deleted and member lists are replaced; in a single-user or
 * incremental sync (`onlyUsers`) only those users' memberships change. Memberships of users in
 * `keepUsers` are never removed here.
 */
export async function planMemberships(
  db: SyncReads,
  directoryId: number,
  chosen: ChosenGroup[],
  desiredMembers: DesiredMembers,
  opts: {
    now: Date;
    counts: RunCounts;
    ids: Placeholders;
    onlyUsers?: Set<number>;
    /** Users whose removal the safeguard holds: their memberships stay until the hold is approved (the approval's removals then take them). */
    keepUsers?: ReadonlySet<number>;
    /** Directory ids (lower-case) of the groups idsync exported to this directory: never imported (no ping-pong, src/sync/exported.ts). */
    exportedGroups?: ReadonlySet<string>;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<Plan> {
  const { now, counts } = opts;
  const ts = now.toISOString();
  const plan: Plan = { changes: [], log: [] };
  const changes = plan.log;
  const stored = await db.groups(directoryId);
  const byExt = new Map(stored.map((g) => [g.external_id, g]));
  const keep = new Set<number>();
  let done = 0;
  // A directory's first sync (none of its groups stored yet) with many memberships: the store may load them in bulk.
  if (!opts.onlyUsers && stored.length === 0 && desiredMembers.total >= 10_000) plan.membershipLoad = desiredMembers.total;
  // For a few users (single-user and incremental syncs), read only their memberships: reading every
  // chosen group's member list would make each increment cost as much as the directory is large.
  const current = opts.onlyUsers ? await db.membershipsOf([...opts.onlyUsers].filter((u) => u > 0)) : undefined;
  // A backend that reads every stored member list at once (PostgreSQL: one query, not one per group).
  const lists = !current && stored.length ? await db.memberLists(directoryId) : undefined;
  // Group creates and updates go first, the membership changes after them in one run: a backend
  // can then write each kind as one batch (insertGroups, writeMembers).
  const groupChanges: Plan['changes'] = [];
  for (const c of chosen) {
    // Left alone like an unchosen group: in a full sync, one imported before it was exported is deleted below.
    if (opts.exportedGroups?.size && opts.exportedGroups.has(c.externalId.toLowerCase())) continue;
    const g = byExt.get(c.externalId);
    let groupId: number;
    if (!g) {
      counts.groupsCreated++;
      changes.push({ objectType: 'group', name: c.name, externalId: c.externalId, outcome: 'created', item: `group ${c.dn}` });
      groupId = opts.ids.take();
      groupChanges.push({
        kind: 'group.create',
        groupId,
        row: { directory_id: directoryId, external_id: c.externalId, dn: c.dn, name: c.name, created_at: ts, updated_at: ts },
      });
    } else {
      groupId = g.id;
      if (g.dn !== c.dn || g.name !== c.name) {
        counts.groupsUpdated++;
        const attributes: ObjectChange['attributes'] = {};
        if (g.name !== c.name) attributes.name = { before: g.name, after: c.name };
        if (g.dn !== c.dn) attributes.dn = { before: g.dn, after: c.dn };
        changes.push({ objectType: 'group', name: c.name, externalId: c.externalId, outcome: 'updated', attributes });
        groupChanges.push({ kind: 'group.update', groupId: g.id, dn: c.dn, name: c.name });
      }
    }
    keep.add(groupId);
    const want = desiredMembers.sorted(c.itemIndex);
    let have: Float64Array;
    if (current) have = sortedUnique(current.get(groupId) ?? []);
    else if (groupId <= 0) have = new Float64Array(0);
    else have = lists ? (lists.get(groupId) ?? new Float64Array(0)) : await db.memberIds(groupId);
    // Placeholder ids of a dry run are negative: they sort first and are never in the store.
    // A new or empty group takes every wanted member, in one array of the right size: grown by
    // push, the arrays of a first sync's 331,000 memberships held a third more in spare room.
    const add: number[] = have.length ? [] : Array.from(want);
    const remove: number[] = [];
    let i = have.length ? 0 : want.length;
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
    if (add.length) plan.changes.push({ kind: 'membership.add', groupId, userIds: add });
    if (remove.length) plan.changes.push({ kind: 'membership.remove', groupId, userIds: remove });
    opts.onProgress?.(++done, chosen.length);
  }
  plan.changes = [...groupChanges, ...plan.changes];
  if (!opts.onlyUsers) {
    for (const g of stored) {
      if (keep.has(g.id)) continue;
      counts.groupsDeleted++;
      changes.push({
        objectType: 'group',
        name: g.name,
        externalId: g.external_id,
        outcome: 'deleted',
        reason: 'no longer chosen in the configuration, or gone from the directory',
      });
      plan.changes.push({ kind: 'group.delete', groupId: g.id });
    }
  }
  return plan;
}
