import { pendingHolds, releaseHold, supersedePending, type HeldRemoval } from '../held.js';
import { saveSyncState, type SyncStatePatch } from '../sync-state.js';
import type { Db, DirectoryRow, GroupRow, NewGroupRow, NewUserRow, UserPatch, UserRow } from './rows.js';
import { discardRunIn, finishRunIn, recordObjectsIn, startRunIn } from './run-log.js';
import type { ObjectChange, RunCounts, RunEnd, RunKind } from './run-types.js';
import type {
  ApprovalListing,
  ApprovalRow,
  DueUser,
  HeldRemovalRow,
  HeldUser,
  KnownUser,
  LiveUser,
  MemberChange,
  MembershipLoad,
  SyncWriter,
} from './writer.js';

/** Rows per statement where a list of ids or rows goes into one query. */
const CHUNK = 500;
const ROW_CHUNK = 200;

function sortedUnique(ids: Iterable<number>): Float64Array {
  const a = Float64Array.from(ids).sort();
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[i - 1]) a[n++] = a[i];
  return a.subarray(0, n);
}

/**
 * The sync write path through the Kysely query builder, on one connection or transaction. It is
 * the PostgreSQL writer (src/store/sync/postgres-writer.ts) and the base of the SQLite one, which
 * replaces the statements a full sync runs per user with cached prepared statements.
 */
export class KyselySyncWriter implements SyncWriter {
  constructor(protected readonly db: Db) {}

  async directoryByName(name: string): Promise<DirectoryRow | undefined> {
    return this.db.selectFrom('directories').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async directoryName(directoryId: number): Promise<string | undefined> {
    return (await this.db.selectFrom('directories').select('name').where('id', '=', directoryId).executeTakeFirst())?.name;
  }

  async knownUsers(directoryId: number): Promise<KnownUser[]> {
    const rows = await this.db
      .selectFrom('users')
      .select(['id', 'external_id', 'source_hash'])
      .where('directory_id', '=', directoryId)
      .where('status', '!=', 'trashed')
      .where('external_id', 'is not', null)
      .execute();
    return rows.map((r) => [r.id, r.external_id!, r.source_hash] as const);
  }

  async usersByExternalId(directoryId: number, externalIds: readonly string[]): Promise<Map<string, UserRow>> {
    const out = new Map<string, UserRow>();
    for (let i = 0; i < externalIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('users')
        .selectAll()
        .where('directory_id', '=', directoryId)
        .where('external_id', 'in', externalIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.external_id!, r);
    }
    return out;
  }

  async usersByUsernameKey(keys: readonly string[]): Promise<Map<string, UserRow>> {
    const out = new Map<string, UserRow>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('users')
        .selectAll()
        .where('username_key', 'in', keys.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) out.set(r.username_key, r);
    }
    return out;
  }

