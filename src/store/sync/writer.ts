import type { HeldRemoval } from '../held.js';
import type { SyncStatePatch } from '../sync-state.js';
import type { DirectoryRow, GroupRow, NewGroupRow, NewUserRow, UserPatch, UserRow } from './rows.js';
import type { ObjectChange, RunCounts, RunEnd, RunKind } from './run-types.js';

/**
 * The store as the sync needs it: what a plan is made from (SyncReads) and what applying a plan
 * writes (SyncWriter). One implementation per database, chosen when the store opens
 * (src/store/sync/open.ts): SQLite runs the hot statements through cached prepared statements
 * (src/store/sqlite-fast-path.ts), PostgreSQL through Kysely, a page's rows at a time.
 *
 * Batches are a page's worth (insertUsers, updateUsers, addMembers take arrays), so a backend can
 * turn each into one round trip.
 */

/** A store user of the directory as a full sync first reads it: [id, external id, source digest]. */
export type KnownUser = readonly [id: number, externalId: string, hash: string | null];

/** A user that is not in the trash, as removals name it. */
export interface LiveUser {
  id: number;
  username: string;
  external_id: string | null;
  status: UserRow['status'];
}

/** A user the trash holds past its deletion date. */
export interface DueUser {
  id: number;
  username: string;
  external_id: string | null;
  delete_after: string | null;
}

/** A removal the safeguard decided on, as held for approval. */
export interface HeldRemovalRow {
  userId: number;
  action: 'disable' | 'trash';
  reason: string;
}

export interface ApprovalRow {
  run_id: number;
  directory_id: number;
  status: 'pending' | 'approved' | 'rejected' | 'superseded';
  count: number;
  threshold: string | null;
  created_at: string;
  decided_at: string | null;
}

export interface ApprovalListing extends Omit<ApprovalRow, 'directory_id'> {
  name: string;
  users: { username: string; action: string; reason: string }[];
}

/** A held removal of a run with the user as the store has them now. */
export interface HeldUser {
  id: number;
  username: string;
  external_id: string | null;
  status: UserRow['status'];
  action: 'disable' | 'trash';
  reason: string;
}

/** Members added to or removed from one group. */
export interface MemberChange {
  groupId: number;
  userIds: readonly number[];
}

/** A bulk load of memberships under way (beginMembershipLoad). */
export interface MembershipLoad {
  end(): void | Promise<void>;
}

export interface SyncReads {
  directoryByName(name: string): Promise<DirectoryRow | undefined>;
  directoryName(directoryId: number): Promise<string | undefined>;
  /** The directory's users not in the trash that have an external id (what a full sync compares against). */
  knownUsers(directoryId: number): Promise<KnownUser[]>;
  usersByExternalId(directoryId: number, externalIds: readonly string[]): Promise<Map<string, UserRow>>;
  usersByUsernameKey(keys: readonly string[]): Promise<Map<string, UserRow>>;
  userByUsername(username: string): Promise<UserRow | undefined>;
  /** dn_key by external id, for the directory's users that have one. */
  dnKeysByExternalId(directoryId: number, externalIds: readonly string[]): Promise<Map<string, string>>;
  /** The directory's users not in the trash. */
  countLiveUsers(directoryId: number): Promise<number>;
  /** Users not in the trash: all of the directory's, or those with one of these store ids. */
  liveUsers(directoryId: number, ids?: readonly number[]): Promise<LiveUser[]>;
  /** Users not in the trash without an external id (they cannot be recognised, so they count as gone). */
  liveUsersWithoutExternalId(directoryId: number): Promise<LiveUser[]>;
  /** Users not in the trash with one of these external ids or dn keys. */
  liveUsersByIdentity(directoryId: number, externalIds: readonly string[], dnKeys: readonly string[]): Promise<LiveUser[]>;
  /** Trashed users whose deletion date has passed. */
  trashDue(directoryId: number, now: Date): Promise<DueUser[]>;
  groups(directoryId: number): Promise<GroupRow[]>;
  /** A group's member ids, ascending, each once. */
  memberIds(groupId: number): Promise<Float64Array>;
  /**
   * Every stored group's member ids of the directory (as memberIds), when the backend reads them
   * faster at once (PostgreSQL: one query instead of one per group); undefined: ask memberIds.
   */
  memberLists(directoryId: number): Promise<Map<number, Float64Array> | undefined>;
  /** Group → members, for these users only. */
  membershipsOf(userIds: readonly number[]): Promise<Map<number, Set<number>>>;
  pendingHolds(userIds: readonly number[]): Promise<Map<number, HeldRemoval>>;
  /** Users an incremental run of the directory disabled or trashed since `since`. */
  recentRemovals(directoryId: number, since: Date): Promise<number>;
  approvals(opts: { all?: boolean }): Promise<ApprovalListing[]>;
  approval(runId: number): Promise<ApprovalRow | undefined>;
  heldUsers(runId: number): Promise<HeldUser[]>;
  runCounts(runId: number): Promise<RunCounts>;
}

