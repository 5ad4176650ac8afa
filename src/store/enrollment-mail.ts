import { sql } from 'kysely';
import { countOf, type Db, type Page } from './db-handle.js';

/** What the enrollment mailer needs to know of a user (src/enrollment/mailing.ts). */
export interface MailUser {
  id: number;
  username: string;
  fullName: string | null;
  email: string | null;
  phones: string[];
  status: string;
  directoryId: number | null;
  authenticators: number;
}

/** One pending enrollment (an open link), as the CLI, the API and the panel list it. */
export interface PendingEnrollment {
  linkId: number;
  userId: number;
  username: string;
  fullName: string | null;
  email: string | null;
  directory: string | null;
  createdAt: string;
  expiresAt: string;
  firstSentAt: string | null;
  lastSentAt: string | null;
  remindersSent: number;
  resends: number;
  /** The latest email of this link in the outbox: its state and last error (an SMTP outage shows here). */
  mailState: string | null;
  mailError: string | null;
}

/** An open link whose next reminder is due. */
export interface DueReminder {
  linkId: number;
  userId: number;
  /** 1 or 2: the reminder this will be. */
  number: number;
}

const DAY_MS = 86_400_000;

function pendingQuery(db: Db) {
  return db
    .selectFrom('enrollment_links as l')
    .innerJoin('users as u', 'u.id', 'l.user_id')
    .leftJoin('directories as d', 'd.id', 'u.directory_id')
    .where('l.used_at', 'is', null)
    .where('l.closed_at', 'is', null);
}
type PendingQuery = ReturnType<typeof pendingQuery>;

/**
 * The enrollment email queries (issue 15) that join links, users, runs and the outbox. The links
 * themselves are src/store/enrollment-links.ts.
 */
export interface EnrollmentMail {
  /** Users a run created or made active again ("new or newly active"). */
  runCandidates(runId: number): Promise<number[]>;
  /** The active users of a directory, for inviting those synced before enrollment was turned on. */
  activeUsersOf(directoryId: number): Promise<number[]>;
  users(ids: number[]): Promise<MailUser[]>;
  /** Users of the directory whose open link has expired at `now` (replaced at the next sync). */
  expiredOpen(directoryId: number, now: Date): Promise<number[]>;
  /**
   * Open, unexpired links whose reminder is due: the first 2 days after the first email, the second
   * 8 days after the first reminder was sent (issue 15), each counted from when it really went out.
   */
  dueReminders(now: Date, firstAfterDays: number, secondAfterDays: number): Promise<DueReminder[]>;
  /** Open, unexpired links never sent and without an email in the outbox (a process stopped between the two writes). */
  unsent(now: Date): Promise<{ linkId: number; userId: number }[]>;
  pending(options: { limit: number; offset: number; search?: string }): Promise<Page<PendingEnrollment>>;
  pendingFor(userId: number): Promise<PendingEnrollment | undefined>;
}

export class KyselyEnrollmentMail implements EnrollmentMail {
  constructor(private readonly db: Db) {}

  async runCandidates(runId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('run_objects')
      .select('user_id')
      .distinct()
      .where('run_id', '=', runId)
      .where('object_type', '=', 'user')
      .where('outcome', 'in', ['created', 'restored'])
      .where('user_id', 'is not', null)
      .execute();
    return rows.map((r) => r.user_id!);
  }

  async activeUsersOf(directoryId: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('users')
      .select('id')
      .where('directory_id', '=', directoryId)
      .where('status', '=', 'active')
      .where('trashed_at', 'is', null)
      .orderBy('id')
      .execute();
    return rows.map((r) => r.id);
  }

  async users(ids: number[]): Promise<MailUser[]> {
    const out: MailUser[] = [];
    // In slices: a bound parameter list has a limit (SQLite 32,766, PostgreSQL 65,535).
    for (let i = 0; i < ids.length; i += 1000) {
      const slice = ids.slice(i, i + 1000);
      const rows = await this.db
        .selectFrom('users as u')
        .select(['u.id', 'u.username', 'u.full_name', 'u.email', 'u.phones', 'u.status', 'u.directory_id'])
        .select((eb) => eb.selectFrom('authenticators as a').select(eb.fn.countAll().as('n')).whereRef('a.user_id', '=', 'u.id').as('n'))
        .where('u.id', 'in', slice)
        .execute();
      for (const r of rows) {
        let phones: string[] = [];
        try {
          phones = JSON.parse(r.phones) as string[];
        } catch {
          phones = [];
        }
        out.push({
          id: r.id,
          username: r.username,
          fullName: r.full_name,
          email: r.email,
          phones,
          status: r.status,
          directoryId: r.directory_id,
          authenticators: countOf({ n: r.n as number }),
        });
      }
    }
    return out;
  }

