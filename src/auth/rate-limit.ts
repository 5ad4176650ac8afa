import type { LimitRule, LoginThrottle } from '../store/login-throttle.js';
import { HashGate, RateLimitedError } from './hash-gate.js';

export { RateLimitedError } from './hash-gate.js';

export type { LimitRule } from '../store/login-throttle.js';

export interface LoginLimits {
  perUsername: LimitRule;
  perIp: LimitRule;
  /** Password hashes running at once, and callers allowed to wait for one (HashGate). */
  concurrentHashes?: number;
  queuedHashes?: number;
}

const MINUTE = 60_000;
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUsername: { maxFailures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  perIp: { maxFailures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
};

export const userKey = (username: string) => `user:${username.toLowerCase()}`;
const ipKey = (ip: string) => `ip:${ip}`;

/** Counters are pruned on one admitted attempt in this many. */
const PRUNE_EVERY = 100;

/**
 * Login throttling: 5 failures for one username within 15 minutes lock that username for 15
 * minutes, and 20 failures from one address lock the address, whatever the usernames. The
 * counters live in the store (src/store/login-throttle.ts): each attempt is counted there, in one
 * atomic statement, before its password is hashed, and only then waits for one of the few hash
 * slots (HashGate). A refused attempt costs no hash and no memory; an unknown username costs one
 * hash like a known one, and leaves only its counter row, which is pruned once its window has
 * passed.
 */
export class LoginLimiter {
  readonly gate: HashGate;
  #attempts = 0;

  readonly #throttle: LoginThrottle;

  constructor(
    store: { loginThrottle: LoginThrottle },
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.#throttle = store.loginThrottle;
    this.gate = new HashGate(limits.concurrentHashes ?? 2, limits.queuedHashes ?? 64);
  }

  /**
   * Counts an attempt for `username` from `ip`, then runs `check` (the password hash) in a hash
   * slot. Throws RateLimitedError, without running `check`, when either is locked or the hash
   * queue is full. A true answer takes the attempt back and forgets the username's failures.
   */
  async attempt(username: string, ip: string, now: number, check: () => Promise<boolean>): Promise<boolean> {
    this.gate.checkRoom();
    const byIp = await this.#throttle.reserve(ipKey(ip), this.limits.perIp, now);
    if (!byIp.admitted) throw new RateLimitedError('too many failed logins from this address; try again later', Math.ceil(byIp.retryAfterMs / 1000));
    const byUser = await this.#throttle.reserve(userKey(username), this.limits.perUsername, now);
    if (!byUser.admitted)
      throw new RateLimitedError('too many failed logins for this username; it is locked for a while', Math.ceil(byUser.retryAfterMs / 1000));
    if (++this.#attempts % PRUNE_EVERY === 0) await this.#throttle.prune(Math.max(this.limits.perIp.windowMs, this.limits.perUsername.windowMs), now);
    let ok: boolean;
    try {
      ok = await this.gate.run(check);
    } catch (err) {
      // Not hashed (the queue filled meanwhile): not a failure either.
      if (err instanceof RateLimitedError) {
        await this.#throttle.release(ipKey(ip), byIp.nonce, false);
        await this.#throttle.release(userKey(username), byUser.nonce, false);
      }
      throw err;
    }
    if (ok) {
      await this.#throttle.release(userKey(username), byUser.nonce, true);
      await this.#throttle.release(ipKey(ip), byIp.nonce, false);
    }
    return ok;
  }
}

/** Lifts a username's lock (idsync admin unlock, idsync admin set-password). Whether it was locked. */
export async function unlockUsername(store: { loginThrottle: LoginThrottle }, username: string, now: number): Promise<boolean> {
  return (await store.loginThrottle.clear([userKey(username)], now)) > 0;
}

/** Lifts an address's lock (idsync admin unlock --address). Whether it was locked. */
export async function unlockAddress(store: { loginThrottle: LoginThrottle }, ip: string, now: number): Promise<boolean> {
  return (await store.loginThrottle.clear([ipKey(ip)], now)) > 0;
}
