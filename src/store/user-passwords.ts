import type { Db } from './db-handle.js';

/**
 * A local user's password (issue 12): only its argon2id verifier, a PHC string that carries its
 * salt and parameters (src/auth/passwords.ts makes it). The clear password never reaches this table.
 */
export interface UserPasswords {
  /** Sets or replaces the verifier. */
  set(userId: number, verifier: string, now: Date): Promise<void>;
  verifierOf(userId: number): Promise<string | undefined>;
  has(userId: number): Promise<boolean>;
  /** When it was last set, or undefined when the user has none. */
  setAt(userId: number): Promise<string | undefined>;
}

export class KyselyUserPasswords implements UserPasswords {
  constructor(private readonly db: Db) {}

  async set(userId: number, verifier: string, now: Date): Promise<void> {
    if (!verifier.startsWith('$argon2id$')) throw new Error('user_passwords holds argon2id verifiers only');
    const setAt = now.toISOString();
    await this.db
      .insertInto('user_passwords')
      .values({ user_id: userId, verifier, set_at: setAt })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ verifier, set_at: setAt }))
      .execute();
  }

  async verifierOf(userId: number): Promise<string | undefined> {
    return (await this.db.selectFrom('user_passwords').select('verifier').where('user_id', '=', userId).executeTakeFirst())?.verifier;
  }

  async has(userId: number): Promise<boolean> {
    return (await this.setAt(userId)) !== undefined;
  }

  async setAt(userId: number): Promise<string | undefined> {
    return (await this.db.selectFrom('user_passwords').select('set_at').where('user_id', '=', userId).executeTakeFirst())?.set_at;
  }
}
