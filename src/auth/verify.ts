import type { LimitRule, LoginThrottle } from '../store/login-throttle.js';
import type { PasswordSyncRecords } from '../store/password-sync.js';
import { RateLimitedError } from './hash-gate.js';
import type { KdfPool } from './kdf-pool.js';
import { RateLimiter } from '../agent/wire.js';

/**
 * POST /api/v1/auth/verify (issue 14): does this password open this user? For applications and
 * proxies holding a `verify` token.
 *
 * - The user's newest password counts: a password synced from the directory, or one an
 *   administrator set in idsync (issue 12, user_passwords); an admin-set password is thus overridden
 *   by the next on-premises change, and a synced one does not expire.
 * - A disabled or trashed user always fails; so does a user with no password. Each of these still
 *   costs one KDF run, like a wrong password, so the time does not tell them apart.
 * - Limits: requests per second per client (token), failures per user and per client (counted in the
 *   store, as logins are, before the KDF runs), and the KDF pool's queue (429 + Retry-After).
 */

const MINUTE = 60_000;
export interface VerifyLimits {
  perUser: LimitRule;
  perClient: LimitRule;
  /** Requests per second per client, bursts of 2×. */
  clientRequestsPerSecond: number;
}
export const DEFAULT_VERIFY_LIMITS: VerifyLimits = {
  perUser: { maxFailures: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE },
  perClient: { maxFailures: 500, windowMs: 15 * MINUTE, lockMs: 5 * MINUTE },
  clientRequestsPerSecond: 100,
};

/** An NT-hash verifier of a random password nobody knows, at the default parameters: the work done for a login that has none. */
const NOBODY = '$argon2id$v=19$m=19456,t=2,p=1$JcZ9m6qUq1hK0f2l2l3W8g$w3s7gbe2s5Sx8q2kUS2yKJ2N0uVQ2jvP3N9k2m5m8pY';

export type VerifyOutcome = { ok: true; userId: number; username: string } | { ok: false; why: 'unknown' | 'no-password' | 'inactive' | 'mismatch' };

export class PasswordVerifier {
  readonly #clients = new Map<string, RateLimiter>();

  constructor(
    private readonly store: { passwordSync: PasswordSyncRecords; loginThrottle: LoginThrottle },
    readonly pool: KdfPool,
    readonly limits: VerifyLimits = DEFAULT_VERIFY_LIMITS,
  ) {}

  async verify(login: string, password: string, client: string, now: number): Promise<VerifyOutcome> {
    let bucket = this.#clients.get(client);
    if (!bucket) {
      if (this.#clients.size > 10_000) this.#clients.clear();
      bucket = new RateLimiter(this.limits.clientRequestsPerSecond, this.limits.clientRequestsPerSecond * 2);
      this.#clients.set(client, bucket);
    }
    if (!bucket.take()) throw new RateLimitedError('too many verifications from this client; slow down', 1);
    this.pool.checkRoom();
    const throttle = this.store.loginThrottle;
    const clientKey = `verify-client:${client}`;
    const userKey = `verify-user:${login.toLowerCase()}`;
    const byClient = await throttle.reserve(clientKey, this.limits.perClient, now);
    if (!byClient.admitted) throw new RateLimitedError('too many failed verifications from this client', Math.ceil(byClient.retryAfterMs / 1000));
    const byUser = await throttle.reserve(userKey, this.limits.perUser, now);
    if (!byUser.admitted) {
      await throttle.release(clientKey, byClient.nonce, false);
      throw new RateLimitedError('too many failed verifications for this user; it is locked for a while', Math.ceil(byUser.retryAfterMs / 1000));
    }
    let outcome: VerifyOutcome;
    try {
      outcome = await this.#check(login, password);
    } catch (err) {
      // Not checked (the pool's queue filled meanwhile): not a failure either.
      if (err instanceof RateLimitedError) {
        await throttle.release(clientKey, byClient.nonce, false);
        await throttle.release(userKey, byUser.nonce, false);
      }
      throw err;
    }
    if (outcome.ok) {
      await throttle.release(userKey, byUser.nonce, true);
      await throttle.release(clientKey, byClient.nonce, false);
    }
    return outcome;
  }

  async #check(login: string, password: string): Promise<VerifyOutcome> {
    const creds = await this.store.passwordSync.credentialsFor(login);
    const synced = creds?.synced;
    const local = creds?.local;
    // The newest password wins (ISO timestamps compare as strings).
    const useLocal = local && (!synced || local.setAt > synced.changedAt);
    const verifier = useLocal ? local.verifier : (synced?.verifier ?? NOBODY);
    const matches = await this.pool.verify(password, verifier, !!useLocal);
    if (!creds) return { ok: false, why: 'unknown' };
    if (!synced && !local) return { ok: false, why: 'no-password' };
    if (creds.status !== 'active') return { ok: false, why: 'inactive' };
    return matches ? { ok: true, userId: creds.userId, username: creds.username } : { ok: false, why: 'mismatch' };
  }
}
