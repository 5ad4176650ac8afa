import type { Db } from './db-handle.js';
import type { EnrollmentLinksTable } from './schema.js';
import type { Selectable } from 'kysely';

export type EnrollmentLinkRow = Selectable<EnrollmentLinksTable>;

/** What a send was, for the reminder schedule (issue 15). */
export type EnrollmentSendKind = 'first' | 'reminder' | 'resend';

/**
 * Enrollment links in the store (issue 15): only the token's hash, never the token. Issuing a link
 * closes the user's other open links in the same transaction, so a user has at most one.
 */
export interface EnrollmentLinks {
  /** Records a new link for the user and closes the user's other open links. Returns its id. */
  issue(link: { userId: number; nonce: string; tokenHash: string; expiresAt: Date }, now: Date): Promise<number>;
  byTokenHash(tokenHash: string): Promise<EnrollmentLinkRow | undefined>;
  byId(id: number): Promise<EnrollmentLinkRow | undefined>;
  /** The user's open link (neither used nor closed), expired or not. */
  openFor(userId: number): Promise<EnrollmentLinkRow | undefined>;
  /** Marks the link used; false when it was already used or closed (a second use loses the race). */
  use(id: number, now: Date): Promise<boolean>;
  /** Closes every open link of the user (the user enrolled another way, or was disabled). */
  closeFor(userId: number, now: Date): Promise<number>;
  recordSend(id: number, kind: EnrollmentSendKind, now: Date): Promise<void>;
  /** Open links, oldest first, for the pending list and the reminder pass. */
  listOpen(options?: { limit?: number; afterId?: number }): Promise<EnrollmentLinkRow[]>;
}

export class KyselyEnrollmentLinks implements EnrollmentLinks {
  constructor(private readonly db: Db) {}

  async issue(link: { userId: number; nonce: string; tokenHash: string; expiresAt: Date }, now: Date): Promise<number> {
    const at = now.toISOString();
    // Inside store.transact already, or a transaction of its own: the close and the insert go together.
    const run = <T>(fn: (tx: Db) => Promise<T>) => (this.db.isTransaction ? fn(this.db) : this.db.transaction().execute(fn));
    return run(async (tx) => {
      await tx
        .updateTable('enrollment_links')
        .set({ closed_at: at })
        .where('user_id', '=', link.userId)
        .where('used_at', 'is', null)
        .where('closed_at', 'is', null)
        .execute();
      const row = await tx
        .insertInto('enrollment_links')
        .values({
          user_id: link.userId,
          nonce: link.nonce,
          token_hash: link.tokenHash,
          created_at: at,
          expires_at: link.expiresAt.toISOString(),
          used_at: null,
          closed_at: null,
          first_sent_at: null,
          last_sent_at: null,
          reminders_sent: 0,
          resends: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    });
  }

  async byTokenHash(tokenHash: string): Promise<EnrollmentLinkRow | undefined> {
    return this.db.selectFrom('enrollment_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  async byId(id: number): Promise<EnrollmentLinkRow | undefined> {
    return this.db.selectFrom('enrollment_links').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async openFor(userId: number): Promise<EnrollmentLinkRow | undefined> {
    return this.db
      .selectFrom('enrollment_links')
      .selectAll()
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .where('closed_at', 'is', null)
      .orderBy('id', 'desc')
      .executeTakeFirst();
  }

  async use(id: number, now: Date): Promise<boolean> {
    const result = await this.db
      .updateTable('enrollment_links')
      .set({ used_at: now.toISOString() })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async closeFor(userId: number, now: Date): Promise<number> {
    const result = await this.db
      .updateTable('enrollment_links')
      .set({ closed_at: now.toISOString() })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async recordSend(id: number, kind: EnrollmentSendKind, now: Date): Promise<void> {
    const at = now.toISOString();
    const q = this.db.updateTable('enrollment_links').where('id', '=', id);
    if (kind === 'first') await q.set({ first_sent_at: at, last_sent_at: at }).execute();
    else if (kind === 'reminder') await q.set((eb) => ({ last_sent_at: at, reminders_sent: eb('reminders_sent', '+', 1) })).execute();
    else await q.set((eb) => ({ last_sent_at: at, resends: eb('resends', '+', 1) })).execute();
  }

  async listOpen(options: { limit?: number; afterId?: number } = {}): Promise<EnrollmentLinkRow[]> {
    let q = this.db
      .selectFrom('enrollment_links')
      .selectAll()
      .where('used_at', 'is', null)
      .where('closed_at', 'is', null)
      .orderBy('id', 'asc')
      .limit(options.limit ?? 1000);
    if (options.afterId !== undefined) q = q.where('id', '>', options.afterId);
    return q.execute();
  }
}
