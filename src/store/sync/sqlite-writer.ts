import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import type { SqliteFastPath } from '../sqlite-fast-path.js';
import { KyselySyncWriter } from './kysely-writer.js';
import type { Db, NewGroupRow, NewUserRow, UserPatch, UserRow } from './rows.js';
import { runObjectRow } from './run-log.js';
import type { ObjectChange } from './run-types.js';
import type { KnownUser, SyncReads, SyncStore, SyncWriter } from './writer.js';

/**
 * The SQLite sync writer: the statements a full sync runs per user or per group go through the
 * fast path's cached prepared statements (src/store/sqlite-fast-path.ts), on the same connection
 * as Kysely, so they take part in the transaction Kysely has open; the rest is Kysely's.
 */
export class SqliteSyncWriter extends KyselySyncWriter {
  constructor(
    db: Db,
    private readonly fast: SqliteFastPath,
  ) {
    super(db);
  }

  override async knownUsers(directoryId: number): Promise<KnownUser[]> {
    return this.fast.directoryUsers(directoryId);
  }

  override async usersByExternalId(directoryId: number, externalIds: readonly string[]): Promise<Map<string, UserRow>> {
    const out = new Map<string, UserRow>();
    for (const id of externalIds) {
      const r = this.fast.userByExternalId(directoryId, id);
      if (r) out.set(id, r);
    }
    return out;
  }

  override async usersByUsernameKey(keys: readonly string[]): Promise<Map<string, UserRow>> {
    const out = new Map<string, UserRow>();
    for (const k of keys) {
      const r = this.fast.userByUsernameKey(k);
      if (r) out.set(k, r);
    }
    return out;
  }

  override async insertUsers(rows: readonly NewUserRow[]): Promise<number[]> {
    const ids = new Array<number>(rows.length);
    for (let i = 0; i < rows.length; i++) ids[i] = this.fast.insertUser(rows[i]);
    return ids;
  }

  override async updateUsers(updates: readonly { id: number; set: UserPatch }[]): Promise<void> {
    for (const u of updates) this.fast.updateUser(u.id, u.set);
  }

  override async insertGroup(row: NewGroupRow): Promise<number> {
    return this.fast.insertGroup(row);
  }

  override async memberIds(groupId: number): Promise<Float64Array> {
    return Float64Array.from(this.fast.memberIds(groupId));
  }

  override async addMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    this.fast.addMembers(groupId, userIds);
  }

  override async removeMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    for (const u of userIds) this.fast.removeMember(groupId, u);
  }

  /** More memberships than the store holds, into a directory with no groups: load them without the user_id index. */
  override beginMembershipLoad(expected: number): { end(): void } | undefined {
    if (expected < 10_000 || expected <= this.fast.memberRows()) return undefined;
    const s = this.fast.suspendMemberUserIndex();
    return { end: () => s.restore() };
  }

  override async recordObjects(runId: number, changes: readonly ObjectChange[]): Promise<void> {
    for (const c of changes) this.fast.insertRunObject(runObjectRow(runId, c));
  }
}

export class SqliteSyncStore implements SyncStore {
  readonly reads: SyncReads;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly fast: SqliteFastPath,
  ) {
    this.reads = new SqliteSyncWriter(db, fast);
  }

  transaction<T>(fn: (w: SyncWriter) => Promise<T>, opts: { linksOnly?: boolean } = {}): Promise<T> {
    const run = () => this.db.transaction().execute((trx) => fn(new SqliteSyncWriter(trx, this.fast)));
    // SQLite checks both foreign keys of every group_members row (a third of a 100,000-user first sync).
    return opts.linksOnly ? this.fast.withoutForeignKeyChecks(run) : run();
  }
}
