import type { Selectable } from 'kysely';
import { countOf, type Db } from './db-handle.js';
import type { AuthenticatorsTable } from './schema.js';

export type AuthenticatorRow = Selectable<AuthenticatorsTable>;

export type NewAuthenticator =
  | { userId: number; kind: 'totp'; label: string; sealedSecret: string }
  | { userId: number; kind: 'webauthn'; label: string; credentialId: string; publicKey: string; signCount: number; transports: string[] };

/**
 * A user's second factors (issue 15). The TOTP secret arrives sealed with the store's secrets key
 * and is stored as it is: this module never sees it in clear.
 */
export interface Authenticators {
  add(a: NewAuthenticator, now: Date): Promise<number>;
  listFor(userId: number): Promise<AuthenticatorRow[]>;
  countFor(userId: number): Promise<number>;
  byId(id: number): Promise<AuthenticatorRow | undefined>;
  byCredentialId(credentialId: string): Promise<AuthenticatorRow | undefined>;
  /** Removes one of the user's authenticators; false when it was not theirs or not there. */
  remove(userId: number, id: number): Promise<boolean>;
  /**
   * Accepts a TOTP code's time step once: true only when `step` is later than the last accepted
   * step, in one conditional update, so two requests with the same code cannot both pass
   * (issue 15: "A TOTP code already used in its time step is refused").
   */
  acceptTotpStep(id: number, step: number, now: Date): Promise<boolean>;
  /** Records a WebAuthn assertion's counter; false when it did not grow (a cloned key) unless both are 0. */
  acceptSignCount(id: number, signCount: number, now: Date): Promise<boolean>;
}

export class KyselyAuthenticators implements Authenticators {
  constructor(private readonly db: Db) {}

  async add(a: NewAuthenticator, now: Date): Promise<number> {
    const base = { user_id: a.userId, kind: a.kind, label: a.label, created_at: now.toISOString(), last_used_at: null };
    const values =
      a.kind === 'totp'
        ? { ...base, secret: a.sealedSecret, last_step: null, credential_id: null, public_key: null, sign_count: null, transports: null }
        : {
            ...base,
            secret: null,
            last_step: null,
            credential_id: a.credentialId,
            public_key: a.publicKey,
            sign_count: a.signCount,
            transports: JSON.stringify(a.transports),
          };
    return (await this.db.insertInto('authenticators').values(values).returning('id').executeTakeFirstOrThrow()).id;
  }

  async listFor(userId: number): Promise<AuthenticatorRow[]> {
    return this.db.selectFrom('authenticators').selectAll().where('user_id', '=', userId).orderBy('id').execute();
  }

  async countFor(userId: number): Promise<number> {
    return countOf(
      await this.db
        .selectFrom('authenticators')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    );
  }

  async byId(id: number): Promise<AuthenticatorRow | undefined> {
    return this.db.selectFrom('authenticators').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async byCredentialId(credentialId: string): Promise<AuthenticatorRow | undefined> {
    return this.db.selectFrom('authenticators').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  }

  async remove(userId: number, id: number): Promise<boolean> {
    const r = await this.db.deleteFrom('authenticators').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  async acceptTotpStep(id: number, step: number, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('authenticators')
      .set({ last_step: step, last_used_at: now.toISOString() })
      .where('id', '=', id)
      .where('kind', '=', 'totp')
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async acceptSignCount(id: number, signCount: number, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('authenticators')
      .set({ sign_count: signCount, last_used_at: now.toISOString() })
      .where('id', '=', id)
      .where('kind', '=', 'webauthn')
      // WebAuthn §6.1.1: a counter of 0 on both sides means the authenticator keeps none.
      .where('sign_count', signCount === 0 ? '=' : '<', signCount)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
