import { sql } from 'kysely';
import { IdsyncError } from '../errors.js';
import { containing, countOf, type Db, type Page } from './db-handle.js';
import { pendingHolds, type HeldRemoval } from './held.js';
import type { UsersTable } from './schema.js';

export interface UserSummary {
  username: string;
  status: UsersTable['status'];
  statusReason: string | null;
  /** The directory that owns the user; null for a local user. */
  directory: string | null;
  fullName: string | null;
  email: string | null;
  syncItem: string | null;
  deleteAfter: string | null;
  updatedAt: string;
  heldRemoval: HeldRemoval | null;
}

export interface UserDetail {
  username: string;
  status: string;
  statusReason: string | null;
  directory: string | null;
  externalId: string | null;
  dn: string | null;
  syncItem: string | null;
  trashedAt: string | null;
  deleteAfter: string | null;
  groups: string[];
  /**
   * The removal a pending approval holds for this user, or null. A held user stays active, with
   * their groups, until the run is approved (then `action` is applied) or rejected.
   */
  heldRemoval: HeldRemoval | null;
  attributes: Record<string, unknown>;
  history: { runId: number; startedAt: string; outcome: string; reason?: string; attributes?: Record<string, { before: unknown; after: unknown }> }[];
}

export interface UserQuery {
  /** Part of the username, email or full name, case-insensitively. */
  search?: string;
  status?: UsersTable['status'];
  directory?: string;
  limit: number;
  offset: number;
}

/** Users as the API, the panel and `idsync user` read them. The sync's own reads and writes are elsewhere. */
export interface UserQueries {
  /** By username, case-insensitively. */
  list(q: UserQuery): Promise<Page<UserSummary>>;
  /** Lineage: which sync item brought the user in, their groups, and the last runs that changed them. */
  detail(username: string, historyLimit?: number): Promise<UserDetail>;
}

export class KyselyUserQueries implements UserQueries {
  constructor(private readonly db: Db) {}

  async list(q: UserQuery): Promise<Page<UserSummary>> {
    let base = this.db.selectFrom('users').leftJoin('directories', 'directories.id', 'users.directory_id');
    if (q.status) base = base.where('users.status', '=', q.status);
    if (q.directory) base = base.where('directories.name', '=', q.directory);
    if (q.search) {
      const p = containing(q.search);
      base = base.where((eb) =>
        eb.or([eb('users.username_key', 'like', p), eb(sql`lower(users.email)`, 'like', p), eb(sql`lower(users.full_name)`, 'like', p)]),
      );
    }
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
    const rows = await base
      .select([
        'users.id',
        'users.username',
        'users.status',
        'users.status_reason',
        'directories.name as directory',
        'users.full_name',
        'users.email',
        'users.sync_item',
        'users.delete_after',
        'users.updated_at',
      ])
      .orderBy('users.username_key')
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    const holds = await pendingHolds(
      this.db,
      rows.map((r) => r.id),
    );
    const items = rows.map((r) => ({
      username: r.username,
      status: r.status,
      statusReason: r.status_reason,
      directory: r.directory,
      fullName: r.full_name,
      email: r.email,
      syncItem: r.sync_item,
      deleteAfter: r.delete_after,
      updatedAt: r.updated_at,
      heldRemoval: holds.get(r.id) ?? null,
    }));
    return { items, total };
  }

  async detail(username: string, historyLimit = 10): Promise<UserDetail> {
    const db = this.db;
    const u = await db.selectFrom('users').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
    if (!u) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
    const dir =
      u.directory_id === null ? null : ((await db.selectFrom('directories').select('name').where('id', '=', u.directory_id).executeTakeFirst())?.name ?? null);
    const groups = await db
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select('groups.name')
      .where('group_members.user_id', '=', u.id)
      .orderBy('groups.name')
      .execute();
    const hist = await db
      .selectFrom('run_objects')
      .innerJoin('runs', 'runs.id', 'run_objects.run_id')
      .select(['runs.id', 'runs.started_at', 'run_objects.outcome', 'run_objects.detail'])
      .where((eb) =>
        u.external_id ? eb.or([eb('run_objects.user_id', '=', u.id), eb('run_objects.external_id', '=', u.external_id)]) : eb('run_objects.user_id', '=', u.id),
      )
      .orderBy('run_objects.id', 'desc')
      .limit(historyLimit)
      .execute();
    return {
      username: u.username,
      status: u.status,
      statusReason: u.status_reason,
      directory: dir,
      externalId: u.external_id,
      dn: u.dn,
      syncItem: u.sync_item,
      trashedAt: u.trashed_at,
      deleteAfter: u.delete_after,
      groups: groups.map((g) => g.name),
      heldRemoval: (await pendingHolds(db, [u.id])).get(u.id) ?? null,
      attributes: {
        aliases: JSON.parse(u.aliases),
        fullName: u.full_name,
        firstName: u.first_name,
        lastName: u.last_name,
        email: u.email,
        phones: JSON.parse(u.phones),
        notes: u.notes,
      },
      history: hist.map((h) => {
        const d = h.detail ? JSON.parse(h.detail) : {};
        return { runId: h.id, startedAt: h.started_at, outcome: h.outcome, reason: d.reason, attributes: d.attributes };
      }),
    };
  }
}
