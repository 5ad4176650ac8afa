import type { Kysely } from 'kysely';
import { pgSuspendMemberChecks } from '../postgres/bulk-load.js';
import { pgAsyncCommit } from '../postgres/commit.js';
import { pgDeleteMemberships, pgDirectoryMembers, pgInsertGroups, pgInsertMemberships, pgMembershipsOfUsers } from '../postgres/members.js';
import { pgInsertRunObjects } from '../postgres/runs.js';
import { pgDirectoryUsers, pgInsertUsers, pgUpdateUsers, pgUsersByExternalId, pgUsersByUsernameKey } from '../postgres/users.js';
import type { Database } from '../schema.js';
import { KyselySyncWriter } from './kysely-writer.js';
import type { NewGroupRow, NewUserRow, UserPatch, UserRow } from './rows.js';
import { runObjectRow } from './run-log.js';
import type { ObjectChange } from './run-types.js';
import type { KnownUser, MemberChange, MembershipLoad, SyncReads, SyncStore, SyncWriter } from './writer.js';

/** Membership pairs per statement: a 100,000-user first sync adds 331,000 in 7 statements. */
const MEMBER_BATCH = 50_000;

/**
 * The PostgreSQL sync writer: the statements a sync runs per page of users and per run of
 * membership changes are the bulk statements of src/store/postgres/ (unnest arrays and JSON
 * parameters, one round trip each), where the SQLite writer runs a cached statement per row
 * in-process, which over a network would be a round trip per row. The rest is Kysely's.
 */
export class PostgresSyncWriter extends KyselySyncWriter {
  override async knownUsers(directoryId: number): Promise<KnownUser[]> {
    return pgDirectoryUsers(this.db, directoryId);
  }

  override async usersByExternalId(directoryId: number, externalIds: readonly string[]): Promise<Map<string, UserRow>> {
    return pgUsersByExternalId(this.db, directoryId, externalIds);
  }

  override async usersByUsernameKey(keys: readonly string[]): Promise<Map<string, UserRow>> {
    return pgUsersByUsernameKey(this.db, keys);
  }

  override async memberLists(directoryId: number): Promise<Map<number, Float64Array>> {
    return pgDirectoryMembers(this.db, directoryId);
  }

  override async membershipsOf(userIds: readonly number[]): Promise<Map<number, Set<number>>> {
    return pgMembershipsOfUsers(this.db, userIds);
  }

  override async insertUsers(rows: readonly NewUserRow[]): Promise<number[]> {
    return pgInsertUsers(this.db, rows);
  }

  override async updateUsers(updates: readonly { id: number; set: UserPatch }[]): Promise<void> {
    await pgUpdateUsers(this.db, updates);
  }

  override async insertGroups(rows: readonly NewGroupRow[]): Promise<number[]> {
    // One statement for groups of one directory, each once (ids come back by external id).
    const dir = rows[0]?.directory_id;
    if (rows.length < 2 || rows.some((r) => r.directory_id !== dir) || new Set(rows.map((r) => r.external_id)).size !== rows.length)
      return super.insertGroups(rows);
    const ids = await pgInsertGroups(this.db, dir!, rows);
    return rows.map((r) => ids.get(r.external_id)!);
  }

  override async addMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    await this.writeMembers([{ groupId, userIds }], []);
  }

  override async removeMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    await this.writeMembers([], [{ groupId, userIds }]);
  }

  override async writeMembers(adds: readonly MemberChange[], removes: readonly MemberChange[]): Promise<void> {
    for (const batch of pairs(removes)) await pgDeleteMemberships(this.db, batch.g, batch.u);
    for (const batch of pairs(adds)) await pgInsertMemberships(this.db, batch.g, batch.u);
  }

  /** A first load bigger than the table: without group_members' foreign keys and user index (pgSuspendMemberChecks). */
  override async beginMembershipLoad(expected: number): Promise<MembershipLoad | undefined> {
    if (expected < 10_000 || !this.db.isTransaction) return undefined;
    const s = await pgSuspendMemberChecks(this.db, expected);
    return s && { end: () => s.restore() };
  }

  override async recordObjects(runId: number, changes: readonly ObjectChange[]): Promise<void> {
    await pgInsertRunObjects(
      this.db,
      changes.map((c) => runObjectRow(runId, c)),
    );
  }
}

/** (group, user) pairs as two parallel arrays, MEMBER_BATCH at a time. */
function* pairs(changes: readonly MemberChange[]): Generator<{ g: number[]; u: number[] }> {
  let g: number[] = [];
  let u: number[] = [];
  for (const c of changes) {
    for (const id of c.userIds) {
      g.push(c.groupId);
      u.push(id);
      if (g.length >= MEMBER_BATCH) {
        yield { g, u };
        g = [];
        u = [];
      }
    }
  }
  if (g.length) yield { g, u };
}

export class PostgresSyncStore implements SyncStore {
  readonly reads: SyncReads;
  readonly planOutsideTransaction = true;

  constructor(private readonly db: Kysely<Database>) {
    this.reads = new PostgresSyncWriter(db);
  }

  transaction<T>(fn: (w: SyncWriter) => Promise<T>, opts: { linksOnly?: boolean; relaxedCommit?: boolean } = {}): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (opts.relaxedCommit) await pgAsyncCommit(trx);
      return fn(new PostgresSyncWriter(trx));
    });
  }
}
