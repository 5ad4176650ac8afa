import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from './db-handle.js';

/** Failures allowed within `windowMs`; the attempt that reaches `maxFailures` locks the key for `lockMs`. */
export interface LimitRule {
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

export type Reservation = { admitted: true; nonce: string } | { admitted: false; retryAfterMs: number };

/** Login failure counters, one per key (a username or an address); times are epoch milliseconds. */
export interface LoginThrottle {
  /**
   * Counts one login attempt against `key` BEFORE its password is checked, atomically, so that
   * parallel attempts (from any process) cannot all pass a check made before any was counted.
   * Every attempt counts as a failure until it succeeds (release). A locked key is not counted again.
   */
  reserve(key: string, rule: LimitRule, now: number): Promise<Reservation>;
  /**
   * An admitted attempt turned out right: it was no failure. `forget` drops the key's count;
   * otherwise the attempt is taken back from the count, and a lock this very attempt set is lifted.
   */
  release(key: string, nonce: string, forget: boolean): Promise<void>;
  /** Lifts the lock and forgets the failures of these keys. Returns how many were locked. */
  clear(keys: string[], now: number): Promise<number>;
  /** Drops counters whose window and lock have both passed, so a flood of names leaves no rows behind. */
  prune(olderThanMs: number, now: number): Promise<void>;
}

/**
 * One implementation serves both databases. The window is fixed: it starts at the first failure
 * and the count starts again when it has passed. reserve() is one upsert whose SET expressions
 * all read the row as it was (SQLite and PostgreSQL alike), and the row lock the upsert takes
 * serialises attempts on one key across processes (issue 10 item 7: 40 parallel wrong passwords
 * got 23 tries against a limit of 5 when the check came first). Whether this attempt got through
 * is read back from `last_attempt`, which only an admitted attempt overwrites with its nonce.
 */
export class KyselyLoginThrottle implements LoginThrottle {
  constructor(private readonly db: Db) {}

  async reserve(key: string, rule: LimitRule, now: number): Promise<Reservation> {
    const nonce = randomUUID();
    const n = (v: number) => sql`cast(${v} as bigint)`;
    const locked = sql`login_throttle.locked_until > ${n(now)}`;
    const stale = sql`login_throttle.window_start <= ${n(now - rule.windowMs)}`;
    const counted = sql`(case when ${stale} then 1 else login_throttle.failures + 1 end)`;
    const { rows } = await sql<{ locked_until: number | string; last_attempt: string }>`
      insert into login_throttle (key, window_start, failures, locked_until, last_attempt)
      values (${key}, ${n(now)}, 1, ${n(rule.maxFailures <= 1 ? now + rule.lockMs : 0)}, ${nonce})
      on conflict (key) do update set
        failures = case when ${locked} then login_throttle.failures else ${counted} end,
        window_start = case when ${locked} then login_throttle.window_start
                            when ${stale} then ${n(now)} else login_throttle.window_start end,
        locked_until = case when ${locked} then login_throttle.locked_until
                            when ${counted} >= ${rule.maxFailures} then ${n(now + rule.lockMs)} else ${n(0)} end,
        last_attempt = case when ${locked} then login_throttle.last_attempt else ${nonce} end
      returning locked_until, last_attempt`.execute(this.db);
    const row = rows[0]!;
    if (row.last_attempt === nonce) return { admitted: true, nonce };
    return { admitted: false, retryAfterMs: Number(row.locked_until) - now };
  }

  async release(key: string, nonce: string, forget: boolean): Promise<void> {
    if (forget) {
      await this.db.deleteFrom('login_throttle').where('key', '=', key).execute();
      return;
    }
    await sql`update login_throttle set
        failures = case when failures > 0 then failures - 1 else 0 end,
        locked_until = case when last_attempt = ${nonce} then ${sql`cast(${0} as bigint)`} else locked_until end
      where key = ${key}`.execute(this.db);
  }

  async clear(keys: string[], now: number): Promise<number> {
    if (!keys.length) return 0;
    const locked = await this.db.selectFrom('login_throttle').select('key').where('key', 'in', keys).where('locked_until', '>', now).execute();
    await this.db.deleteFrom('login_throttle').where('key', 'in', keys).execute();
    return locked.length;
  }

  async prune(olderThanMs: number, now: number): Promise<void> {
    await this.db
      .deleteFrom('login_throttle')
      .where('locked_until', '<=', now)
      .where('window_start', '<=', now - olderThanMs)
      .execute();
  }
}
