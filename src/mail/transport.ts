import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config/load.js';
import { IdsyncError } from '../errors.js';

/** One email as the sender hands it to SMTP. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** What sends an email: nodemailer over SMTP in idsync, a recorder in pure-logic tests. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Whether a failed send is worth retrying. SMTP says so itself (RFC 5321 section 4.2.1): a 5yz
 * reply to the recipient is permanent ("mailbox unavailable"); everything else (4yz, a refused
 * connection, a timeout, TLS) is an outage that retrying outlives.
 */
export function isPermanent(err: unknown): boolean {
  const e = err as { responseCode?: number; command?: string };
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600 && e.command === 'RCPT TO';
}

/** The SMTP error as one line for the outbox, the API and the CLI (never the credentials: nodemailer does not put them in messages). */
export function smtpErrorText(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  const parts = [e.code, e.responseCode ? String(e.responseCode) : undefined].filter(Boolean).join(' ');
  return `${parts ? `${parts}: ` : ''}${(e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').trim()}`;
}

/**
 * nodemailer over the configured server. STARTTLS is required (`requireTLS`): a server that does
 * not offer it is refused rather than used in clear, and the certificate is verified in both modes
 * (issue 15 and the house rule: "TLS verified by default").
 */
export function smtpTransport(cfg: SmtpConfig): MailTransport {
  const transporter = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.security === 'tls',
    requireTLS: cfg.security === 'starttls',
    connectionTimeout: cfg.timeoutMs,
    greetingTimeout: cfg.timeoutMs,
    socketTimeout: cfg.timeoutMs,
    pool: true,
    maxConnections: 2,
    maxMessages: 500,
    tls: {
      rejectUnauthorized: true,
      ...(cfg.tls.ca ? { ca: cfg.tls.ca } : {}),
      ...(cfg.tls.verifyHostname ? {} : { checkServerIdentity: () => undefined }),
      // SNI names a host, never an address (RFC 6066); the certificate is checked against the address either way.
      ...(isIP(cfg.host) ? {} : { servername: cfg.host }),
    },
    ...(cfg.auth ? { auth: { user: cfg.auth.user, pass: cfg.auth.pass.reveal() } } : {}),
    // nodemailer's own logger would print message bodies, which carry enrollment links.
    logger: false,
    debug: false,
  });
  const from = cfg.fromName ? { name: cfg.fromName, address: cfg.from } : cfg.from;
  return {
    async send(mail) {
      await transporter.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.html ? { html: mail.html } : {}) });
    },
    close() {
      transporter.close();
    },
  };
}

/** `idsync mail test`: one email, sent now, the SMTP error given in full. */
export async function sendTestMail(cfg: SmtpConfig | undefined, to: string, transport?: MailTransport): Promise<void> {
  if (!cfg) throw new IdsyncError('MAIL_NOT_CONFIGURED', 'no "smtp" section in the configuration: idsync has no server to send through', { where: 'smtp' });
  const t = transport ?? smtpTransport(cfg);
  try {
    await t.send({
      to,
      subject: 'idsync test email',
      text: `This is a test email from idsync, sent through ${cfg.host}:${cfg.port} (${cfg.security}). If you read it, mail works.\n`,
    });
  } catch (err) {
    throw new IdsyncError('MAIL_SEND_FAILED', `${cfg.host}:${cfg.port} (${cfg.security}): ${smtpErrorText(err)}`, { where: 'smtp', cause: err });
  } finally {
    t.close();
  }
}
