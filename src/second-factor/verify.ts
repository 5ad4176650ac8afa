import { randomBytes } from 'node:crypto';
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { RateLimiter } from '../agent/wire.js';
import { RateLimitedError } from '../auth/hash-gate.js';
import { DEFAULT_SECOND_FACTOR, type SecondFactorConfig } from '../config/load.js';
import type { SecretBox } from '../directories/secret-box.js';
import type { Store } from '../store/db.js';
import type { FactorUser } from '../store/second-factor.js';
import { hashRecoveryCode } from './recovery-codes.js';
import { totpStep } from './totp.js';
import { authenticationOptions, relyingParty, verifyAssertion } from './webauthn.js';

/**
 * The second factor of POST /api/v1/auth/verify (issue 15), with Duo's statuses:
 *
 * 1. a user who is not active in the store (disabled or trashed by their directory) → deny `disabled`;
 * 2. a member of a disabled group → deny `disabled_by_group`, whatever their own status ("Disabled
 *    wins over bypass");
 * 3. the user's own status: disabled → deny `disabled`; locked out (and not expired) → deny `locked_out`;
 * 4. bypass (the user's own, or any of their groups') → allow `bypass`, without a factor;
 * 5. no authenticator and no recovery code → deny `not_enrolled`;
 * 6. the factor: a TOTP code (each of the user's TOTP authenticators; a code's time step is accepted
 *    once: `replayed_code` the second time), a recovery code (once), or a WebAuthn assertion on a
 *    challenge handed out by `webauthnChallenge`. Wrong → `bad_code`. No factor given → deny
 *    `factor_required`, with the kinds the user has.
 *
 * Wrong and replayed codes count towards the lockout (`secondFactor.maxFailures`); a success starts
 * the count again. The caller audits the decision; nothing here returns or logs a code or secret.
 */
export type FactorInput =
  | { type: 'none' }
  | { type: 'totp'; code: string }
  | { type: 'recovery'; code: string }
  | { type: 'webauthn'; challengeId: string; response: AuthenticationResponseJSON };

export const ALLOW_REASONS = ['bypass', 'verified'] as const;
export const DENY_REASONS = [
  'unknown_user',
  'disabled',
  'disabled_by_group',
  'locked_out',
  'not_enrolled',
  'factor_required',
  'bad_code',
  'replayed_code',
] as const;
export type FactorReason = (typeof ALLOW_REASONS)[number] | (typeof DENY_REASONS)[number];
export type FactorMethod = 'totp' | 'recovery' | 'webauthn';

export interface FactorDecision {
  decision: 'allow' | 'deny';
  reason: FactorReason;
  user: { id: number; username: string } | null;
  /** The factor that was checked, when one was. */
  method?: FactorMethod;
  /** With `factor_required`: what the user can present. */
  factors?: FactorMethod[];
}

/** A WebAuthn challenge lives this long (the browser's own timeout is 2 minutes). */
const CHALLENGE_MS = 5 * 60_000;

export class SecondFactorVerifier {
  readonly #clients = new Map<string, RateLimiter>();
  readonly config: SecondFactorConfig;

  constructor(
    private readonly store: Store,
    private readonly box: () => SecretBox,
    private readonly publicUrl: string | undefined,
    config: SecondFactorConfig | undefined,
    private readonly clientRequestsPerSecond = 100,
  ) {
    this.config = config ?? DEFAULT_SECOND_FACTOR;
  }

