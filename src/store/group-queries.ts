import { sql } from 'kysely';
import { containing, countOf, type Db, type Page } from './db-handle.js';

export interface GroupSummary {
  id: number;
  name: string;
  directory: string;
  dn: string;
  externalId: string;
  updatedAt: string;
}

export interface GroupQuery {
  /** Part of the name, case-insensitively. */
  search?: string;
  directory?: string;
  limit: number;
  offset: number;
}

/** The stored groups (the chosen groups of every directory) and their flattened members. */
export interface GroupQueries {
  /** By name. */
  list(q: GroupQuery): Promise<Page<GroupSummary & { memberCount: number }>>;
  get(id: number): Promise<GroupSummary | undefined>;
  /** Members by username. */
  members(groupId: number, page: { limit: number; offset: number }): Promise<Page<{ username: string; status: string }>>;
  /** Every member with the key of their DN, to find them in the directory's group graph. */
  memberDns(groupId: number): Promise<{ username: string; dnKey: string | null }[]>;
}

export class KyselyGroupQueries implements GroupQueries {
  constructor(private readonly db: Db) {}

  async list(q: GroupQuery): Promise<Page<GroupSummary & { memberCount: number }>> {
    let base = this.db.selectFrom('groups').innerJoin('directories', 'directories.id', 'groups.directory_id');
    if (q.directory) base = base.where('directories.name', '=', q.directory);
    if (q.search) base = base.where(sql`lower(groups.name)`, 'like', containing(q.search));
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const rows = await base
      .select((eb) => [
        'groups.id',
        'groups.name',
        'directories.name as directory',
        'groups.dn',
        'groups.external_id',
        'groups.updated_at',
        eb
          .selectFrom('group_members')
          .select((e2) => e2.fn.countAll<number>().as('n'))
          .whereRef('group_members.group_id', '=', 'groups.id')
          .as('member_count'),
      ])
      .orderBy('groups.name')
      .orderBy('groups.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    const items = rows.map((r) => ({
      id: r.id,
      name: r.name,
      directory: r.directory,
      dn: r.dn,
      externalId: r.external_id,
      memberCount: Number(r.member_count ?? 0),
      updatedAt: r.updated_at,
    }));
    return { items, total };
  }

  async get(id: number): Promise<GroupSummary | undefined> {
    const g = await this.db
      .selectFrom('groups')
      .innerJoin('directories', 'directories.id', 'groups.directory_id')
      .select(['groups.id', 'groups.name', 'directories.name as directory', 'groups.dn', 'groups.external_id', 'groups.updated_at'])
      .where('groups.id', '=', id)
      .executeTakeFirst();
    return g && { id: g.id, name: g.name, directory: g.directory, dn: g.dn, externalId: g.external_id, updatedAt: g.updated_at };
  }

  async members(groupId: number, page: { limit: number; offset: number }): Promise<Page<{ username: string; status: string }>> {
    const base = this.db.selectFrom('group_members').innerJoin('users', 'users.id', 'group_members.user_id').where('group_members.group_id', '=', groupId);
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const items = await base.select(['users.username', 'users.status']).orderBy('users.username_key').limit(page.limit).offset(page.offset).execute();
    return { items, total };
  }

  async memberDns(groupId: number): Promise<{ username: string; dnKey: string | null }[]> {
    const rows = await this.db
      .selectFrom('group_members')
      .innerJoin('users', 'users.id', 'group_members.user_id')
      .select(['users.username', 'users.dn_key'])
      .where('group_members.group_id', '=', groupId)
      .orderBy('users.username_key')
      .execute();
    return rows.map((r) => ({ username: r.username, dnKey: r.dn_key }));
  }
}
