import { randomBytes } from 'node:crypto';
import type { RegistrationResponseJSON, PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { RateLimiter } from '../agent/wire.js';
import { RateLimitedError } from '../auth/hash-gate.js';
import { DEFAULT_SECOND_FACTOR, type IdsyncConfig } from '../config/load.js';
import type { SecretBox } from '../directories/secret-box.js';
import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { LimitRule } from '../store/login-throttle.js';
import type { FactorUser } from '../store/second-factor.js';
import { hashRecoveryCode, newRecoveryCodes } from '../second-factor/recovery-codes.js';
import { newTotpSecret, totpSetup, totpStep, type TotpSetup } from '../second-factor/totp.js';
import { registrationOptions, relyingParty, verifyRegistration } from '../second-factor/webauthn.js';
import { openLink } from './links.js';

/**
 * What the enrollment page asks of idsync (issue 15, "The enrollment page"), each call authorised
 * by the link's token, never by an admin session. The user enrols a TOTP (a QR code and the secret,
 * confirmed by a current code) or a passkey / security key (WebAuthn), as many as they like, and
 * ends with recovery codes, shown once, which marks the link used.
 *
 * Limits: per client, requests per second and failed link openings (a guessed token); per link,
 * failed confirmations (a wrong code, a refused passkey). Both counted in the store, before the
 * check, as logins are (src/store/login-throttle.ts).
 */
const MINUTE = 60_000;
export const ENROLL_LIMITS = {
  perClient: { maxFailures: 20, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } satisfies LimitRule,
  perLink: { maxFailures: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE } satisfies LimitRule,
  clientRequestsPerSecond: 10,
};
/** A TOTP or passkey being set up must be confirmed within this. */
const PENDING_MS = 15 * MINUTE;

export interface EnrolledView {
  id: number;
  kind: 'totp' | 'webauthn';
  label: string;
  createdAt: string;
}

interface Opened {
  linkId: number;
  user: FactorUser;
}

export class EnrollmentFlow {
  readonly #clients = new Map<string, RateLimiter>();

  constructor(
    private readonly store: Store,
    private readonly config: IdsyncConfig,
    private readonly box: () => SecretBox,
    private readonly limits = ENROLL_LIMITS,
  ) {}

  /** The link the token names and its user, or ENROLLMENT_LINK_INVALID; counted against the client. */
  async open(token: string, client: string, now: Date): Promise<Opened> {
    let bucket = this.#clients.get(client);
    if (!bucket) {
      if (this.#clients.size > 10_000) this.#clients.clear();
      bucket = new RateLimiter(this.limits.clientRequestsPerSecond, this.limits.clientRequestsPerSecond * 2);
      this.#clients.set(client, bucket);
    }
    if (!bucket.take()) throw new RateLimitedError('too many requests; slow down', 1);
    const throttle = this.store.loginThrottle;
    const key = `enroll-client:${client}`;
    const r = await throttle.reserve(key, this.limits.perClient, now.getTime());
    if (!r.admitted) throw new RateLimitedError('too many invalid enrollment links from this address', Math.ceil(r.retryAfterMs / 1000));
    const opened = await openLink(this.store, token, now);
    const user = opened.ok ? await this.store.secondFactor.userById(opened.link.user_id) : undefined;
    if (!opened.ok || !user) {
      const why = opened.ok
        ? 'this enrollment link is not valid'
        : {
            unknown: 'this enrollment link is not valid',
            expired: 'this enrollment link has expired; a new one will be sent',
            used: 'this enrollment link has been used already',
            closed: 'this enrollment link was replaced by a newer one; use the link in the latest email',
          }[opened.reason];
      throw new IdsyncError('ENROLLMENT_LINK_INVALID', why);
    }
    await throttle.release(key, r.nonce, false);
    if (user.status !== 'active') throw new IdsyncError('ENROLLMENT_LINK_INVALID', 'this account is not active; ask your administrator');
    return { linkId: opened.link.id, user };
  }

  async summary(o: Opened, now: Date) {
    const link = await this.store.enrollmentLinks.byId(o.linkId);
    return {
      username: o.user.username,
      fullName: o.user.fullName,
      linkExpiresAt: link?.expires_at ?? now.toISOString(),
      authenticators: await this.enrolled(o.user.id),
      passkeys: !!this.config.api.publicUrl,
    };
  }

  async enrolled(userId: number): Promise<EnrolledView[]> {
    return (await this.store.authenticators.listFor(userId)).map((a) => ({ id: a.id, kind: a.kind, label: a.label, createdAt: a.created_at }));
  }

  /** A new TOTP secret for the user to scan; kept sealed until a code confirms it. */
  async beginTotp(o: Opened, now: Date): Promise<TotpSetup & { pendingId: string }> {
    const secret = newTotpSecret();
    const pendingId = randomBytes(16).toString('base64url');
    await this.store.secondFactor.createChallenge(
      { id: pendingId, userId: o.user.id, purpose: 'totp-enroll', value: this.box().seal(secret), expiresAt: new Date(now.getTime() + PENDING_MS) },
      now,
    );
    const issuer = (this.config.secondFactor ?? DEFAULT_SECOND_FACTOR).issuer;
    return { pendingId, ...(await totpSetup(secret, issuer, o.user.username)) };
  }

  async confirmTotp(o: Opened, pendingId: string, code: string, label: string | undefined, now: Date): Promise<EnrolledView> {
    return this.#limited(o, now, async () => {
      const pending = await this.store.secondFactor.challenge(pendingId, 'totp-enroll', now);
      if (!pending || pending.userId !== o.user.id) throw rejected('this setup has expired; start again');
      const step = totpStep(this.box().open(pending.value, 'a TOTP secret being enrolled'), code.replace(/\s/g, ''), now.getTime());
      if (step === undefined) throw rejected('that code is not right; enter the code the app shows now');
      if (!(await this.store.secondFactor.takeChallenge(pendingId, 'totp-enroll', now))) throw rejected('this setup has been confirmed already');
      const id = await this.store.authenticators.add(
        { userId: o.user.id, kind: 'totp', label: cleanLabel(label, 'Authenticator app'), sealedSecret: pending.value },
        now,
      );
      // The code that confirmed it does not verify a login later.
      await this.store.authenticators.acceptTotpStep(id, step, now);
      return this.#view(id);
    });
  }

  async webauthnOptions(o: Opened, now: Date): Promise<{ pendingId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    const rp = this.#rp();
    const options = await registrationOptions(rp, o.user, await this.store.authenticators.listFor(o.user.id));
    const pendingId = randomBytes(16).toString('base64url');
    await this.store.secondFactor.createChallenge(
      { id: pendingId, userId: o.user.id, purpose: 'webauthn-register', value: options.challenge, expiresAt: new Date(now.getTime() + PENDING_MS) },
      now,
    );
    return { pendingId, options };
  }

  async webauthnRegister(o: Opened, pendingId: string, response: RegistrationResponseJSON, label: string | undefined, now: Date): Promise<EnrolledView> {
    return this.#limited(o, now, async () => {
      const pending = await this.store.secondFactor.takeChallenge(pendingId, 'webauthn-register', now);
      if (!pending || pending.userId !== o.user.id) throw rejected('this setup has expired; start again');
      const credential = await verifyRegistration(this.#rp(), response, pending.value);
      if (!credential) throw rejected('the passkey could not be verified; try again');
      if (await this.store.authenticators.byCredentialId(credential.credentialId)) throw rejected('this passkey is enrolled already');
      const id = await this.store.authenticators.add({ userId: o.user.id, kind: 'webauthn', label: cleanLabel(label, 'Passkey'), ...credential }, now);
      return this.#view(id);
    });
  }

  /** The recovery codes, once: the old ones stop working, and the link is used. */
  async finish(o: Opened, now: Date): Promise<string[]> {
    if ((await this.store.authenticators.countFor(o.user.id)) === 0) {
      throw new IdsyncError('ENROLLMENT_INCOMPLETE', 'enrol an authenticator app or a passkey first');
    }
    const codes = newRecoveryCodes();
    const hashes = codes.map((c) => hashRecoveryCode(this.box(), o.user.id, c));
    await this.store.transact(async (q) => {
      if (!(await q.enrollmentLinks.use(o.linkId, now))) throw new IdsyncError('ENROLLMENT_LINK_INVALID', 'this enrollment link has been used already');
      await q.secondFactor.replaceRecoveryCodes(o.user.id, hashes, now);
    });
    return codes;
  }

  async #view(id: number): Promise<EnrolledView> {
    const a = (await this.store.authenticators.byId(id))!;
    return { id: a.id, kind: a.kind, label: a.label, createdAt: a.created_at };
  }

  #rp() {
    if (!this.config.api.publicUrl) throw new IdsyncError('ENROLLMENT_INCOMPLETE', 'passkeys need api.publicUrl to be set; use an authenticator app');
    return relyingParty(this.config.api.publicUrl, (this.config.secondFactor ?? DEFAULT_SECOND_FACTOR).issuer);
  }

  /** A confirmation counted against the link before it is checked, and forgiven when it succeeds. */
  async #limited<T>(o: Opened, now: Date, fn: () => Promise<T>): Promise<T> {
    const throttle = this.store.loginThrottle;
    const key = `enroll-link:${o.linkId}`;
    const r = await throttle.reserve(key, this.limits.perLink, now.getTime());
    if (!r.admitted) throw new RateLimitedError('too many failed attempts with this link; wait a while', Math.ceil(r.retryAfterMs / 1000));
    const out = await fn();
    await throttle.release(key, r.nonce, false);
    return out;
  }
}

function rejected(message: string): IdsyncError {
  return new IdsyncError('ENROLLMENT_FACTOR_REJECTED', message);
}

function cleanLabel(label: string | undefined, fallback: string): string {
  const l = (label ?? '').replace(/\s+/g, ' ').trim().slice(0, 64);
  return l || fallback;
}