  /** Requests per second per client (token), bursts of 2×, as the password path has them. */
  admit(client: string): void {
    let bucket = this.#clients.get(client);
    if (!bucket) {
      if (this.#clients.size > 10_000) this.#clients.clear();
      bucket = new RateLimiter(this.clientRequestsPerSecond, this.clientRequestsPerSecond * 2);
      this.#clients.set(client, bucket);
    }
    if (!bucket.take()) throw new RateLimitedError('too many verifications from this client; slow down', 1);
  }

  async verify(login: string, factor: FactorInput, now: Date): Promise<FactorDecision> {
    const user = await this.store.secondFactor.userByLogin(login);
    return this.verifyUser(user, factor, now);
  }

  async verifyUser(user: FactorUser | undefined, factor: FactorInput, now: Date): Promise<FactorDecision> {
    if (!user) return { decision: 'deny', reason: 'unknown_user', user: null };
    const who = { id: user.id, username: user.username };
    const deny = (reason: FactorReason, extra: Partial<FactorDecision> = {}): FactorDecision => ({ decision: 'deny', reason, user: who, ...extra });
    const eff = await effectiveStatus(this.store, user, now);
    // A lockout that has expired is lifted (and its failures forgotten) on the next attempt.
    if (eff.expiredLockout) await this.store.secondFactor.setUserStatus(user.id, 'active', null, now);
    if (eff.status !== 'active' && eff.status !== 'bypass') return deny(eff.status);
    if (eff.status === 'bypass') return { decision: 'allow', reason: 'bypass', user: who };

    const sf = this.store.secondFactor;
    const authenticators = await this.store.authenticators.listFor(user.id);
    // Recovery codes are counted only when they matter (one query less on the common TOTP path).
    const needRecovery = !authenticators.length || factor.type === 'none';
    const recoveryLeft = needRecovery ? await sf.recoveryCodesLeft(user.id) : 0;
    if (!authenticators.length && !recoveryLeft) return deny('not_enrolled');
    if (factor.type === 'none') {
      const factors = new Set<FactorMethod>(authenticators.map((a) => a.kind as FactorMethod));
      if (recoveryLeft) factors.add('recovery');
      return deny('factor_required', { factors: [...factors].sort() });
    }

    const outcome = await this.#check(user.id, authenticators, factor, now);
    if (outcome === 'verified') {
      if (eff.failures > 0 && !eff.expiredLockout) await sf.clearFailures(user.id);
      return { decision: 'allow', reason: 'verified', user: who, method: factor.type };
    }
    const minutes = this.config.lockoutMinutes;
    await sf.recordFailure(user.id, this.config.maxFailures, minutes ? new Date(now.getTime() + minutes * 60_000) : null, now);
    return deny(outcome, { method: factor.type });
  }

  async #check(
    userId: number,
    authenticators: Awaited<ReturnType<Store['authenticators']['listFor']>>,
    factor: Exclude<FactorInput, { type: 'none' }>,
    now: Date,
  ): Promise<'verified' | 'bad_code' | 'replayed_code'> {
    if (factor.type === 'recovery') {
      return (await this.store.secondFactor.useRecoveryCode(userId, hashRecoveryCode(this.box(), userId, factor.code), now)) ? 'verified' : 'bad_code';
    }
    if (factor.type === 'totp') {
      const code = factor.code.replace(/\s/g, '');
      for (const a of authenticators.filter((x) => x.kind === 'totp' && x.secret)) {
        const step = totpStep(this.box().open(a.secret!, 'a TOTP secret'), code, now.getTime());
        if (step === undefined) continue;
        return (await this.store.authenticators.acceptTotpStep(a.id, step, now)) ? 'verified' : 'replayed_code';
      }
      return 'bad_code';
    }
    const challenge = await this.store.secondFactor.takeChallenge(factor.challengeId, 'webauthn-verify', now);
    if (!challenge || challenge.userId !== userId) return 'bad_code';
    const key = authenticators.find((a) => a.kind === 'webauthn' && a.credential_id === factor.response.id);
    if (!key) return 'bad_code';
    const counter = await verifyAssertion(relyingParty(this.publicUrl, this.config.issuer), factor.response, challenge.value, key);
    if (counter === undefined) return 'bad_code';
    // A counter that did not grow is a cloned key's signature, or this assertion again.
    return (await this.store.authenticators.acceptSignCount(key.id, counter, now)) ? 'verified' : 'replayed_code';
  }

  /** A WebAuthn challenge for the user's keys, single use; undefined when the user has none (or is unknown). */
  async webauthnChallenge(login: string, now: Date): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON } | undefined> {
    const user = await this.store.secondFactor.userByLogin(login);
    if (!user) return undefined;
    const keys = (await this.store.authenticators.listFor(user.id)).filter((a) => a.kind === 'webauthn');
    if (!keys.length) return undefined;
    const options = await authenticationOptions(relyingParty(this.publicUrl, this.config.issuer), keys);
    const challengeId = randomBytes(16).toString('base64url');
    await this.store.secondFactor.createChallenge(
      { id: challengeId, userId: user.id, purpose: 'webauthn-verify', value: options.challenge, expiresAt: new Date(now.getTime() + CHALLENGE_MS) },
      now,
    );
    return { challengeId, options };
  }
}

export type EffectiveStatus = 'active' | 'bypass' | 'disabled' | 'disabled_by_group' | 'locked_out';

/** The user's effective status: the store's, their groups' and their own, in the order of the comment above. */
export async function effectiveStatus(
  store: Store,
  user: FactorUser,
  now: Date,
): Promise<{ status: EffectiveStatus; expiredLockout: boolean; failures: number }> {
  if (user.status !== 'active') return { status: 'disabled', expiredLockout: false, failures: 0 };
  const sf = store.secondFactor;
  const groups = await sf.groupStatusesOf(user.id);
  if (groups.includes('disabled')) return { status: 'disabled_by_group', expiredLockout: false, failures: 0 };
  const own = await sf.userState(user.id);
  const failures = own.failures;
  if (own.status === 'disabled') return { status: 'disabled', expiredLockout: false, failures };
  const expiredLockout = own.status === 'locked_out' && !!own.lockedUntil && Date.parse(own.lockedUntil) <= now.getTime();
  if (own.status === 'locked_out' && !expiredLockout) return { status: 'locked_out', expiredLockout, failures };
  if (own.status === 'bypass' || groups.includes('bypass')) return { status: 'bypass', expiredLockout, failures };
  return { status: 'active', expiredLockout, failures };
}
