import { z } from 'zod';
import { documented, typeNamed } from './key-docs.js';

/**
 * The `smtp` and `alerts` sections (issue 15, "Mail" and "Alerts for administrators"). Kept apart
 * from schema.ts, which holds the directories and the API. Resolved (secrets read, CA file loaded)
 * by src/config/load.ts into MailConfig and AlertsConfig.
 */

const secretValue = typeNamed(
  z.union([z.string(), z.object({ file: z.string().min(1) }).strict(), z.object({ env: z.string().min(1) }).strict()]),
  '[secret](#secrets)',
);

/** An address as RFC 5321 carries it: local@domain, no display name, no spaces. One rule for the sender, alert recipients and `idsync mail test`. */
export const EMAIL_ADDRESS = /^[^\s@<>()",;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const emailAddress = typeNamed(z.string().trim().regex(EMAIL_ADDRESS, 'must be an email address such as idsync@corp.example'), 'email address');

export const smtpSchema = z
  .object({
    host: documented(z.string().min(1), 'The SMTP server (relay or submission server) every email is sent through.', { example: '`smtp.corp.example`' }),
    port: documented(z.number().int().min(1).max(65535).optional(), 'Its port.', {
      default: '`587` with `starttls`, `465` with `tls`',
      example: '`2525`',
    }),
    security: documented(
      z.enum(['starttls', 'tls']).default('starttls'),
      '`starttls`: a plain connection upgraded with STARTTLS, which is required (a server that does not offer it is refused, never used in clear). ' +
        '`tls`: TLS from the first byte (SMTPS, port 465). The certificate is verified in both.',
      { example: '`tls`' },
    ),
    caFile: documented(z.string().min(1).optional(), "PEM bundle of the CA(s) that issued the SMTP server's certificate.", {
      default: 'system CAs',
      example: '`./smtp-ca.pem`',
    }),
    ca: documented(z.string().min(1).optional(), 'The same PEM bundle inline, instead of `caFile`.'),
    verifyHostname: documented(z.boolean().default(true), 'Check that the certificate names `host`. The chain is verified even when this is `false`.', {
      example: '`false`',
    }),
    username: documented(z.string().min(1).optional(), 'The account to authenticate with (SMTP AUTH); without it idsync sends unauthenticated.', {
      default: 'none',
      example: '`idsync@corp.example`',
    }),
    password: documented(secretValue.optional(), "The account's password, a [secret](#secrets).", { example: '`{ env: IDSYNC_SMTP_PASSWORD }`' }),
    from: documented(emailAddress, 'The sender of every email (the envelope sender and the From header).', { example: '`idsync@corp.example`' }),
    fromName: documented(z.string().min(1).max(100).optional(), 'A display name for the From header.', { default: 'none', example: '`IT Service Desk`' }),
    timeoutMs: documented(z.number().int().min(100).max(600_000).default(30_000), 'How long a connection, its greeting and each SMTP command may take.', {
      example: '`10000`',
    }),
  })
  .strict();

/** One event type's channels (issue 15: "Configure it per event type"). */
const channels = { email: z.boolean().default(true), webhook: z.boolean().default(true) };
const alertEvent = <T extends z.ZodRawShape>(description: string, extra: T) =>
  documented(
    z
      .object({ ...channels, ...extra })
      .strict()
      .default({} as never),
    description,
  );

export const alertsSchema = z
  .object({
    to: documented(z.array(emailAddress).default([]), 'Who gets alert emails. Empty: no alert email (the webhook, if any, is still called).', {
      example: '`[ops@corp.example]`',
    }),
    webhook: z
      .object({
        url: documented(
          z
            .string()
            .url()
            .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL'),
          'Receives every alert as a JSON POST (see docs/enrollment.md, "Alerts"), retried with backoff until it answers 2xx.',
          { example: '`https://hooks.corp.example/idsync`' },
        ),
        secret: documented(
          secretValue,
          'Signs each call: the `X-Idsync-Signature` header is `sha256=` and the hex HMAC-SHA256 of `TIMESTAMP.BODY` under this secret, with ' +
            '`X-Idsync-Timestamp` the Unix time in seconds. At least 16 characters.',
          { example: '`{ env: IDSYNC_WEBHOOK_SECRET }`' },
        ),
        caFile: documented(z.string().min(1).optional(), "PEM bundle of the CA(s) that issued an https webhook's certificate.", { default: 'system CAs' }),
      })
      .strict()
      .optional(),
    removalsHeld: alertEvent('A run held removals for approval (the safeguard). Keys `email`, `webhook` (both `true` by default).', {}),
    syncFailed: alertEvent('A sync (full, single-user or an increment) failed. Keys `email`, `webhook`.', {}),
    directoryUnreachable: alertEvent(
      'A directory stayed unreachable (no connection) longer than `afterMinutes`. Keys `email`, `webhook`, `afterMinutes` (default 15).',
      { afterMinutes: z.number().min(0).max(10_080).default(15) },
    ),
    mailFailing: alertEvent(
      'An email could not be delivered after `afterAttempts` attempts (default 5); told by the webhook, and by email when another message gets through. ' +
        'Keys `email`, `webhook`, `afterAttempts`.',
      { afterAttempts: z.number().int().min(1).max(100).default(5) },
    ),
  })
  .strict();

export type SmtpInput = z.infer<typeof smtpSchema>;
export type AlertsInput = z.infer<typeof alertsSchema>;
