import { z } from '@hono/zod-openapi';
import { resendEnrollment } from '../../enrollment/mailing.js';
import { IdsyncError } from '../../errors.js';
import { checkTemplate, LINK_PLACEHOLDER, TEMPLATE_KINDS, templateFor } from '../../mail/templates.js';
import { outboxView } from '../../mail/view.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonResponse, page, paging, pathId, type ApiApp } from '../route.js';

/**
 * Mail (issue 15): pending enrollments with resend, the outbox with each message's state and last
 * error (an SMTP outage shows here), and the enrollment templates. No answer carries an
 * enrollment link or its token: the outbox keeps none, and the pending list shows the link's
 * expiry only.
 */
const pendingSchema = z
  .object({
    linkId: z.number().int(),
    userId: z.number().int(),
    username: z.string(),
    fullName: z.string().nullable(),
    email: z.string().nullable(),
    directory: z.string().nullable(),
    createdAt: z.string(),
    expiresAt: z.string().openapi({ description: 'When the link stops working; the next sync after it sends a new one.' }),
    firstSentAt: z.string().nullable(),
    lastSentAt: z.string().nullable(),
    remindersSent: z.number().int(),
    resends: z.number().int(),
    mailState: z.string().nullable().openapi({ description: "The state of the link's latest email: pending, sent, failed or cancelled." }),
    mailError: z.string().nullable().openapi({ description: "That email's last error, e.g. the SMTP server's answer." }),
  })
  .openapi('PendingEnrollment');

const mailStates = ['pending', 'sent', 'failed', 'cancelled'] as const;

const outboxSchema = z
  .object({
    id: z.number().int(),
    kind: z.string().openapi({ description: '`enrollment`, `alert` or `test`.' }),
    channel: z.string().openapi({ description: '`email` or `webhook`.' }),
    template: z.string().nullable(),
    event: z.string().nullable(),
    recipient: z.string(),
    subject: z.string().nullable(),
    state: z.enum(mailStates),
    attempts: z.number().int(),
    nextAttemptAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('MailMessage');

const templateSchema = z
  .object({
    subject: z.string().min(1).max(300),
    text: z.string().min(1).max(100_000),
    html: z.string().min(1).max(200_000),
  })
  .openapi('MailTemplate');

const kindParam = z.object({ kind: z.enum(TEMPLATE_KINDS as ['enrollment', 'reminder']) });

export function registerMailRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/enrollments',
      operationId: 'listEnrollments',
      tags: ['enrollment'],
      summary: 'Pending enrollments: users sent an enrollment link they have not used (issue 15)',
      request: { query: z.object({ search: z.string().max(256).optional(), ...paging(500, 100) }) },
      responses: { 200: jsonResponse(page(pendingSchema), 'A page of pending enrollments, oldest link first.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await deps.store.enrollmentMail.pending(q);
      return c.json({ ...r, limit: q.limit, offset: q.offset }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'post',
      path: '/api/v1/enrollments/{username}/resend',
      operationId: 'resendEnrollment',
      errors: ['STORE_NOT_FOUND', 'ENROLLMENT_NOT_PENDING'],
      tags: ['enrollment'],
      summary: "Send a user's enrollment link again: the same link, its expiry unchanged",
      request: { params: z.object({ username: z.string().min(1).max(256) }) },
      responses: {
        202: jsonResponse(z.object({ username: z.string(), messageId: z.number().int(), expiresAt: z.string() }), 'Queued in the outbox.'),
      },
    }),
    async (c) => {
      const { username } = c.req.valid('param');
      const user = await deps.store.users.find(username);
      if (!user) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`);
      const r = await resendEnrollment(deps.store, user.id, deps.now());
      c.get('audit').target = user.username;
      c.get('audit').detail = { messageId: r.outboxId };
      return c.json({ username: user.username, messageId: r.outboxId, expiresAt: r.expiresAt }, 202);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/mail/outbox',
      operationId: 'listMailOutbox',
      tags: ['mail'],
      summary: 'Emails and alert webhook calls: queued, sent, failed or cancelled, with their last error',
      request: { query: z.object({ state: z.enum(mailStates).optional(), kind: z.enum(['enrollment', 'alert', 'test']).optional(), ...paging(500, 50) }) },
      responses: {
        200: jsonResponse(
          page(outboxSchema).extend({
            counts: z.object({ pending: z.number().int(), sent: z.number().int(), failed: z.number().int(), cancelled: z.number().int() }),
            smtpConfigured: z.boolean().openapi({ description: 'Whether an `smtp` section is configured; without it emails wait in the outbox.' }),
            webhookConfigured: z.boolean(),
          }),
          'A page of messages, newest first, and the count in each state.',
        ),
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await deps.store.mailOutbox.list(q);
      return c.json(
        {
          items: r.items.map(outboxView),
          total: r.total,
          limit: q.limit,
          offset: q.offset,
          counts: await deps.store.mailOutbox.counts(),
          smtpConfigured: !!deps.config.smtp,
          webhookConfigured: !!deps.config.alerts?.webhook,
        },
        200,
      );
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/mail/outbox/{id}/retry',
      operationId: 'retryMail',
      errors: ['STORE_NOT_FOUND'],
      tags: ['mail'],
      summary: 'Try a failed or waiting message again now',
      request: { params: z.object({ id: pathId() }) },
      responses: { 200: jsonResponse(outboxSchema, 'Due now.') },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      if (!(await deps.store.mailOutbox.retry(id, deps.now()))) throw new IdsyncError('STORE_NOT_FOUND', `no failed or waiting message ${id}`);
      return c.json(outboxView((await deps.store.mailOutbox.byId(id))!), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/mail/templates',
      operationId: 'getMailTemplates',
      tags: ['mail'],
      summary: 'The enrollment and reminder email templates',
      responses: {
        200: jsonResponse(
          z.object({
            placeholders: z.array(z.string()),
            templates: z.object({
              enrollment: templateSchema.extend({ custom: z.boolean() }),
              reminder: templateSchema.extend({ custom: z.boolean() }),
            }),
          }),
          'The templates in use (`custom`: edited, otherwise the built-in text).',
        ),
      },
    }),
    async (c) =>
      c.json(
        {
          placeholders: [LINK_PLACEHOLDER, '<username>', '<full-name>'],
          templates: { enrollment: await templateFor(deps.store, 'enrollment'), reminder: await templateFor(deps.store, 'reminder') },
        },
        200,
      ),
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'put',
      path: '/api/v1/mail/templates/{kind}',
      operationId: 'updateMailTemplate',
      errors: ['MAIL_TEMPLATE_LINK_MISSING'],
      tags: ['mail'],
      summary: 'Change a template; both bodies must contain <enrollment-link>. `reset: true` goes back to the built-in text',
      request: {
        params: kindParam,
        body: { content: { 'application/json': { schema: z.union([templateSchema, z.object({ reset: z.literal(true) })]) } }, required: true },
      },
      responses: { 200: jsonResponse(templateSchema.extend({ custom: z.boolean() }), 'The template now in use.') },
    }),
    async (c) => {
      const { kind } = c.req.valid('param');
      const body = c.req.valid('json');
      if ('reset' in body) await deps.store.mailTemplates.reset(kind);
      else {
        checkTemplate(body);
        await deps.store.mailTemplates.set(kind, body, c.get('principal')?.name ?? null, deps.now());
      }
      c.get('audit').detail = { kind, reset: 'reset' in body };
      return c.json(await templateFor(deps.store, kind), 200);
    },
  );
}
