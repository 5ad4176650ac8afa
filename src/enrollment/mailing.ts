import type { DirectoryConfig } from '../config/load.js';
import { EMAIL_ADDRESS } from '../config/mail.js';
import type { SecretBox } from '../directories/secret-box.js';
import { IdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import { directoryIdOf, ensureDirectory } from '../store/directories.js';
import type { MailUser } from '../store/enrollment-mail.js';
import type { MailRow } from '../store/mail-outbox.js';
import type { RunReport } from '../sync/report.js';
import { type MailTemplate, renderTemplate, templateFor } from '../mail/templates.js';
import { enrollmentUrl, issueLink, tokenOf } from './links.js';

/**
 * Enrollment emails, Duo's rules (issue 15):
 * - after a sync (full, incremental or single-user), each user the run created or made active
 *   again gets one when they are active, have a valid email address and no authenticator (with
 *   `importPhones`, only those with no phone) — `afterSync`;
 * - reminders 2 days after the first email and 8 days after the first reminder — `enrollmentPass`;
 * - an expired link is replaced by a new one at the next sync, until the user enrols — `afterSync`;
 * - resend sends the same link again, its expiry unchanged — `resendEnrollment`.
 *
 * The link's token is never stored: the outbox row holds the link's id and the template, and the
 * body is rendered when it is sent (`renderEnrollment`, tokenOf). A user leaves the pending list
 * when their link is used (useLink, the enrollment page) or closed.
 */
export const FIRST_REMINDER_DAYS = 2;
export const SECOND_REMINDER_DAYS = 8;

export interface EnrollmentMailContext {
  store: Store;
  box: SecretBox;
  log?: Logger;
}

/** Whether the user should be mailed; the reason when not (kept in the outbox when a queued email is cancelled). */
export function ineligible(u: MailUser, importPhones: boolean): string | undefined {
  if (u.status !== 'active') return `the user is ${u.status}`;
  if (!u.email || !EMAIL_ADDRESS.test(u.email)) return 'the user has no valid email address';
  if (u.authenticators > 0) return 'the user has enrolled';
  if (importPhones && u.phones.length > 0) return 'the user has a phone (importPhones is on)';
  return undefined;
}

/** Issues a new link and queues its first email. */
async function issueAndQueue(ctx: EnrollmentMailContext, u: MailUser, now: Date): Promise<void> {
  const link = await issueLink(ctx.store, ctx.box, u.id, now);
  await ctx.store.mailOutbox.enqueue(
    { kind: 'enrollment', template: 'first', linkId: link.id, userId: u.id, recipient: u.email!, dedupeKey: `enroll:${link.id}:first` },
    now,
  );
}

/**
 * Queues the enrollment emails a finished run calls for. Returns how many links were issued. Safe
 * to call twice for one run: a user with an open, unexpired link gets nothing new.
 */
export async function afterSync(ctx: EnrollmentMailContext, cfg: DirectoryConfig, report: RunReport, now: Date): Promise<number> {
  if (!cfg.enrollment?.email || report.dryRun || report.status !== 'succeeded' || report.runId === undefined) return 0;
  const { store } = ctx;
  const dir = await ensureDirectory(store, cfg, now);
  const candidates = new Set(await store.enrollmentMail.runCandidates(report.runId));
  const expired = new Set(await store.enrollmentMail.expiredOpen(dir.id, now));
  const ids = [...new Set([...candidates, ...expired])];
  let issued = 0;
  for (const u of await store.enrollmentMail.users(ids)) {
    if (u.directoryId !== dir.id) continue;
    const why = ineligible(u, cfg.importPhones);
    const open = await store.enrollmentLinks.openFor(u.id);
    if (why) {
      // An expired link of a user who may no longer enrol leaves the pending list.
      if (open && Date.parse(open.expires_at) <= now.getTime()) await store.enrollmentLinks.closeFor(u.id, now);
      continue;
    }
    if (open && Date.parse(open.expires_at) > now.getTime()) continue;
    await issueAndQueue(ctx, u, now);
    issued++;
  }
  if (issued) ctx.log?.info({ directory: cfg.name, runId: report.runId, issued }, 'enrollment emails queued');
  return issued;
}

/**
 * The periodic part, run by the mail sender: reminders that are due, and a first email for any
 * open link that has none (a process stopped between issuing the link and queueing its email).
 */
export async function enrollmentPass(ctx: EnrollmentMailContext, now: Date): Promise<{ reminders: number; repaired: number }> {
  const { store } = ctx;
  let reminders = 0;
  const due = await store.enrollmentMail.dueReminders(now, FIRST_REMINDER_DAYS, SECOND_REMINDER_DAYS);
  const users = new Map((await store.enrollmentMail.users(due.map((d) => d.userId))).map((u) => [u.id, u]));
  for (const d of due) {
    const u = users.get(d.userId);
    if (!u?.email) continue;
    const id = await store.mailOutbox.enqueue(
      {
        kind: 'enrollment',
        template: 'reminder',
        linkId: d.linkId,
        userId: d.userId,
        recipient: u.email,
        dedupeKey: `enroll:${d.linkId}:reminder:${d.number}`,
      },
      now,
    );
    if (id !== undefined) reminders++;
  }
  let repaired = 0;
  const unsent = await store.enrollmentMail.unsent(now);
  const unsentUsers = new Map((await store.enrollmentMail.users(unsent.map((d) => d.userId))).map((u) => [u.id, u]));
  for (const l of unsent) {
    const u = unsentUsers.get(l.userId);
    if (!u?.email) continue;
    const id = await store.mailOutbox.enqueue(
      { kind: 'enrollment', template: 'first', linkId: l.linkId, userId: l.userId, recipient: u.email, dedupeKey: `enroll:${l.linkId}:first` },
      now,
    );
    if (id !== undefined) repaired++;
  }
  return { reminders, repaired };
}

/** One user considered by `inviteEnrollments`: invited, or why not. */
export interface InviteOutcome {
  username: string;
  email: string | null;
  invited: boolean;
  reason?: string;
}

/**
 * Invites users who were synced before their directory's `enrollment.email` was turned on (or who
 * became eligible since, by gaining an email address or losing a phone): a link and its first
 * email for each, by Duo's rules (ineligible). Users with an open, unexpired link are left as they
 * are ("resend" is for them). With `dryRun`, only says who would be invited: the preview before
 * emails go out. `userIds` undefined: every active user of every directory with enrollment on.
 */
export async function inviteEnrollments(
  ctx: EnrollmentMailContext,
  directories: readonly DirectoryConfig[],
  userIds: number[] | undefined,
  now: Date,
  dryRun: boolean,
): Promise<InviteOutcome[]> {
  const { store } = ctx;
  const byId = new Map<number, DirectoryConfig>();
  for (const cfg of directories) {
    const id = await directoryIdOf(store, cfg.name);
    if (id !== undefined) byId.set(id, cfg);
  }
  let ids = userIds;
  if (!ids) {
    ids = [];
    for (const [id, cfg] of byId) if (cfg.enrollment?.email) ids.push(...(await store.enrollmentMail.activeUsersOf(id)));
  }
  const out: InviteOutcome[] = [];
  for (const u of await store.enrollmentMail.users(ids)) {
    const cfg = u.directoryId === null ? undefined : byId.get(u.directoryId);
    const result = (invited: boolean, reason?: string) => out.push({ username: u.username, email: u.email, invited, ...(reason ? { reason } : {}) });
    if (!cfg) {
      result(false, 'not a synced user (enrollment emails are per directory)');
      continue;
    }
    if (!cfg.enrollment?.email) {
      result(false, `directory "${cfg.name}" has enrollment.email off`);
      continue;
    }
    const why = ineligible(u, cfg.importPhones);
    if (why) {
      result(false, why);
      continue;
    }
    const open = await store.enrollmentLinks.openFor(u.id);
    if (open && Date.parse(open.expires_at) > now.getTime()) {
      result(false, `already pending (link expires ${open.expires_at}; use resend)`);
      continue;
    }
    if (!dryRun) await issueAndQueue(ctx, u, now);
    result(true);
  }
  if (!dryRun) ctx.log?.info({ invited: out.filter((o) => o.invited).length }, 'enrollment invitations queued');
  return out;
}

/** "Resend": the same link again, its expiry unchanged (issue 15). */
export async function resendEnrollment(store: Store, userId: number, now: Date): Promise<{ linkId: number; expiresAt: string; outboxId: number }> {
  const link = await store.enrollmentLinks.openFor(userId);
  if (!link) throw new IdsyncError('ENROLLMENT_NOT_PENDING', 'the user has no pending enrollment (enrolled already, or never sent a link)');
  if (Date.parse(link.expires_at) <= now.getTime()) {
    throw new IdsyncError('ENROLLMENT_NOT_PENDING', `the user's link expired at ${link.expires_at}; the next sync of their directory sends a new one`);
  }
  const [u] = await store.enrollmentMail.users([userId]);
  if (!u?.email) throw new IdsyncError('ENROLLMENT_NOT_PENDING', 'the user has no email address');
  const outboxId = await store.mailOutbox.enqueue({ kind: 'enrollment', template: 'resend', linkId: link.id, userId, recipient: u.email }, now);
  return { linkId: link.id, expiresAt: link.expires_at, outboxId: outboxId! };
}

export type RenderedEnrollment =
  | { send: true; to: string; subject: string; text: string; html: string; linkId: number; kind: 'first' | 'reminder' | 'resend'; firstSent: boolean }
  | { send: false; reason: string };

/**
 * An enrollment email's text, made now from the link's id: the token (tokenOf) exists only in
 * this return value and in the SMTP session. Nothing here is logged.
 */
export async function renderEnrollment(
  ctx: EnrollmentMailContext,
  row: MailRow,
  publicUrl: string,
  now: Date,
  templates?: Map<string, Promise<MailTemplate>>,
): Promise<RenderedEnrollment> {
  const { store } = ctx;
  const link = row.link_id !== null ? await store.enrollmentLinks.byId(row.link_id) : undefined;
  if (!link || link.used_at) return { send: false, reason: 'the link was used' };
  if (link.closed_at) return { send: false, reason: 'the link was replaced or closed' };
  if (Date.parse(link.expires_at) <= now.getTime()) return { send: false, reason: 'the link expired; the next sync issues a new one' };
  const [u] = await store.enrollmentMail.users([link.user_id]);
  if (!u) return { send: false, reason: 'the user was deleted' };
  // importPhones was checked when the link was issued; a phone added since does not stop a reminder.
  const why = ineligible(u, false);
  if (why) return { send: false, reason: why };
  const kind = (row.template ?? 'first') as 'first' | 'reminder' | 'resend';
  const which = kind === 'reminder' ? 'reminder' : 'enrollment';
  // One read per template and pass of the sender, not one per email.
  let template = templates?.get(which);
  if (!template) {
    template = templateFor(store, which);
    templates?.set(which, template);
  }
  const t = await template;
  const url = enrollmentUrl(publicUrl, tokenOf(ctx.box, link));
  const r = renderTemplate(t, { link: url, username: u.username, fullName: u.fullName });
  return { send: true, to: u.email!, ...r, linkId: link.id, kind, firstSent: link.first_sent_at !== null };
}
