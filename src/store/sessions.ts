import type { Selectable } from 'kysely';
import type { Db } from './db-handle.js';
import type { SessionsTable } from './schema.js';

export type SessionRow = Selectable<SessionsTable>;

/**
 * Panel sessions, keyed by the SHA-256 of the cookie's value. When a session ends (idle and
 * absolute limits) is src/auth/sessions.ts's policy; this is storage.
 */
export interface Sessions {
  insert(s: { idHash: string; adminId: number; csrfHash: string; expiresAt: string; ip: string | null; userAgent: string | null }, now: Date): Promise<void>;
  find(idHash: string): Promise<SessionRow | undefined>;
  /** Records a request of the session. */
  touch(idHash: string, now: Date): Promise<void>;
  remove(idHash: string): Promise<void>;
  /** Every session of the admin, but `keepIdHash` when given. */
  removeForAdmin(adminId: number, keepIdHash?: string): Promise<void>;
  /** Sessions past their absolute limit. */
  removeExpired(now: Date): Promise<void>;
}

export class KyselySessions implements Sessions {
  constructor(private readonly db: Db) {}

  async insert(
    s: { idHash: string; adminId: number; csrfHash: string; expiresAt: string; ip: string | null; userAgent: string | null },
    now: Date,
  ): Promise<void> {
    const ts = now.toISOString();
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        admin_id: s.adminId,
        csrf_hash: s.csrfHash,
        created_at: ts,
        last_seen_at: ts,
        expires_at: s.expiresAt,
        ip: s.ip,
        user_agent: s.userAgent,
      })
      .execute();
  }

  find(idHash: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
  }

  async touch(idHash: string, now: Date): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id_hash', '=', idHash).execute();
  }

  async remove(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
  }

  async removeForAdmin(adminId: number, keepIdHash?: string): Promise<void> {
    let q = this.db.deleteFrom('sessions').where('admin_id', '=', adminId);
    if (keepIdHash) q = q.where('id_hash', '!=', keepIdHash);
    await q.execute();
  }

  async removeExpired(now: Date): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
  }
}
