import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonBody, jsonResponse, type ApiApp } from '../route.js';

/**
 * Password hash sync (issue 14): verifying a password (a `verify` token only), and each user's
 * sync status and attempts (read-only admins and up). No answer ever holds a verifier.
 */

const verifyBody = z
  .object({
    username: z.string().min(1).max(256).openapi({ description: 'A username or one of its aliases (case-insensitive).' }),
    password: z.string().min(1).max(1024),
  })
  .strict();

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
      summary: "Check a user's password (for applications and proxies)",
      description:
        "The user's newest password counts: synced from the directory (password hash sync) or set in idsync. A disabled or trashed user, an unknown " +
        'one and a wrong password all answer 401 AUTH_FAILED after the same work. Limits per user and per client (429 with Retry-After), and a bounded ' +
        'queue of checks (429 with Retry-After when full). Failures are audited, without the password; successes are not.',
      request: { body: jsonBody(verifyBody) },
      responses: {
        200: jsonResponse(z.object({ valid: z.literal(true), user: z.object({ id: z.number().int(), username: z.string() }) }), 'The password matches.'),
      },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      const p = c.get('principal')!;
      const note = c.get('audit');
      note.target = `username=${username.slice(0, 256)}`;
      const r = await deps.verifier.verify(username, password, `token:${p.id}`, deps.now().getTime());
      if (!r.ok) {
        note.detail = { why: r.why };
        throw new IdsyncError('AUTH_FAILED', 'wrong username or password');
      }
      // A success is not an administrative action: not written to the audit log (an application may verify many per second).
      note.read = true;
      return c.json({ valid: true as const, user: { id: r.userId, username: r.username } }, 200);
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