  async expiredOpen(directoryId: number, now: Date): Promise<number[]> {
    const rows = await this.db
      .selectFrom('enrollment_links as l')
      .innerJoin('users as u', 'u.id', 'l.user_id')
      .select('l.user_id')
      .where('u.directory_id', '=', directoryId)
      .where('l.used_at', 'is', null)
      .where('l.closed_at', 'is', null)
      .where('l.expires_at', '<=', now.toISOString())
      .execute();
    return rows.map((r) => r.user_id);
  }

  async dueReminders(now: Date, firstAfterDays: number, secondAfterDays: number): Promise<DueReminder[]> {
    const at = now.toISOString();
    const first = await this.db
      .selectFrom('enrollment_links')
      .select(['id', 'user_id'])
      .where('used_at', 'is', null)
      .where('closed_at', 'is', null)
      .where('expires_at', '>', at)
      .where('reminders_sent', '=', 0)
      .where('first_sent_at', '<=', new Date(now.getTime() - firstAfterDays * DAY_MS).toISOString())
      .execute();
    const second = await this.db
      .selectFrom('enrollment_links as l')
      .innerJoin('mail_outbox as m', (j) => j.onRef('m.link_id', '=', 'l.id').on('m.template', '=', 'reminder').on('m.state', '=', 'sent'))
      .select(['l.id', 'l.user_id'])
      .where('l.used_at', 'is', null)
      .where('l.closed_at', 'is', null)
      .where('l.expires_at', '>', at)
      .where('l.reminders_sent', '=', 1)
      .groupBy(['l.id', 'l.user_id'])
      .having((eb) => eb.fn.min('m.sent_at'), '<=', new Date(now.getTime() - secondAfterDays * DAY_MS).toISOString())
      .execute();
    return [...first.map((r) => ({ linkId: r.id, userId: r.user_id, number: 1 })), ...second.map((r) => ({ linkId: r.id, userId: r.user_id, number: 2 }))];
  }

  async unsent(now: Date): Promise<{ linkId: number; userId: number }[]> {
    const rows = await this.db
      .selectFrom('enrollment_links as l')
      .select(['l.id', 'l.user_id'])
      .where('l.used_at', 'is', null)
      .where('l.closed_at', 'is', null)
      .where('l.first_sent_at', 'is', null)
      .where('l.expires_at', '>', now.toISOString())
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('mail_outbox as m').select('m.id').whereRef('m.link_id', '=', 'l.id'))))
      .execute();
    return rows.map((r) => ({ linkId: r.id, userId: r.user_id }));
  }

  #pendingQuery(): PendingQuery {
    return pendingQuery(this.db);
  }

  async #rows(q: PendingQuery, limit: number, offset: number): Promise<PendingEnrollment[]> {
    const rows = await q
      .select([
        'l.id as link_id',
        'l.user_id',
        'u.username',
        'u.full_name',
        'u.email',
        'd.name as directory',
        'l.created_at',
        'l.expires_at',
        'l.first_sent_at',
        'l.last_sent_at',
        'l.reminders_sent',
        'l.resends',
      ])
      .select((eb) => [
        eb.selectFrom('mail_outbox as m').select('m.state').whereRef('m.link_id', '=', 'l.id').orderBy('m.id', 'desc').limit(1).as('mail_state'),
        eb.selectFrom('mail_outbox as m').select('m.last_error').whereRef('m.link_id', '=', 'l.id').orderBy('m.id', 'desc').limit(1).as('mail_error'),
      ])
      .orderBy('l.id', 'asc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => ({
      linkId: r.link_id,
      userId: r.user_id,
      username: r.username,
      fullName: r.full_name,
      email: r.email,
      directory: r.directory,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      firstSentAt: r.first_sent_at,
      lastSentAt: r.last_sent_at,
      remindersSent: Number(r.reminders_sent),
      resends: Number(r.resends),
      mailState: r.mail_state ?? null,
      mailError: r.mail_error ?? null,
    }));
  }

  async pending(options: { limit: number; offset: number; search?: string }): Promise<Page<PendingEnrollment>> {
    let q = this.#pendingQuery();
    if (options.search) {
      const pattern = `%${options.search.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      q = q.where((eb) =>
        eb.or([sql<boolean>`lower(u.username) like ${pattern} escape '\\'`, sql<boolean>`lower(coalesce(u.email, '')) like ${pattern} escape '\\'`]),
      );
    }
    const total = countOf(await q.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst());
    return { items: await this.#rows(q, options.limit, options.offset), total };
  }

  async pendingFor(userId: number): Promise<PendingEnrollment | undefined> {
    return (await this.#rows(this.#pendingQuery().where('l.user_id', '=', userId), 1, 0))[0];
  }
}