  async userByUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
  }

  async dnKeysByExternalId(directoryId: number, externalIds: readonly string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let i = 0; i < externalIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('users')
        .select(['external_id', 'dn_key'])
        .where('directory_id', '=', directoryId)
        .where('external_id', 'in', externalIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) if (r.dn_key) out.set(r.external_id!, r.dn_key);
    }
    return out;
  }

  async countLiveUsers(directoryId: number): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('directory_id', '=', directoryId)
      .where('status', '!=', 'trashed')
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  #live(directoryId: number) {
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'external_id', 'status'])
      .where('directory_id', '=', directoryId)
      .where('status', '!=', 'trashed');
  }

  async liveUsers(directoryId: number, ids?: readonly number[]): Promise<LiveUser[]> {
    if (!ids) return this.#live(directoryId).execute();
    const out: LiveUser[] = [];
    for (let i = 0; i < ids.length; i += CHUNK)
      out.push(
        ...(await this.#live(directoryId)
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .execute()),
      );
    return out;
  }

  async liveUsersWithoutExternalId(directoryId: number): Promise<LiveUser[]> {
    return this.#live(directoryId).where('external_id', 'is', null).execute();
  }

  async liveUsersByIdentity(directoryId: number, externalIds: readonly string[], dnKeys: readonly string[]): Promise<LiveUser[]> {
    if (!externalIds.length && !dnKeys.length) return [];
    return this.#live(directoryId)
      .where((eb) => eb.or([...(externalIds.length ? [eb('external_id', 'in', externalIds)] : []), ...(dnKeys.length ? [eb('dn_key', 'in', dnKeys)] : [])]))
      .execute();
  }

  async trashDue(directoryId: number, now: Date): Promise<DueUser[]> {
    return this.db
      .selectFrom('users')
      .select(['id', 'username', 'external_id', 'delete_after'])
      .where('directory_id', '=', directoryId)
      .where('status', '=', 'trashed')
      .where('delete_after', '<=', now.toISOString())
      .execute();
  }

  async groups(directoryId: number): Promise<GroupRow[]> {
    return this.db.selectFrom('groups').selectAll().where('directory_id', '=', directoryId).execute();
  }

  async memberIds(groupId: number): Promise<Float64Array> {
    return sortedUnique((await this.db.selectFrom('group_members').select('user_id').where('group_id', '=', groupId).execute()).map((r) => r.user_id));
  }

  async memberLists(_directoryId: number): Promise<Map<number, Float64Array> | undefined> {
    return undefined;
  }

  async membershipsOf(userIds: readonly number[]): Promise<Map<number, Set<number>>> {
    const out = new Map<number, Set<number>>();
    for (let i = 0; i < userIds.length; i += CHUNK) {
      const rows = await this.db
        .selectFrom('group_members')
        .select(['group_id', 'user_id'])
        .where('user_id', 'in', userIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) (out.get(r.group_id) ?? out.set(r.group_id, new Set()).get(r.group_id)!).add(r.user_id);
    }
    return out;
  }

  async pendingHolds(userIds: readonly number[]): Promise<Map<number, HeldRemoval>> {
    return pendingHolds(this.db, userIds);
  }

  async recentRemovals(directoryId: number, since: Date): Promise<number> {
    const r = await this.db
      .selectFrom('run_objects')
      .innerJoin('runs', 'runs.id', 'run_objects.run_id')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('runs.directory_id', '=', directoryId)
      .where('runs.kind', '=', 'incremental')
      .where('runs.started_at', '>=', since.toISOString())
      .where('run_objects.outcome', 'in', ['trashed', 'disabled'])
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async approvals(opts: { all?: boolean }): Promise<ApprovalListing[]> {
    let q = this.db
      .selectFrom('approvals')
      .innerJoin('directories', 'directories.id', 'approvals.directory_id')
      .select([
        'approvals.run_id',
        'directories.name',
        'approvals.status',
        'approvals.count',
        'approvals.threshold',
        'approvals.created_at',
        'approvals.decided_at',
      ]);
    if (!opts.all) q = q.where('approvals.status', '=', 'pending');
    const rows = await q.orderBy('approvals.run_id', 'desc').execute();
    const out: ApprovalListing[] = [];
    for (const r of rows) {
      const users = await this.db
        .selectFrom('held_removals')
        .innerJoin('users', 'users.id', 'held_removals.user_id')
        .select(['users.username', 'held_removals.action', 'held_removals.reason'])
        .where('held_removals.run_id', '=', r.run_id)
        .orderBy('users.username')
        .execute();
      out.push({ ...r, users });
    }
    return out;
  }

  async approval(runId: number): Promise<ApprovalRow | undefined> {
    return this.db.selectFrom('approvals').selectAll().where('run_id', '=', runId).executeTakeFirst();
  }

  async heldUsers(runId: number): Promise<HeldUser[]> {
    return this.db
      .selectFrom('held_removals')
      .innerJoin('users', 'users.id', 'held_removals.user_id')
      .select(['users.id', 'users.username', 'users.external_id', 'users.status', 'held_removals.action', 'held_removals.reason'])
      .where('held_removals.run_id', '=', runId)
      .execute();
  }

  async runCounts(runId: number): Promise<RunCounts> {
    return JSON.parse((await this.db.selectFrom('runs').select('counts').where('id', '=', runId).executeTakeFirstOrThrow()).counts) as RunCounts;
  }

  async insertUsers(rows: readonly NewUserRow[]): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < rows.length; i += ROW_CHUNK) {
      const chunk = rows.slice(i, i + ROW_CHUNK);
      // Matched by external id: neither database promises RETURNING rows in VALUES order.
      const back = await this.db.insertInto('users').values(chunk).returning(['id', 'external_id']).execute();
      const idOf = new Map(back.map((r) => [r.external_id, r.id]));
      for (const r of chunk) ids.push(idOf.get(r.external_id as string)!);
    }
    return ids;
  }

  async updateUsers(updates: readonly { id: number; set: UserPatch }[]): Promise<void> {
    for (const u of updates) await this.db.updateTable('users').set(u.set).where('id', '=', u.id).execute();
  }

  async disableUser(userId: number, reason: string, now: Date): Promise<void> {
    // The stored digest no longer describes the row: the next full sync compares it in full.
    await this.db
      .updateTable('users')
      .set({ status: 'disabled', status_reason: reason, updated_at: now.toISOString(), source_hash: null })
      .where('id', '=', userId)
      .execute();
  }

  async trashUser(userId: number, reason: string, now: Date, deleteAfter: string): Promise<number> {
    const ts = now.toISOString();
    await this.db
      .updateTable('users')
      .set({ status: 'trashed', status_reason: reason, trashed_at: ts, delete_after: deleteAfter, updated_at: ts, source_hash: null })
      .where('id', '=', userId)
      .execute();
    const gone = await this.db.deleteFrom('group_members').where('user_id', '=', userId).executeTakeFirst();
    return Number(gone.numDeletedRows);
  }

  async deleteUser(userId: number): Promise<void> {
    await this.db.deleteFrom('users').where('id', '=', userId).execute();
  }

  async insertGroup(row: NewGroupRow): Promise<number> {
    return (await this.db.insertInto('groups').values(row).returning('id').executeTakeFirstOrThrow()).id;
  }

  async insertGroups(rows: readonly NewGroupRow[]): Promise<number[]> {
    const ids: number[] = [];
    for (const r of rows) ids.push(await this.insertGroup(r));
    return ids;
  }

  async updateGroup(groupId: number, set: { dn: string; name: string; updated_at: string }): Promise<void> {
    await this.db.updateTable('groups').set(set).where('id', '=', groupId).execute();
  }

  async deleteGroup(groupId: number): Promise<void> {
    await this.db.deleteFrom('group_members').where('group_id', '=', groupId).execute();
    await this.db.deleteFrom('groups').where('id', '=', groupId).execute();
  }

  async addMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += CHUNK) {
      await this.db
        .insertInto('group_members')
        .values(userIds.slice(i, i + CHUNK).map((user_id) => ({ group_id: groupId, user_id })))
        .execute();
    }
  }

  async removeMembers(groupId: number, userIds: readonly number[]): Promise<void> {
    for (let i = 0; i < userIds.length; i += CHUNK) {
      await this.db
        .deleteFrom('group_members')
        .where('group_id', '=', groupId)
        .where('user_id', 'in', userIds.slice(i, i + CHUNK))
        .execute();
    }
  }

  async writeMembers(adds: readonly MemberChange[], removes: readonly MemberChange[]): Promise<void> {
    for (const r of removes) await this.removeMembers(r.groupId, r.userIds);
    for (const a of adds) await this.addMembers(a.groupId, a.userIds);
  }

  beginMembershipLoad(_expected: number): MembershipLoad | undefined | Promise<MembershipLoad | undefined> {
    return undefined;
  }

  async holdRemovals(runId: number, directoryId: number, removals: readonly HeldRemovalRow[], threshold: string, now: Date): Promise<void> {
    await this.db
      .insertInto('approvals')
      .values({
        run_id: runId,
        directory_id: directoryId,
        status: 'pending',
        count: removals.length,
        threshold,
        created_at: now.toISOString(),
        decided_at: null,
      })
      .execute();
    for (let i = 0; i < removals.length; i += ROW_CHUNK) {
      await this.db
        .insertInto('held_removals')
        .values(removals.slice(i, i + ROW_CHUNK).map((r) => ({ run_id: runId, user_id: r.userId, action: r.action, reason: r.reason })))
        .execute();
    }
  }

  async releaseHold(runId: number, userId: number, now: Date): Promise<void> {
    await releaseHold(this.db, runId, userId, now);
  }

  async supersedePending(directoryId: number, now: Date): Promise<void> {
    await supersedePending(this.db, directoryId, now);
  }

  async decideApproval(runId: number, status: 'approved' | 'rejected', now: Date): Promise<void> {
    await this.db.updateTable('approvals').set({ status, decided_at: now.toISOString() }).where('run_id', '=', runId).execute();
  }

  async setRunCounts(runId: number, counts: RunCounts): Promise<void> {
    await this.db
      .updateTable('runs')
      .set({ counts: JSON.stringify(counts) })
      .where('id', '=', runId)
      .execute();
  }

  async startRun(directoryId: number, directoryName: string, kind: RunKind, now: Date): Promise<number> {
    return startRunIn(this.db, directoryId, directoryName, kind, now);
  }

  async recordObjects(runId: number, changes: readonly ObjectChange[]): Promise<void> {
    await recordObjectsIn(this.db, runId, changes);
  }

  async finishRun(runId: number, end: RunEnd): Promise<void> {
    await finishRunIn(this.db, runId, end);
  }

  async discardRun(runId: number): Promise<void> {
    await discardRunIn(this.db, runId);
  }

  async saveSyncState(directoryId: number, patch: SyncStatePatch, now: Date): Promise<void> {
    await saveSyncState(this.db, directoryId, patch, now);
  }
}
