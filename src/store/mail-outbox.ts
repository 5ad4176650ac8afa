import type { Selectable } from 'kysely';
import { countOf, type Db, type Page } from './db-handle.js';
import type { MailOutboxTable } from './schema.js';

export type MailRow = Selectable<MailOutboxTable>;
export type MailState = MailOutboxTable['state'];

export type NewMail =
  | { kind: 'enrollment'; template: 'first' | 'reminder' | 'resend'; linkId: number; userId: number; recipient: string; dedupeKey?: string }
  | {
      kind: 'alert' | 'test';
      channel: 'email' | 'webhook';
      event?: string;
      recipient: string;
      subject: string;
      text: string;
      html?: string;
      dedupeKey?: string;
    };

/**
 * The mail outbox (issue 15, "Every email goes through a persistent outbox in the store, with
 * retries and a per-message state"). One sender drains it (src/mail/sender.ts, under the `mail`
 * lease), so rows are not claimed: the due ones are read, sent, and marked one by one.
 */
export interface MailOutbox {
  /** Queues a message, due now; undefined when a row with the same dedupe key exists (an alert already raised, a first email already queued). */
  enqueue(mail: NewMail, now: Date): Promise<number | undefined>;
  /** Pending rows due at `now` on these channels, oldest first. */
  due(now: Date, limit: number, channels?: readonly MailRow['channel'][]): Promise<MailRow[]>;
  byId(id: number): Promise<MailRow | undefined>;
  markSent(id: number, recipient: string, now: Date): Promise<void>;
  /** A failed attempt: the error, and when to try again (`next` undefined: given up, state `failed`). */
  markFailed(id: number, error: string, now: Date, next: Date | undefined): Promise<MailRow | undefined>;
  /** Not to be sent after all (the link was used or replaced, the user enrolled or left). */
  cancel(id: number, reason: string, now: Date): Promise<void>;
  /** A failed or pending message due again now (an administrator's retry). False when it was sent or cancelled. */
  retry(id: number, now: Date): Promise<boolean>;
  /** Records that the "delivery keeps failing" alert was raised for this row. */
  markAlerted(id: number): Promise<void>;
  /** Whether the link has a first, reminder or resend email waiting. */
  pendingForLink(linkId: number): Promise<boolean>;
  list(options: { state?: MailState; kind?: MailRow['kind']; limit: number; offset: number }): Promise<Page<MailRow>>;
  counts(): Promise<Record<MailState, number>>;
  /** Removes sent and cancelled rows older than `before` (they are history only). */
  purge(before: Date): Promise<number>;
}

export class KyselyMailOutbox implements MailOutbox {
  constructor(private readonly db: Db) {}

  async enqueue(mail: NewMail, now: Date): Promise<number | undefined> {
    const at = now.toISOString();
    const common = {
      recipient: mail.recipient,
      dedupe_key: mail.dedupeKey ?? null,
      state: 'pending' as const,
      attempts: 0,
      next_attempt_at: at,
      last_attempt_at: null,
      last_error: null,
      alerted: 0,
      created_at: at,
      sent_at: null,
    };
    const values =
      mail.kind === 'enrollment'
        ? {
            ...common,
            kind: mail.kind,
            channel: 'email' as const,
            template: mail.template,
            link_id: mail.linkId,
            user_id: mail.userId,
            event: null,
            subject: null,
            text_body: null,
            html_body: null,
          }
        : {
            ...common,
            kind: mail.kind,
            channel: mail.channel,
            template: null,
            link_id: null,
            user_id: null,
            event: mail.event ?? null,
            subject: mail.subject,
            text_body: mail.text,
            html_body: mail.html ?? null,
          };
    const row = await this.db
      .insertInto('mail_outbox')
      .values(values)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return row?.id;
  }

  async due(now: Date, limit: number, channels: readonly MailRow['channel'][] = ['email', 'webhook']): Promise<MailRow[]> {
    if (!channels.length) return [];
    return this.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('state', '=', 'pending')
      .where('channel', 'in', channels)
      .where('next_attempt_at', '<=', now.toISOString())
      .orderBy('id', 'asc')
      .limit(limit)
      .execute();
  }

  async byId(id: number): Promise<MailRow | undefined> {
    return this.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async markSent(id: number, recipient: string, now: Date): Promise<void> {
    const at = now.toISOString();
    await this.db
      .updateTable('mail_outbox')
      .set((eb) => ({ state: 'sent', recipient, sent_at: at, last_attempt_at: at, attempts: eb('attempts', '+', 1), last_error: null }))
      .where('id', '=', id)
      .execute();
  }

  async markFailed(id: number, error: string, now: Date, next: Date | undefined): Promise<MailRow | undefined> {
    const at = now.toISOString();
    await this.db
      .updateTable('mail_outbox')
      .set((eb) => ({
        state: next ? 'pending' : 'failed',
        last_error: error.slice(0, 2000),
        last_attempt_at: at,
        attempts: eb('attempts', '+', 1),
        next_attempt_at: (next ?? now).toISOString(),
      }))
      .where('id', '=', id)
      .execute();
    return this.byId(id);
  }

  async cancel(id: number, reason: string, now: Date): Promise<void> {
    await this.db
      .updateTable('mail_outbox')
      .set({ state: 'cancelled', last_error: reason, last_attempt_at: now.toISOString() })
      .where('id', '=', id)
      .where('state', 'in', ['pending', 'failed'])
      .execute();
  }

  async retry(id: number, now: Date): Promise<boolean> {
    const r = await this.db
      .updateTable('mail_outbox')
      .set({ state: 'pending', next_attempt_at: now.toISOString() })
      .where('id', '=', id)
      .where('state', 'in', ['pending', 'failed'])
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async markAlerted(id: number): Promise<void> {
    await this.db.updateTable('mail_outbox').set({ alerted: 1 }).where('id', '=', id).execute();
  }

  async pendingForLink(linkId: number): Promise<boolean> {
    const row = await this.db.selectFrom('mail_outbox').select('id').where('link_id', '=', linkId).where('state', '=', 'pending').executeTakeFirst();
    return row !== undefined;
  }

  async list(options: { state?: MailState; kind?: MailRow['kind']; limit: number; offset: number }): Promise<Page<MailRow>> {
    let q = this.db.selectFrom('mail_outbox');
    if (options.state) q = q.where('state', '=', options.state);
    if (options.kind) q = q.where('kind', '=', options.kind);
    const items = await q.selectAll().orderBy('id', 'desc').limit(options.limit).offset(options.offset).execute();
    const total = countOf(await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst());
    return { items, total };
  }

  async counts(): Promise<Record<MailState, number>> {
    const rows = await this.db
      .selectFrom('mail_outbox')
      .select(['state', (eb) => eb.fn.countAll().as('n')])
      .groupBy('state')
      .execute();
    const out: Record<MailState, number> = { pending: 0, sent: 0, failed: 0, cancelled: 0 };
    for (const r of rows) out[r.state] = countOf(r);
    return out;
  }

  async purge(before: Date): Promise<number> {
    const r = await this.db
      .deleteFrom('mail_outbox')
      .where('state', 'in', ['sent', 'cancelled'])
      .where('created_at', '<', before.toISOString())
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
