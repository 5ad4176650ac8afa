import type { Selectable } from 'kysely';
import type { Db } from './db-handle.js';
import type { ApiTokensTable } from './schema.js';

export type TokenRow = Selectable<ApiTokensTable>;

/** An admin (by session) or another token. */
export interface TokenOwner {
  kind: 'admin' | 'token';
  id: number;
}

/**
 * API tokens, by the SHA-256 of the token. Revoked tokens stay, with their revocation time, so the
 * list and the audit log keep their history.
 */
export interface ApiTokens {
  insert(
    t: { name: string; role: string; tokenHash: string; createdBy: (TokenOwner & { name: string }) | null; expiresAt: string | null },
    now: Date,
  ): Promise<TokenRow>;
  findByHash(tokenHash: string): Promise<TokenRow | undefined>;
  findById(id: number): Promise<TokenRow | undefined>;
  /** By id, oldest first. */
  list(): Promise<TokenRow[]>;
  /** Records a use of the token. */
  touch(id: number, now: Date): Promise<void>;
  /** Revokes the token unless it already is; returns whether it was live. */
  revoke(id: number, now: Date): Promise<boolean>;
  /**
   * Revokes every live token `owner` created, the live tokens those created, and so on down.
   * Returns the ids revoked, nearest first.
   */
  revokeCreatedBy(owner: TokenOwner, now: Date): Promise<number[]>;
}

export class KyselyApiTokens implements ApiTokens {
  constructor(private readonly db: Db) {}

  insert(
    t: { name: string; role: string; tokenHash: string; createdBy: (TokenOwner & { name: string }) | null; expiresAt: string | null },
    now: Date,
  ): Promise<TokenRow> {
    return this.db
      .insertInto('api_tokens')
      .values({
        name: t.name,
        role: t.role,
        token_hash: t.tokenHash,
        created_by: t.createdBy?.name ?? null,
        created_by_admin_id: t.createdBy?.kind === 'admin' ? t.createdBy.id : null,
        created_by_token_id: t.createdBy?.kind === 'token' ? t.createdBy.id : null,
        created_at: now.toISOString(),
        last_used_at: null,
        expires_at: t.expiresAt,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  findByHash(tokenHash: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  findById(id: number): Promise<TokenRow | undefined> {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(): Promise<TokenRow[]> {
    return this.db.selectFrom('api_tokens').selectAll().orderBy('id').execute();
  }

  async touch(id: number, now: Date): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', id).execute();
  }

  async revoke(id: number, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now.toISOString() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeCreatedBy(owner: TokenOwner, now: Date): Promise<number[]> {
    const revoked: number[] = [];
    let frontier = await this.db
      .selectFrom('api_tokens')
      .select('id')
      .where(owner.kind === 'admin' ? 'created_by_admin_id' : 'created_by_token_id', '=', owner.id)
      .where('revoked_at', 'is', null)
      .execute();
    while (frontier.length) {
      const ids = frontier.map((r) => r.id);
      await this.db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
      revoked.push(...ids);
      frontier = await this.db.selectFrom('api_tokens').select('id').where('created_by_token_id', 'in', ids).where('revoked_at', 'is', null).execute();
    }
    return revoked;
  }
}
