import { z } from '@hono/zod-openapi';
import type { RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Context } from 'hono';
import type { ApiDeps, AppEnv } from '../context.js';
import { apiRoute, jsonBody, jsonResponse, type ApiApp } from '../route.js';

/**
 * The enrollment page's API (issue 15): public routes, each authorised by the enrollment link's
 * token in the body (never in a URL, so no access log holds it), not by an admin session. Limits
 * per client and per link (src/enrollment/flow.ts). The state-changing steps are audited with the
 * user as the target; no answer here holds the link's token, and only the user's own page gets the
 * TOTP secret being set up and the recovery codes, once.
 */
const token = z.string().min(1).max(128).openapi({ description: "The enrollment link's token (the part of the link after `#`)." });
const enrolled = z
  .object({ id: z.number().int(), kind: z.enum(['totp', 'webauthn']), label: z.string(), createdAt: z.string() })
  .openapi('EnrolledAuthenticator');
const label = z.string().max(64).optional().openapi({ description: 'A name for the authenticator ("Work phone"); a default otherwise.' });
const LINK_ERRORS = ['ENROLLMENT_LINK_INVALID', 'RATE_LIMITED'] as const;
const ENROLL_TAGS = ['enrollment'];

export function registerEnrollRoutes(app: ApiApp, deps: ApiDeps): void {
  const flow = deps.enrollment;
  const open = async (c: Context<AppEnv>, t: string) => {
    const o = await flow.open(t, c.get('ip') ?? 'unknown', deps.now());
    const note = c.get('audit');
    note.actor = `enrollment:${o.user.username}`;
    note.target = `username=${o.user.username}`;
    return o;
  };

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/enroll/start',
      operationId: 'enrollStart',
      errors: [...LINK_ERRORS],
      tags: ENROLL_TAGS,
      summary: 'The enrollment page opens: whose link it is and what they have enrolled',
      request: { body: jsonBody(z.object({ token }).strict()) },
      responses: {
        200: jsonResponse(
          z.object({
            username: z.string(),
            fullName: z.string().nullable(),
            linkExpiresAt: z.string(),
            authenticators: z.array(enrolled),
            passkeys: z.boolean().openapi({ description: 'Whether passkeys can be enrolled here (api.publicUrl is set).' }),
          }),
          'The link is valid.',
        ),
      },
    }),
    async (c) => {
      const o = await open(c, c.req.valid('json').token);
      c.get('audit').read = true;
      return c.json(await flow.summary(o, deps.now()), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/enroll/totp',
      operationId: 'enrollTotpBegin',
      errors: [...LINK_ERRORS],
      tags: ENROLL_TAGS,
      summary: 'A new TOTP secret to scan (QR code) or type, kept until a code confirms it (15 minutes)',
      request: { body: jsonBody(z.object({ token }).strict()) },
      responses: {
        200: jsonResponse(
          z.object({ pendingId: z.string(), secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() }),
          'The secret, for this user only: it is not stored in clear and never shown again.',
        ),
      },
    }),
    async (c) => {
      const o = await open(c, c.req.valid('json').token);
      c.get('audit').read = true;
      return c.json(await flow.beginTotp(o, deps.now()), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/enroll/totp/confirm',
      operationId: 'enrollTotpConfirm',
      errors: [...LINK_ERRORS, 'ENROLLMENT_FACTOR_REJECTED'],
      tags: ENROLL_TAGS,
      summary: 'Confirms the TOTP being set up with a current code; it is enrolled',
      request: {
        body: jsonBody(z.object({ token, pendingId: z.string().min(1).max(64), code: z.string().min(1).max(16), label }).strict()),
      },
      responses: { 201: jsonResponse(z.object({ authenticator: enrolled }), 'Enrolled.') },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const o = await open(c, b.token);
      const authenticator = await flow.confirmTotp(o, b.pendingId, b.code, b.label, deps.now());
      c.get('audit').detail = { kind: 'totp', authenticator: authenticator.id };
      return c.json({ authenticator }, 201);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/enroll/webauthn/options',
      operationId: 'enrollWebauthnOptions',
      errors: [...LINK_ERRORS, 'ENROLLMENT_INCOMPLETE'],
      tags: ENROLL_TAGS,
      summary: 'Options for navigator.credentials.create() to make a passkey or use a security key',
      request: { body: jsonBody(z.object({ token }).strict()) },
      responses: {
        200: jsonResponse(
          z.object({ pendingId: z.string(), options: z.record(z.unknown()).openapi({ description: 'PublicKeyCredentialCreationOptionsJSON' }) }),
          'The challenge is kept 15 minutes, for one registration.',
        ),
      },
    }),
    async (c) => {
      const o = await open(c, c.req.valid('json').token);
      c.get('audit').read = true;
      const r = await flow.webauthnOptions(o, deps.now());
      return c.json({ pendingId: r.pendingId, options: r.options as unknown as Record<string, unknown> }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/enroll/webauthn/register',
      operationId: 'enrollWebauthnRegister',
      errors: [...LINK_ERRORS, 'ENROLLMENT_FACTOR_REJECTED', 'ENROLLMENT_INCOMPLETE'],
      tags: ENROLL_TAGS,
      summary: "Checks the browser's registration response; the passkey or security key is enrolled",
      request: {
        body: jsonBody(
          z
            .object({
              token,
              pendingId: z.string().min(1).max(64),
              response: z.record(z.unknown()).openapi({ description: 'RegistrationResponseJSON, as @simplewebauthn/browser gives it' }),
              label,
            })
            .strict(),
        ),
      },
      responses: { 201: jsonResponse(z.object({ authenticator: enrolled }), 'Enrolled.') },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const o = await open(c, b.token);
      const authenticator = await flow.webauthnRegister(o, b.pendingId, b.response as unknown as RegistrationResponseJSON, b.label, deps.now());
      c.get('audit').detail = { kind: 'webauthn', authenticator: authenticator.id };
      return c.json({ authenticator }, 201);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/enroll/finish',
      operationId: 'enrollFinish',
      errors: [...LINK_ERRORS, 'ENROLLMENT_INCOMPLETE'],
      tags: ENROLL_TAGS,
      summary: 'Ends the enrollment: new one-time recovery codes (the old ones stop working); the link is used',
      request: { body: jsonBody(z.object({ token }).strict()) },
      responses: { 200: jsonResponse(z.object({ recoveryCodes: z.array(z.string()) }), 'Shown once: only their keyed hashes are kept.') },
    }),
    async (c) => {
      const o = await open(c, c.req.valid('json').token);
      const recoveryCodes = await flow.finish(o, deps.now());
      c.get('audit').detail = { recoveryCodes: recoveryCodes.length };
      return c.json({ recoveryCodes }, 200);
    },
  );
}
