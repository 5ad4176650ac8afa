import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonBody, jsonResponse, type ApiApp } from '../route.js';
import { ALLOW_REASONS, DENY_REASONS, type FactorInput } from '../../second-factor/verify.js';

/**
 * Password hash sync (issue 14): verifying a password (a `verify` token only), and each user's
 * sync status and attempts (read-only admins and up). No answer ever holds a verifier.
 */

const secondFactor = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('none') }).strict(),
    z.object({ type: z.literal('totp'), code: z.string().min(1).max(16) }).strict(),
    z.object({ type: z.literal('recovery'), code: z.string().min(1).max(64) }).strict(),
    z
      .object({
        type: z.literal('webauthn'),
        challengeId: z.string().min(1).max(64).openapi({ description: 'From POST /api/v1/auth/verify/webauthn/challenge.' }),
        response: z.record(z.unknown()).openapi({ description: 'AuthenticationResponseJSON from navigator.credentials.get() (@simplewebauthn/browser).' }),
      })
      .strict(),
  ])
  .openapi('SecondFactorInput', {
    description:
      'Issue 15: the second factor. `none` asks what applies (bypass, or which factors the user has); `totp` a current code; `recovery` a one-time ' +
      'recovery code; `webauthn` an assertion on a challenge.',
  });

const verifyBody = z
  .object({
    username: z.string().min(1).max(256).openapi({ description: 'A username or one of its aliases (case-insensitive).' }),
    password: z.string().min(1).max(1024).optional().openapi({ description: 'Checked first when given; required without `secondFactor`.' }),
    secondFactor: secondFactor.optional(),
  })
  .strict()
  .refine((b) => b.password !== undefined || b.secondFactor !== undefined, { message: 'give a password, a secondFactor, or both', path: ['password'] });

const factorDecision = z
  .object({
    decision: z.enum(['allow', 'deny']),
    reason: z.enum([...ALLOW_REASONS, ...DENY_REASONS]).openapi({
      description:
        'allow: `bypass` (the user or one of their groups skips the second factor) or `verified`; deny: `not_enrolled`, `disabled` (the user), ' +
        '`disabled_by_group`, `locked_out`, `bad_code`, `replayed_code` (a TOTP code already used in its time step), `factor_required` (no factor ' +
        'was given; `factors` says which the user has), `unknown_user`.',
    }),
    user: z.object({ id: z.number().int(), username: z.string() }).nullable(),
    method: z.enum(['totp', 'recovery', 'webauthn']).optional(),
    factors: z.array(z.enum(['totp', 'recovery', 'webauthn'])).optional(),
    password: z
      .literal('valid')
      .optional()
      .openapi({ description: 'Present when a password was given (a wrong one is 401 AUTH_FAILED, as without a factor).' }),
  })
  .openapi('SecondFactorDecision');

const statusSchema = z
  .object({
    directory: z.string(),
    externalId: z.string(),
    username: z.string().openapi({ description: 'The name the source reported (sAMAccountName).' }),
    userId: z.number().int().nullable(),
    source: z.string().openapi({
      description: '`agent:NAME` (password hash sync), `ldap:userPassword` (an OpenLDAP hash imported at the hub), or `none` (SourceConnectorNotPresent).',
    }),
    status: z.enum(['Success', 'FilteredByTarget', 'NoTargetConnection', 'SourceConnectorNotPresent', 'Failed']),
    reason: z.string().nullable(),
    changedAt: z.string().nullable(),
    updatedAt: z.string(),
    kdf: z.string().nullable().openapi({
      description: 'The KDF or scheme and its parameters (`argon2id m=19456,t=2,p=1`, `CRYPT $6$ rounds=5000`); never the verifier or the hash.',
    }),
    attempts: z.array(z.object({ status: z.string(), reason: z.string().nullable(), at: z.string() })).optional(),
  })
  .openapi('PasswordSyncStatus');

