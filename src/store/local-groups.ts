import { IdsyncError } from '../errors.js';
import { checkGroupName } from '../usernames.js';
import type { Db } from './db-handle.js';
import { isUniqueViolation } from './unique.js';

/** A group made in idsync (issue 12): no directory owns it; provisioning exports it. */
export interface LocalGroup {
  id: number;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A member: any store user, local or synced from a directory. */
export interface LocalGroupMember {
  userId: number;
  username: string;
  status: string;
  /** The directory that owns the user; null for a local user. */
  directory: string | null;
}

/**
 * Local groups and their members. Names are unique in any letter case. Storage only: callers record
 * the change for provisioning (src/provision/changes.ts) in the same transaction (store.transact).
 */
export interface LocalGroups {
  /** By name, with member counts. */
  list(): Promise<(LocalGroup & { memberCount: number })[]>;
  /** By name, case-insensitively. */
  find(name: string): Promise<LocalGroup | undefined>;
  get(id: number): Promise<LocalGroup | undefined>;
  /** STORE_CONFLICT when the name is taken; VALIDATION_FAILED when it breaks the name rule. */
  create(g: { name: string; description?: string | null }, now: Date): Promise<LocalGroup>;
  /** A new name and/or description (null clears it); the group as it is now. */
  edit(id: number, patch: { name?: string; description?: string | null }, now: Date): Promise<LocalGroup>;
  /** Its memberships go with it (foreign key). */
  remove(id: number): Promise<void>;
  /** The user ids that were not members yet and now are. */
  addMembers(groupId: number, userIds: number[], now: Date): Promise<number[]>;
  /** The user ids that were members and no longer are. */
  removeMembers(groupId: number, userIds: number[], now: Date): Promise<number[]>;
  /** By username. */
  members(groupId: number): Promise<LocalGroupMember[]>;
  /** The local groups a user is in, by name. */
  groupsOf(userId: number): Promise<LocalGroup[]>;
}

type Row = { id: number; name: string; description: string | null; created_at: string; updated_at: string };
const toGroup = (r: Row): LocalGroup => ({ id: r.id, name: r.name, description: r.description, createdAt: r.created_at, updatedAt: r.updated_at });
const COLUMNS = ['local_groups.id', 'local_groups.name', 'local_groups.description', 'local_groups.created_at', 'local_groups.updated_at'] as const;

export class KyselyLocalGroups implements LocalGroups {
  constructor(private readonly db: Db) {}

  async list(): Promise<(LocalGroup & { memberCount: number })[]> {
    const rows = await this.db
      .selectFrom('local_groups')
      .select((eb) => [
        ...COLUMNS,
        eb
          .selectFrom('local_group_members')
          .select((e2) => e2.fn.countAll<number>().as('n'))
          .whereRef('local_group_members.group_id', '=', 'local_groups.id')
          .as('member_count'),
      ])
      .orderBy('name_key')
      .execute();
    return rows.map((r) => ({ ...toGroup(r), memberCount: Number(r.member_count ?? 0) }));
  }

  async find(name: string): Promise<LocalGroup | undefined> {
    const r = await this.db.selectFrom('local_groups').select(COLUMNS).where('name_key', '=', name.toLowerCase()).executeTakeFirst();
    return r && toGroup(r);
  }

  async get(id: number): Promise<LocalGroup | undefined> {
    const r = await this.db.selectFrom('local_groups').select(COLUMNS).where('id', '=', id).executeTakeFirst();
    return r && toGroup(r);
  }

  async create(g: { name: string; description?: string | null }, now: Date): Promise<LocalGroup> {
    checkGroupName(g.name);
    const taken = await this.find(g.name);
    if (taken) throw new IdsyncError('STORE_CONFLICT', `local group "${taken.name}" already exists`, { where: 'name' });
    const ts = now.toISOString();
    try {
      const r = await this.db
        .insertInto('local_groups')
        .values({ name: g.name, name_key: g.name.toLowerCase(), description: g.description ?? null, created_at: ts, updated_at: ts })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      return toGroup(r);
    } catch (err) {
      // Another writer took the name between the check and the insert.
      if (isUniqueViolation(err)) throw new IdsyncError('STORE_CONFLICT', `local group "${g.name}" already exists`, { where: 'name', cause: err });
      throw err;
    }
  }

  async edit(id: number, patch: { name?: string; description?: string | null }, now: Date): Promise<LocalGroup> {
    const set: { name?: string; name_key?: string; description?: string | null; updated_at: string } = { updated_at: now.toISOString() };
    if (patch.name !== undefined) {
      checkGroupName(patch.name);
      const taken = await this.find(patch.name);
      if (taken && taken.id !== id) throw new IdsyncError('STORE_CONFLICT', `local group "${taken.name}" already exists`, { where: 'name' });
      set.name = patch.name;
      set.name_key = patch.name.toLowerCase();
    }
    if (patch.description !== undefined) set.description = patch.description;
    try {
      await this.db.updateTable('local_groups').set(set).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new IdsyncError('STORE_CONFLICT', `local group "${patch.name}" already exists`, { where: 'name', cause: err });
      throw err;
    }
    const g = await this.get(id);
    if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no local group ${id}`);
    return g;
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom('local_groups').where('id', '=', id).execute();
  }

  async addMembers(groupId: number, userIds: number[], now: Date): Promise<number[]> {
    if (!userIds.length) return [];
    const already = new Set(
      (await this.db.selectFrom('local_group_members').select('user_id').where('group_id', '=', groupId).where('user_id', 'in', userIds).execute()).map(
        (r) => r.user_id,
      ),
    );
    const added = [...new Set(userIds)].filter((u) => !already.has(u));
    if (added.length) {
      await this.db
        .insertInto('local_group_members')
        .values(added.map((user_id) => ({ group_id: groupId, user_id })))
        .onConflict((oc) => oc.doNothing())
        .execute();
      await this.db.updateTable('local_groups').set({ updated_at: now.toISOString() }).where('id', '=', groupId).execute();
    }
    return added;
  }

  async removeMembers(groupId: number, userIds: number[], now: Date): Promise<number[]> {
    if (!userIds.length) return [];
    const rows = await this.db.deleteFrom('local_group_members').where('group_id', '=', groupId).where('user_id', 'in', userIds).returning('user_id').execute();
    if (rows.length) await this.db.updateTable('local_groups').set({ updated_at: now.toISOString() }).where('id', '=', groupId).execute();
    return rows.map((r) => r.user_id);
  }

  async members(groupId: number): Promise<LocalGroupMember[]> {
    const rows = await this.db
      .selectFrom('local_group_members')
      .innerJoin('users', 'users.id', 'local_group_members.user_id')
      .leftJoin('directories', 'directories.id', 'users.directory_id')
      .select(['users.id', 'users.username', 'users.status', 'directories.name as directory'])
      .where('local_group_members.group_id', '=', groupId)
      .orderBy('users.username_key')
      .execute();
    return rows.map((r) => ({ userId: r.id, username: r.username, status: r.status, directory: r.directory }));
  }

  async groupsOf(userId: number): Promise<LocalGroup[]> {
    const rows = await this.db
      .selectFrom('local_group_members')
      .innerJoin('local_groups', 'local_groups.id', 'local_group_members.group_id')
      .select(COLUMNS)
      .where('local_group_members.user_id', '=', userId)
      .orderBy('local_groups.name_key')
      .execute();
    return rows.map(toGroup);
  }
}
