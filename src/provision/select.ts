import type { ProvisioningConfig } from '../config/provisioning.js';

/**
 * Which store users and local groups a target exports (issue 12, "Provisioning targets": all local
 * users, or the members of named store groups; the named groups). The store is read through
 * ProvisionReader, exactly what this needs, so the selection does not depend on how the store
 * keeps local groups (src/store: store.localGroups, users).
 *
 * A user the target knows (it has an export record) who is disabled, in the trash, deleted or no
 * longer selected is "unbound": disabled in the directory, never deleted (issue 12, "Suspending").
 */

export interface ProvisionUser {
  id: number;
  username: string;
  status: 'active' | 'disabled' | 'trashed';
  /** null: a local user, created in idsync. */
  directoryId: number | null;
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phones: string[];
}

export interface LocalGroup {
  id: number;
  name: string;
  description: string | null;
}

/** What selection reads from the store. */
export interface ProvisionReader {
  /** Every store user, local and synced, trashed ones included. */
  users(): Promise<ProvisionUser[]>;
  /** Every local group. */
  localGroups(): Promise<LocalGroup[]>;
  /** The store user ids of a local group's members. */
  members(groupId: number): Promise<number[]>;
}

/** What the target should hold for one user. */
export type UserIntent =
  | { kind: 'export'; user: ProvisionUser }
  /** Disabled in the target if it was exported there; nothing if it never was. */
  | { kind: 'unbind'; user?: ProvisionUser; reason: string };

export interface GroupIntent {
  group: LocalGroup;
  /** Members that the target exports (bound or unbound: a disabled account keeps its groups, as in AD). */
  members: number[];
}

export interface Selection {
  /** Every store user, with what the target should do with them. */
  users: Map<number, UserIntent>;
  /** The exported groups (a local group not selected, or removed, is left in the directory as it is). */
  groups: Map<number, GroupIntent>;
  /** Local group names the configuration names that the store does not have. */
  unknownGroups: string[];
  /** The exported groups each user belongs to, to look at again when the user's DN changes. */
  groupsOf(userId: number): number[];
}

/** A user that is not in the store any more (deleted, or never was). */
export function intentOf(selection: Selection, userId: number): UserIntent {
  return selection.users.get(userId) ?? { kind: 'unbind', reason: 'no longer in the store' };
}

export async function select(reader: ProvisionReader, cfg: Pick<ProvisioningConfig, 'users' | 'groups'>): Promise<Selection> {
  const [users, groups] = await Promise.all([reader.users(), reader.localGroups()]);
  const byKey = new Map(groups.map((g) => [g.name.toLowerCase(), g]));
  const unknownGroups: string[] = [];
  const named = (names: string[]) =>
    names.flatMap((n) => {
      const g = byKey.get(n.toLowerCase());
      if (!g) unknownGroups.push(n);
      return g ? [g] : [];
    });

  const memberCache = new Map<number, number[]>();
  const membersOf = async (g: LocalGroup) => {
    let m = memberCache.get(g.id);
    if (!m) memberCache.set(g.id, (m = await reader.members(g.id)));
    return m;
  };

  let chosen: Set<number>;
  let because: string;
  if (cfg.users.kind === 'all-local') {
    chosen = new Set(users.filter((u) => u.directoryId === null).map((u) => u.id));
    because = 'not a local user';
  } else {
    chosen = new Set();
    for (const g of named(cfg.users.groups)) for (const id of await membersOf(g)) chosen.add(id);
    because = `not a member of ${cfg.users.groups.join(', ')}`;
  }

  const intents = new Map<number, UserIntent>();
  for (const u of users) {
    if (!chosen.has(u.id)) intents.set(u.id, { kind: 'unbind', user: u, reason: because });
    else if (u.status === 'trashed') intents.set(u.id, { kind: 'unbind', user: u, reason: 'in the trash' });
    else if (u.status === 'disabled') intents.set(u.id, { kind: 'unbind', user: u, reason: 'disabled in idsync' });
    else intents.set(u.id, { kind: 'export', user: u });
  }

  const exported = cfg.groups === 'all' ? groups : named(cfg.groups);
  const out = new Map<number, GroupIntent>();
  const byUser = new Map<number, number[]>();
  for (const g of exported) {
    const members = (await membersOf(g)).filter((id) => chosen.has(id)).sort((a, b) => a - b);
    out.set(g.id, { group: g, members });
    for (const id of members) {
      let l = byUser.get(id);
      if (!l) byUser.set(id, (l = []));
      l.push(g.id);
    }
  }
  return { users: intents, groups: out, unknownGroups: [...new Set(unknownGroups)], groupsOf: (id) => byUser.get(id) ?? [] };
}
