import type { AlertsConfig, SmtpConfig } from '../config/load.js';
import type { SecretBox } from '../directories/secret-box.js';
import { renderEnrollment } from '../enrollment/mailing.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import type { MailRow } from '../store/mail-outbox.js';
import { mailFailingAlert, raiseAlert } from './alerts.js';
import type { MailTemplate } from './templates.js';
import { isPermanent, type MailTransport, smtpErrorText, smtpTransport } from './transport.js';
import { postWebhook } from './webhook.js';

/**
 * Drains the mail outbox (issue 15): each due row is rendered (an enrollment email from its link,
 * now), sent, and marked sent; a failure is kept on the row with the next attempt after a backoff
 * (30 s doubling to an hour), so an SMTP outage loses nothing and shows in the API and the panel.
 * A 5xx answer to the recipient is permanent (state `failed`; an administrator may retry it). When
 * the server itself fails (refused, timed out, TLS, 4xx), the rest of the batch is left as it is,
 * not counted as attempts: they wait for the next pass.
 */
export const BACKOFF_FIRST_MS = 30_000;
export const BACKOFF_MAX_MS = 3_600_000;
const BATCH = 200;
/** Emails sent at once over the pooled SMTP connections. */
const CONCURRENCY = 4;

export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.max(0, attempts));
}

export interface MailDeps {
  store: Store;
  box: SecretBox;
  smtp?: SmtpConfig;
  alerts?: AlertsConfig;
  publicUrl?: string;
  log?: Logger;
  now: () => Date;
  /** Replaces nodemailer (pure-logic tests only). */
  transport?: MailTransport;
}

export interface DrainReport {
  sent: number;
  failed: number;
  cancelled: number;
  /** The server failed: the pass stopped early. */
  outage?: string;
}

export class MailDelivery {
  #transport?: MailTransport;
  /** The templates, read once per pass (an edit applies from the next pass). */
  #templates = new Map<string, Promise<MailTemplate>>();

  constructor(private readonly d: MailDeps) {}

  #smtp(): MailTransport {
    this.#transport ??= this.d.transport ?? smtpTransport(this.d.smtp!);
    return this.#transport;
  }

  close(): void {
    this.#transport?.close();
    this.#transport = undefined;
  }

  /** Sends everything due now; returns what happened. */
  async drain(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, failed: 0, cancelled: 0 };
    const seen = new Set<number>();
    this.#templates = new Map();
    for (;;) {
      // Only the channels that can send now: email waits while no SMTP server is configured, webhook calls while no webhook is.
      const channels = [...(this.d.smtp ? (['email'] as const) : []), ...(this.d.alerts?.webhook ? (['webhook'] as const) : [])];
      const fresh = (await this.d.store.mailOutbox.due(this.d.now(), BATCH, channels)).filter((r) => !seen.has(r.id));
      if (!fresh.length) break;
      for (const r of fresh) seen.add(r.id);
      const rows = fresh.filter((r) => this.#canSend(r));
      if (!rows.length) continue;
      let next = 0;
      const worker = async () => {
        while (next < rows.length && !report.outage) await this.#one(rows[next++], report);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      if (report.outage) break;
    }
    if (report.sent || report.failed || report.cancelled) this.d.log?.info({ ...report }, 'mail outbox drained');
    return report;
  }

  /** Email waits while no SMTP server is configured; a webhook call waits while no webhook is. */
  #canSend(r: MailRow): boolean {
    return r.channel === 'webhook' ? !!this.d.alerts?.webhook : !!this.d.smtp && (r.kind !== 'enrollment' || !!this.d.publicUrl);
  }

  async #one(row: MailRow, report: DrainReport): Promise<void> {
    const { store } = this.d;
    const now = this.d.now();
    let linkSend: { linkId: number; kind: 'first' | 'reminder' | 'resend'; firstSent: boolean } | undefined;
    let to = row.recipient;
    try {
      if (row.channel === 'webhook') {
        const w = this.d.alerts!.webhook!;
        await postWebhook({ url: w.url, secret: w.secret.reveal(), ca: w.ca }, row.text_body ?? '{}', now);
      } else {
        let mail: { to: string; subject: string; text: string; html?: string };
        if (row.kind === 'enrollment') {
          const r = await renderEnrollment({ store, box: this.d.box, log: this.d.log }, row, this.d.publicUrl!, now, this.#templates);
          if (!r.send) {
            await store.mailOutbox.cancel(row.id, r.reason, now);
            report.cancelled++;
            return;
          }
          mail = r;
          linkSend = r;
        } else {
          mail = { to: row.recipient, subject: row.subject ?? '', text: row.text_body ?? '', ...(row.html_body ? { html: row.html_body } : {}) };
        }
        to = mail.to;
        await this.#smtp().send(mail);
      }
    } catch (err) {
      const text = smtpErrorText(err);
      const permanent = row.channel === 'email' && isPermanent(err);
      const outage = !permanent;
      const updated = await store.mailOutbox.markFailed(row.id, text, now, permanent ? undefined : new Date(now.getTime() + backoffMs(row.attempts)));
      report.failed++;
      // The server is down (or the webhook is): the rest of the batch waits, uncounted.
      if (outage && row.channel === 'email') {
        report.outage = text;
        this.close();
      }
      this.d.log?.warn({ outboxId: row.id, kind: row.kind, channel: row.channel, attempts: updated?.attempts, err: text }, 'mail not delivered');
      if (updated) await this.#maybeAlert(updated);
      return;
    }
    await store.mailOutbox.markSent(row.id, to, now);
    if (linkSend) {
      // A resend of a link whose first email never went out is its first send (the reminders count from it).
      await store.enrollmentLinks.recordSend(linkSend.linkId, linkSend.kind === 'resend' && !linkSend.firstSent ? 'first' : linkSend.kind, now);
    }
    report.sent++;
  }

  /** "An SMTP delivery keeps failing": once per message, after `afterAttempts` failures or a permanent one. */
  async #maybeAlert(row: MailRow): Promise<void> {
    const cfg = this.d.alerts;
    if (!cfg || row.alerted || (row.kind === 'alert' && row.event === 'mailFailing')) return;
    if (row.state !== 'failed' && row.attempts < cfg.mailFailing.afterAttempts) return;
    await raiseAlert({ store: this.d.store, alerts: cfg, publicUrl: this.d.publicUrl, log: this.d.log }, mailFailingAlert(row), this.d.now());
    await this.d.store.mailOutbox.markAlerted(row.id);
  }
}
