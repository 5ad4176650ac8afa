import type { Db } from './db-handle.js';
import type { FactorChallengesTable, GroupFactorStatus, UserFactorStatus } from './schema.js';

/** A user's second-factor state; `active` with no failures when nothing is stored. */
export interface UserFactorState {
  status: UserFactorStatus;
  failures: number;
  lockedUntil: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** A group as the second factor names it: a synced group or a local group (issue 15 "Group status"). */
export type GroupRef = { kind: 'synced'; id: number } | { kind: 'local'; id: number };

export interface GroupStatusRow {
  kind: 'synced' | 'local';
  groupId: number;
  name: string;
  status: GroupFactorStatus;
  updatedAt: string;
  updatedBy: string | null;
}

export type ChallengePurpose = FactorChallengesTable['purpose'];

/**
 * The second factor's state beside the authenticators (issue 15, migration 0022): recovery codes
 * (keyed hashes only), user and group statuses, the failure count behind a lockout, and
 * short-lived single-use challenges.
 */
export interface FactorUser {
  id: number;
  username: string;
  fullName: string | null;
  /** The store's status (the directory's, for a synced user): only `active` may pass. */
  status: 'active' | 'disabled' | 'trashed';
  directoryId: number | null;
}

export interface SecondFactorRecords {
  /** A user by username or alias, in any letter case (as POST /api/v1/auth/verify names them). */
  userByLogin(login: string): Promise<FactorUser | undefined>;
  userById(id: number): Promise<FactorUser | undefined>;
  /** The user's recovery codes become exactly these hashes (the old ones stop working). */
  replaceRecoveryCodes(userId: number, hashes: string[], now: Date): Promise<void>;
  /** Uses one of the user's unused codes, once, in one conditional update. */
  useRecoveryCode(userId: number, hash: string, now: Date): Promise<boolean>;
  recoveryCodesLeft(userId: number): Promise<number>;
  userState(userId: number): Promise<UserFactorState>;
  /** Sets the status (an administrator, or an expired lockout) and forgets the failures. */
  setUserStatus(userId: number, status: UserFactorStatus, by: string | null, now: Date, lockedUntil?: Date | null): Promise<void>;
  /**
   * Counts one failed attempt; the attempt that reaches `maxFailures` locks the user out until
   * `lockedUntil` (null: until an administrator unlocks). One upsert then one conditional update,
   * so parallel failures all count. Returns the count and whether the user is now locked out.
   */
  recordFailure(userId: number, maxFailures: number, lockedUntil: Date | null, now: Date): Promise<{ failures: number; locked: boolean }>;
  /** A success: the failures start again from zero (only for an active user). */
  clearFailures(userId: number): Promise<void>;
  /** The statuses of the groups, synced and local, the user belongs to (active ones are not stored). */
  groupStatusesOf(userId: number): Promise<GroupFactorStatus[]>;
  groupStatus(group: GroupRef): Promise<GroupFactorStatus>;
  setGroupStatus(group: GroupRef, status: GroupFactorStatus, by: string | null, now: Date): Promise<void>;
  /** Synced groups of this name, in any letter case (several directories may have one). */
  syncedGroupsNamed(name: string): Promise<{ id: number; name: string; directoryId: number }[]>;
  /** Every group whose status is not active. */
  listGroupStatuses(): Promise<GroupStatusRow[]>;
  createChallenge(c: { id: string; userId: number; purpose: ChallengePurpose; value: string; expiresAt: Date }, now: Date): Promise<void>;
  /** Reads an unexpired challenge without taking it (a TOTP being enrolled survives a mistyped code). */
  challenge(id: string, purpose: ChallengePurpose, now: Date): Promise<{ userId: number; value: string } | undefined>;
  /** Takes (deletes and returns) an unexpired challenge of this purpose, once. */
  takeChallenge(id: string, purpose: ChallengePurpose, now: Date): Promise<{ userId: number; value: string } | undefined>;
}

export class KyselySecondFactor implements SecondFactorRecords {
  constructor(private readonly db: Db) {}

