import { IdsyncError } from '../errors.js';

/** A 429 that says when to try again (the API sends it as Retry-After). */
export class RateLimitedError extends IdsyncError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
  }
}

export interface LimitRule {
  /** Failures allowed within `windowMs`; one more locks the key. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

interface Entry {
  failures: number[];
  lockedUntil: number;
}

/**
 * Failed-attempt counter with lockout, in memory: counters start again when idsync restarts,
 * which an attacker cannot cause from outside, and the store is spared a write per attempt.
 * The map is bounded: past `maxKeys`, entries with nothing recent are dropped first.
 */
export class FailureLimiter {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly rule: LimitRule,
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until `key` may try again, or 0. */
  lockedFor(key: string, now: number): number {
    const e = this.#entries.get(key);
    return e && e.lockedUntil > now ? e.lockedUntil - now : 0;
  }

  fail(key: string, now: number): void {
    const e = this.#entries.get(key) ?? { failures: [], lockedUntil: 0 };
    e.failures = e.failures.filter((t) => t > now - this.rule.windowMs);
    e.failures.push(now);
    if (e.failures.length >= this.rule.maxFailures) {
      e.lockedUntil = now + this.rule.lockMs;
      e.failures = [];
    }
    this.#entries.delete(key);
    this.#entries.set(key, e);
    if (this.#entries.size > this.maxKeys) this.#prune(now);
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  #prune(now: number): void {
    for (const [k, e] of this.#entries) {
      if (e.lockedUntil <= now && !e.failures.some((t) => t > now - this.rule.windowMs)) this.#entries.delete(k);
    }
    // Still too many (a flood of distinct keys): drop the oldest-touched first (maps iterate in
    // insertion order), unlocked ones before locked ones, so a flood does not lift a lockout.
    for (const lockedToo of [false, true]) {
      for (const [k, e] of this.#entries) {
        if (this.#entries.size <= this.maxKeys) return;
        if (lockedToo || e.lockedUntil <= now) this.#entries.delete(k);
      }
    }
  }
}

export interface LoginLimits {
  perUsername: LimitRule;
  perIp: LimitRule;
}

const MINUTE = 60_000;
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUsername: { maxFailures: 5, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  perIp: { maxFailures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
};

/**
 * Login throttling: 5 failures for one username within 15 minutes lock that username for 15
 * minutes, and 20 failures from one address lock the address, whatever the usernames. The check
 * runs before the password is hashed, so a flood costs no argon2 time.
 */
export class LoginLimiter {
  readonly byUser: FailureLimiter;
  readonly byIp: FailureLimiter;

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.byUser = new FailureLimiter(limits.perUsername);
    this.byIp = new FailureLimiter(limits.perIp);
  }

  check(username: string, ip: string, now: number): void {
    const ipWait = this.byIp.lockedFor(ip, now);
    if (ipWait) throw new RateLimitedError('too many failed logins from this address; try again later', Math.ceil(ipWait / 1000));
    const userWait = this.byUser.lockedFor(username.toLowerCase(), now);
    if (userWait) throw new RateLimitedError('too many failed logins for this username; it is locked for a while', Math.ceil(userWait / 1000));
  }

  failed(username: string, ip: string, now: number): void {
    this.byUser.fail(username.toLowerCase(), now);
    this.byIp.fail(ip, now);
  }

  succeeded(username: string): void {
    this.byUser.reset(username.toLowerCase());
  }
}