export function registerPasswordRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'verify', {
      method: 'post',
      path: '/api/v1/auth/verify',
      operationId: 'verifyPassword',
      errors: ['AUTH_FAILED', 'RATE_LIMITED'],
      tags: ['auth'],
      summary: "Check a user's password, second factor, or both (for applications and proxies)",
      description:
        "The user's newest password counts: synced from the directory (password hash sync) or set in idsync. A disabled or trashed user, an unknown " +
        'one and a wrong password all answer 401 AUTH_FAILED after the same work. Limits per user and per client (429 with Retry-After), and a bounded ' +
        'queue of checks (429 with Retry-After when full). Password failures are audited, without the password; password-only successes are not.\n\n' +
        'With `secondFactor` (issue 15) the answer is a decision, allow or deny with a reason (after the password, when one is given), and every ' +
        'decision is audited, without the code. Wrong and replayed codes count towards the lockout (`secondFactor.maxFailures`).',
      request: { body: jsonBody(verifyBody) },
      responses: {
        200: jsonResponse(
          z.union([z.object({ valid: z.literal(true), user: z.object({ id: z.number().int(), username: z.string() }) }), factorDecision]),
          'Without `secondFactor`: the password matches. With it: the decision.',
        ),
      },
    }),
    async (c) => {
      const { username, password, secondFactor: factor } = c.req.valid('json');
      const p = c.get('principal')!;
      const note = c.get('audit');
      note.target = `username=${username.slice(0, 256)}`;
      let user: { id: number; username: string } | undefined;
      if (password !== undefined) {
        const r = await deps.verifier.verify(username, password, `token:${p.id}`, deps.now().getTime());
        if (!r.ok) {
          note.detail = { why: r.why };
          throw new IdsyncError('AUTH_FAILED', 'wrong username or password');
        }
        user = { id: r.userId, username: r.username };
      } else {
        deps.secondFactor.admit(`token:${p.id}`);
      }
      if (!factor) {
        // A success is not an administrative action: not written to the audit log (an application may verify many per second).
        note.read = true;
        return c.json({ valid: true as const, user: user! }, 200);
      }
      const d = await deps.secondFactor.verify(user?.username ?? username, factor as FactorInput, deps.now());
      // Every second-factor decision is audited (issue 15): the decision, reason and method, never the code.
      note.detail = { decision: d.decision, reason: d.reason, ...(d.method ? { method: d.method } : {}) };
      return c.json({ ...d, ...(password !== undefined ? { password: 'valid' as const } : {}) }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'verify', {
      method: 'post',
      path: '/api/v1/auth/verify/webauthn/challenge',
      operationId: 'verifyWebauthnChallenge',
      errors: ['RATE_LIMITED', 'CONFIG_INVALID'],
      tags: ['auth'],
      summary: "A WebAuthn challenge for a user's passkeys and security keys, for POST /api/v1/auth/verify (issue 15)",
      description:
        'Pass `options` to navigator.credentials.get() on a page of the `api.publicUrl` host (the relying party), then send the response with ' +
        '`challengeId` as `secondFactor: { type: webauthn }`. A challenge is good for one assertion within 5 minutes. `challengeId` is null when the ' +
        'user has no passkey (or is unknown).',
      request: { body: jsonBody(z.object({ username: z.string().min(1).max(256) }).strict()) },
      responses: {
        200: jsonResponse(
          z.object({
            challengeId: z.string().nullable(),
            options: z.record(z.unknown()).nullable().openapi({ description: 'PublicKeyCredentialRequestOptionsJSON' }),
          }),
          'The challenge, or nulls.',
        ),
      },
    }),
    async (c) => {
      const { username } = c.req.valid('json');
      deps.secondFactor.admit(`token:${c.get('principal')!.id}`);
      c.get('audit').read = true;
      const r = await deps.secondFactor.webauthnChallenge(username, deps.now());
      return c.json({ challengeId: r?.challengeId ?? null, options: (r?.options as unknown as Record<string, unknown>) ?? null }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/password-sync',
      operationId: 'listPasswordSync',
      tags: ['passwords'],
      summary: 'Password sync status of every user, or of one (with its attempts of the retention period)',
      request: { query: z.object({ username: z.string().min(1).max(256).optional() }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(statusSchema) }), 'One row per user of each password source.') },
    }),
    async (c) => {
      const { username } = c.req.valid('query');
      const sources = (await deps.directories.configs()).filter((d) => d.importPasswordHashes).map((d) => d.name);
      const rows = await deps.store.passwordSync.status(username, sources);
      const items = username
        ? await Promise.all(rows.map(async (r) => ({ ...r, attempts: await deps.store.passwordSync.history(r.directory, r.externalId) })))
        : rows;
      return c.json({ items }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/password-sync/resync',
      operationId: 'resyncPasswords',
      tags: ['passwords'],
      summary: 'Ask every connected agent to read every password in scope again',
      request: { body: jsonBody(z.object({ directory: z.string().min(1).optional() }).strict()) },
      responses: { 202: jsonResponse(z.object({ agents: z.array(z.string()) }), 'The agents asked (connected ones only).') },
    }),
    async (c) => {
      const { directory } = c.req.valid('json');
      if (directory) c.get('audit').target = `directory=${directory}`;
      return c.json({ agents: deps.agentHub?.resyncPasswords(directory) ?? [] }, 202);
    },
  );
}