  async userByLogin(login: string): Promise<FactorUser | undefined> {
    const key = login.toLowerCase();
    const columns = ['id', 'username', 'full_name', 'status', 'directory_id'] as const;
    const view = (u: { id: number; username: string; full_name: string | null; status: FactorUser['status']; directory_id: number | null }) => ({
      id: u.id,
      username: u.username,
      fullName: u.full_name,
      status: u.status,
      directoryId: u.directory_id,
    });
    const user = await this.db.selectFrom('users').select(columns).where('username_key', '=', key).executeTakeFirst();
    if (user) return view(user);
    // Aliases are a JSON list; a LIKE narrows, the exact match is made here (as src/store/password-sync.ts does).
    const like = `%${JSON.stringify(key)
      .slice(1, -1)
      .replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    const candidates = await this.db
      .selectFrom('users')
      .select([...columns, 'aliases'])
      .where((eb) => eb(eb.fn('lower', ['aliases']), 'like', like))
      .limit(50)
      .execute();
    const found = candidates.find((u) => (JSON.parse(u.aliases) as string[]).some((a) => a.toLowerCase() === key));
    return found ? view(found) : undefined;
  }

  async userById(id: number): Promise<FactorUser | undefined> {
    const u = await this.db.selectFrom('users').select(['id', 'username', 'full_name', 'status', 'directory_id']).where('id', '=', id).executeTakeFirst();
    return u ? { id: u.id, username: u.username, fullName: u.full_name, status: u.status, directoryId: u.directory_id } : undefined;
  }

  async replaceRecoveryCodes(userId: number, hashes: string[], now: Date): Promise<void> {
    const run = <T>(fn: (tx: Db) => Promise<T>) => (this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn));
    await run(async (tx) => {
      await tx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      if (hashes.length) {
        await tx
          .insertInto('recovery_codes')
          .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now.toISOString(), used_at: null })))
          .execute();
      }
    });
  }

  async useRecoveryCode(userId: number, hash: string, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now.toISOString() })
      .where('user_id', '=', userId)
      .where('code_hash', '=', hash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async recoveryCodesLeft(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async userState(userId: number): Promise<UserFactorState> {
    const row = await this.db.selectFrom('factor_statuses').selectAll().where('user_id', '=', userId).executeTakeFirst();
    if (!row) return { status: 'active', failures: 0, lockedUntil: null, updatedAt: null, updatedBy: null };
    return { status: row.status, failures: Number(row.failures), lockedUntil: row.locked_until, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  async setUserStatus(userId: number, status: UserFactorStatus, by: string | null, now: Date, lockedUntil: Date | null = null): Promise<void> {
    const values = { status, failures: 0, locked_until: lockedUntil ? lockedUntil.toISOString() : null, updated_at: now.toISOString(), updated_by: by };
    await this.db
      .insertInto('factor_statuses')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute();
  }

  async recordFailure(userId: number, maxFailures: number, lockedUntil: Date | null, now: Date): Promise<{ failures: number; locked: boolean }> {
    const at = now.toISOString();
    const row = await this.db
      .insertInto('factor_statuses')
      .values({ user_id: userId, status: 'active', failures: 1, locked_until: null, updated_at: at, updated_by: null })
      .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ failures: eb('factor_statuses.failures', '+', 1) })))
      .returning(['failures', 'status'])
      .executeTakeFirstOrThrow();
    const failures = Number(row.failures);
    if (row.status === 'locked_out') return { failures, locked: true };
    if (row.status !== 'active' || failures < maxFailures) return { failures, locked: false };
    await this.db
      .updateTable('factor_statuses')
      .set({ status: 'locked_out', locked_until: lockedUntil ? lockedUntil.toISOString() : null, updated_at: at, updated_by: null })
      .where('user_id', '=', userId)
      .where('status', '=', 'active')
      .execute();
    return { failures, locked: true };
  }

  async clearFailures(userId: number): Promise<void> {
    await this.db.updateTable('factor_statuses').set({ failures: 0 }).where('user_id', '=', userId).where('status', '=', 'active').execute();
  }

  async groupStatusesOf(userId: number): Promise<GroupFactorStatus[]> {
    const rows = await this.db
      .selectFrom('group_factor_statuses as s')
      .select('s.status')
      .where((eb) =>
        eb.or([
          eb('s.group_id', 'in', eb.selectFrom('group_members').select('group_id').where('user_id', '=', userId)),
          eb('s.local_group_id', 'in', eb.selectFrom('local_group_members').select('group_id').where('user_id', '=', userId)),
        ]),
      )
      .execute();
    return rows.map((r) => r.status);
  }

  async groupStatus(group: GroupRef): Promise<GroupFactorStatus> {
    const row = await this.db
      .selectFrom('group_factor_statuses')
      .select('status')
      .where(group.kind === 'synced' ? 'group_id' : 'local_group_id', '=', group.id)
      .executeTakeFirst();
    return row?.status ?? 'active';
  }

  async setGroupStatus(group: GroupRef, status: GroupFactorStatus, by: string | null, now: Date): Promise<void> {
    const column = group.kind === 'synced' ? 'group_id' : 'local_group_id';
    const run = <T>(fn: (tx: Db) => Promise<T>) => (this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn));
    await run(async (tx) => {
      await tx.deleteFrom('group_factor_statuses').where(column, '=', group.id).execute();
      // Active is the absence of a row: a group's row goes when it is active again.
      if (status === 'active') return;
      await tx
        .insertInto('group_factor_statuses')
        .values({
          group_id: group.kind === 'synced' ? group.id : null,
          local_group_id: group.kind === 'local' ? group.id : null,
          status,
          updated_at: now.toISOString(),
          updated_by: by,
        })
        .execute();
    });
  }

  async syncedGroupsNamed(name: string): Promise<{ id: number; name: string; directoryId: number }[]> {
    const rows = await this.db
      .selectFrom('groups')
      .select(['id', 'name', 'directory_id'])
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, directoryId: r.directory_id }));
  }

  async listGroupStatuses(): Promise<GroupStatusRow[]> {
    const synced = await this.db
      .selectFrom('group_factor_statuses as s')
      .innerJoin('groups as g', 'g.id', 's.group_id')
      .select(['g.id as groupId', 'g.name', 's.status', 's.updated_at', 's.updated_by'])
      .execute();
    const local = await this.db
      .selectFrom('group_factor_statuses as s')
      .innerJoin('local_groups as g', 'g.id', 's.local_group_id')
      .select(['g.id as groupId', 'g.name', 's.status', 's.updated_at', 's.updated_by'])
      .execute();
    const row = (kind: 'synced' | 'local') => (r: (typeof synced)[number]) => ({
      kind,
      groupId: r.groupId,
      name: r.name,
      status: r.status,
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
    });
    return [...synced.map(row('synced')), ...local.map(row('local'))].sort((a, b) => a.name.localeCompare(b.name));
  }

  async createChallenge(c: { id: string; userId: number; purpose: ChallengePurpose; value: string; expiresAt: Date }, now: Date): Promise<void> {
    // Expired challenges are dropped as new ones come, so the table holds only the last few minutes'.
    await this.db.deleteFrom('factor_challenges').where('expires_at', '<=', now.toISOString()).execute();
    await this.db
      .insertInto('factor_challenges')
      .values({ id: c.id, user_id: c.userId, purpose: c.purpose, value: c.value, expires_at: c.expiresAt.toISOString() })
      .execute();
  }

  async challenge(id: string, purpose: ChallengePurpose, now: Date): Promise<{ userId: number; value: string } | undefined> {
    const row = await this.db
      .selectFrom('factor_challenges')
      .select(['user_id', 'value', 'expires_at'])
      .where('id', '=', id)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) <= now.getTime()) return undefined;
    return { userId: row.user_id, value: row.value };
  }

  async takeChallenge(id: string, purpose: ChallengePurpose, now: Date): Promise<{ userId: number; value: string } | undefined> {
    const row = await this.db
      .deleteFrom('factor_challenges')
      .where('id', '=', id)
      .where('purpose', '=', purpose)
      .returning(['user_id', 'value', 'expires_at'])
      .executeTakeFirst();
    if (!row || Date.parse(row.expires_at) <= now.getTime()) return undefined;
    return { userId: row.user_id, value: row.value };
  }
}