export interface SyncWriter extends SyncReads {
  /** Ids in the order of `rows`. */
  insertUsers(rows: readonly NewUserRow[]): Promise<number[]>;
  updateUsers(updates: readonly { id: number; set: UserPatch }[]): Promise<void>;
  disableUser(userId: number, reason: string, now: Date): Promise<void>;
  /** Disables and trashes a user and drops their memberships; returns how many memberships went. */
  trashUser(userId: number, reason: string, now: Date, deleteAfter: string): Promise<number>;
  deleteUser(userId: number): Promise<void>;
  insertGroup(row: NewGroupRow): Promise<number>;
  /** Ids in the order of `rows`. */
  insertGroups(rows: readonly NewGroupRow[]): Promise<number[]>;
  updateGroup(groupId: number, set: { dn: string; name: string; updated_at: string }): Promise<void>;
  deleteGroup(groupId: number): Promise<void>;
  addMembers(groupId: number, userIds: readonly number[]): Promise<void>;
  removeMembers(groupId: number, userIds: readonly number[]): Promise<void>;
  /** A run of membership changes of several groups (no pair both added and removed), which a backend may write as a few statements. */
  writeMembers(adds: readonly MemberChange[], removes: readonly MemberChange[]): Promise<void>;
  /**
   * Announces that `expected` memberships are about to be loaded into a directory that has no
   * groups yet; `end()` once they are in. A backend may load them faster in bulk (SQLite builds
   * one index at the end). Only inside a transaction.
   */
  beginMembershipLoad(expected: number): MembershipLoad | undefined | Promise<MembershipLoad | undefined>;
  holdRemovals(runId: number, directoryId: number, removals: readonly HeldRemovalRow[], threshold: string, now: Date): Promise<void>;
  releaseHold(runId: number, userId: number, now: Date): Promise<void>;
  supersedePending(directoryId: number, now: Date): Promise<void>;
  decideApproval(runId: number, status: 'approved' | 'rejected', now: Date): Promise<void>;
  setRunCounts(runId: number, counts: RunCounts): Promise<void>;
  startRun(directoryId: number, directoryName: string, kind: RunKind, now: Date): Promise<number>;
  recordObjects(runId: number, changes: readonly ObjectChange[]): Promise<void>;
  finishRun(runId: number, end: RunEnd): Promise<void>;
  discardRun(runId: number): Promise<void>;
  saveSyncState(directoryId: number, patch: SyncStatePatch, now: Date): Promise<void>;
}

export interface SyncStore {
  /** Reads outside a transaction: a dry run, and what a run reads before it writes. */
  readonly reads: SyncReads;
  /**
   * True when planning a page through `reads` and opening a transaction only for a page with
   * something to write loses nothing: PostgreSQL's read committed transactions see no more than
   * reads outside one, and an empty transaction costs two round trips (BEGIN, COMMIT). SQLite's
   * deferred transaction is free when nothing is written, and keeps the page's reads in one.
   */
  readonly planOutsideTransaction?: boolean;
  /**
   * `fn` in one transaction, with a writer bound to it. `linksOnly`: the transaction only links
   * ids it has read itself (memberships, removals), so a backend may skip foreign-key checks.
   * `relaxedCommit`: a page of a full sync, which the next run redoes if a crash loses it, so a
   * backend may commit it without waiting for the disk.
   */
  transaction<T>(fn: (w: SyncWriter) => Promise<T>, opts?: { linksOnly?: boolean; relaxedCommit?: boolean }): Promise<T>;
}
