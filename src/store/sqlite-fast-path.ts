import type BetterSqlite3 from 'better-sqlite3';
import type { NewUserRow, UserRow } from './sync/rows.js';

/**
 * Prepared, cached statements for the statements a full sync runs hundreds of thousands of times.
 * Kysely compiles and better-sqlite3 prepares every query anew, which the benchmark measured at a
 * third of a 100,000-user sync; a cached statement costs a microsecond. They run on the same
 * SQLite connection as Kysely, so they take part in the transaction Kysely has open.
 * PostgreSQL keeps the Kysely path (multi-row statements over the network).
 */
export class SqliteFastPath {
  readonly #db: BetterSqlite3.Database;
  readonly #cache = new Map<string, BetterSqlite3.Statement>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  #stmt(sql: string): BetterSqlite3.Statement {
    let s = this.#cache.get(sql);
    if (!s) this.#cache.set(sql, (s = this.#db.prepare(sql)));
    return s;
  }

  /**
   * SQLite checks both foreign keys of every group_members row (a third of a 100,000-user first
   * sync). The membership step only links ids it has just read in the same transaction, so the
   * checks add nothing there; the pragma only takes effect outside a transaction.
   */
  withoutForeignKeyChecks<T>(fn: () => Promise<T>): Promise<T> {
    this.#db.pragma('foreign_keys = OFF');
    return fn().finally(() => this.#db.pragma('foreign_keys = ON'));
  }

  /**
   * [id, external id, source digest] of the directory's users that are not in the trash: what a full
   * sync compares against. Built as one JSON array by SQLite and parsed once, which costs a third
   * less than 100,000 rows through the driver.
   */
  directoryUsers(directoryId: number): [number, string, string | null][] {
    const json = this.#stmt(
      "select json_group_array(json_array(id, external_id, source_hash)) from users where directory_id = ? and status != 'trashed' and external_id is not null",
    )
      .pluck()
      .get(directoryId) as string;
    return JSON.parse(json) as [number, string, string | null][];
  }

  userByExternalId(directoryId: number, externalId: string): UserRow | undefined {
    return this.#stmt('select * from users where directory_id = ? and external_id = ?').get(directoryId, externalId) as UserRow | undefined;
  }

  userByUsernameKey(key: string): UserRow | undefined {
    return this.#stmt('select * from users where username_key = ?').get(key) as UserRow | undefined;
  }

  insertUser(row: NewUserRow): number {
    const r = row as unknown as Record<string, unknown>;
    return Number(this.#stmt(INSERT_USER).run(USER_COLUMNS.map((c) => r[c] ?? null)).lastInsertRowid);
  }

  /** Sets the given columns of one user; a statement per set of columns, cached (a sync has few shapes of update). */
  updateUser(id: number, set: Readonly<Record<string, unknown>>): void {
    const columns = Object.keys(set);
    for (const c of columns) if (!UPDATABLE.has(c)) throw new Error(`updateUser: ${c} is not a user column a sync writes`);
    this.#stmt(`update users set ${columns.map((c) => `${c} = ?`).join(', ')} where id = ?`).run(...columns.map((c) => set[c] ?? null), id);
  }

  insertRunObject(r: {
    run_id: number;
    object_type: string;
    name: string;
    external_id: string | null;
    user_id: number | null;
    outcome: string;
    detail: string | null;
  }): void {
    this.#stmt('insert into run_objects (run_id, object_type, name, external_id, user_id, outcome, detail) values (?, ?, ?, ?, ?, ?, ?)').run(
      r.run_id,
      r.object_type,
      r.name,
      r.external_id,
      r.user_id,
      r.outcome,
      r.detail,
    );
  }

  insertGroup(g: { directory_id: number; external_id: string; dn: string; name: string; created_at: string; updated_at: string }): number {
    return Number(
      this.#stmt('insert into groups (directory_id, external_id, dn, name, created_at, updated_at) values (?, ?, ?, ?, ?, ?)').run(
        g.directory_id,
        g.external_id,
        g.dn,
        g.name,
        g.created_at,
        g.updated_at,
      ).lastInsertRowid,
    );
  }

  /** A group's member ids, ascending and each once: the primary key (group_id, user_id) hands them out in that order. */
  memberIds(groupId: number): number[] {
    return this.#stmt('select user_id from group_members where group_id = ? order by user_id').pluck().all(groupId) as number[];
  }

  /**
   * For a bulk load of memberships (a directory's first sync): drops the user_id index, so each
   * membership goes into one b-tree instead of two, and `restore()` builds it again from sorted
   * data at the end (331,000 memberships: about a third of the time). Only inside a transaction:
   * if the load fails, the rollback brings the index back.
   */
  suspendMemberUserIndex(): { restore: () => void } {
    if (!this.#db.inTransaction) throw new Error('suspendMemberUserIndex() needs an open transaction');
    this.#db.exec('drop index if exists group_members_user');
    // The index as migration 0005 (src/store/migrations.ts) defines it.
    return { restore: () => this.#db.exec('create index if not exists group_members_user on group_members (user_id)') };
  }

  memberRows(): number {
    return this.#stmt('select count(*) from group_members').pluck().get() as number;
  }

  /** One statement per group, not per membership: SQLite walks the JSON array itself. */
  addMembers(groupId: number, userIds: readonly number[]): void {
    if (userIds.length) this.#stmt('insert into group_members (group_id, user_id) select ?, value from json_each(?)').run(groupId, JSON.stringify(userIds));
  }

  removeMember(groupId: number, userId: number): void {
    this.#stmt('delete from group_members where group_id = ? and user_id = ?').run(groupId, userId);
  }
}

/** Every column a sync writes for a new user (NewUserRow), in one fixed order: one cached statement. */
const USER_COLUMNS = [
  'username',
  'username_key',
  'directory_id',
  'external_id',
  'dn',
  'dn_key',
  'source_hash',
  'aliases',
  'full_name',
  'first_name',
  'last_name',
  'email',
  'phones',
  'notes',
  'status',
  'status_reason',
  'sync_item',
  'trashed_at',
  'delete_after',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof NewUserRow)[];
const UPDATABLE = new Set<string>(USER_COLUMNS);
const INSERT_USER = `insert into users (${USER_COLUMNS.join(', ')}) values (${USER_COLUMNS.map(() => '?').join(', ')})`;

const registry = new WeakMap<object, SqliteFastPath>();

/** Ties a Kysely instance (or a transaction of it) to the fast path of its SQLite connection. */
export function registerFastPath(db: object, fast: SqliteFastPath): void {
  registry.set(db, fast);
}

export function fastPath(db: object): SqliteFastPath | undefined {
  return registry.get(db);
}
