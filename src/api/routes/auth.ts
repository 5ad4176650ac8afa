import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { IdsyncError } from '../../errors.js';
import { adminView, countAdmins, createAdmin, findAdmin, setPassword, type AdminRow } from '../../auth/admins.js';
import { verifyAgainstNothing, verifyPassword } from '../../auth/passwords.js';
import { ROLES } from '../../auth/roles.js';
import { createSession, deleteOtherSessions, deleteSession } from '../../auth/sessions.js';
import type { ApiDeps, AppEnv } from '../context.js';
import { fieldError } from '../errors.js';
import { CSRF_COOKIE, isLocalRequest, secureRequest, SESSION_COOKIE } from '../guard.js';
import { apiRoute, newPasswordSchema, jsonBody, jsonResponse, type ApiApp } from '../route.js';

export const adminSchema = z
  .object({ id: z.number().int(), username: z.string(), role: z.enum(ROLES), createdAt: z.string(), lastLoginAt: z.string().nullable() })
  .openapi('Admin');

const credentials = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }).strict();
const loggedIn = z
  .object({
    admin: adminSchema,
    csrfToken: z.string().openapi({ description: 'Send it as X-CSRF-Token on every state-changing request of this session (also in the idsync_csrf cookie).' }),
    expiresAt: z.string(),
  })
  .openapi('LoginResult');

/**
 * Opens a session: the id in an HTTP-only, SameSite=Strict cookie (JavaScript never sees it), the
 * CSRF token in the answer and in a readable SameSite=Strict cookie, so the panel still has it
 * after a reload.
 */
async function startSession(c: Context<AppEnv>, deps: ApiDeps, admin: AdminRow) {
  const now = deps.now();
  const policy = { idleMinutes: deps.config.api.sessionIdleMinutes, maxHours: deps.config.api.sessionMaxHours };
  const s = await createSession(deps.store, admin.id, { ip: c.get('ip'), userAgent: c.req.header('user-agent') ?? null }, policy, now);
  await deps.store.admins.recordLogin(admin.id, now);
  const secure = secureRequest(c, deps);
  const maxAge = Math.floor(policy.maxHours * 3600);
  setCookie(c, SESSION_COOKIE, s.sessionId, { httpOnly: true, sameSite: 'Strict', secure, path: '/', maxAge });
  setCookie(c, CSRF_COOKIE, s.csrfToken, { httpOnly: false, sameSite: 'Strict', secure, path: '/', maxAge });
  c.set('principal', { kind: 'admin', id: admin.id, name: admin.username, role: admin.role as (typeof ROLES)[number] });
  return { admin: adminView({ ...admin, last_login_at: now.toISOString() }), csrfToken: s.csrfToken, expiresAt: s.expiresAt };
}

export function registerAuthRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/auth/login',
      operationId: 'login',
      errors: ['AUTH_FAILED', 'RATE_LIMITED'],
      tags: ['auth'],
      summary: 'Log in to the panel',
      description:
        'Five failures for one username within 15 minutes lock it for 15 minutes; twenty from one address lock the address. Each attempt is counted ' +
        'before its password is checked, and only a few passwords are checked at once. Locked, or too many logins waiting: 429 with Retry-After.',
      request: { body: jsonBody(credentials) },
      responses: { 200: jsonResponse(loggedIn, 'Logged in; the session cookie is set.'), 429: { description: 'Too many failures; see Retry-After.' } },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      c.get('audit').actor = username.slice(0, 64);
      const ip = c.get('ip') ?? 'unknown';
      const admin = await findAdmin(deps.store, username);
      // Counted before the hash, which waits for a slot (src/auth/rate-limit.ts).
      const ok = await deps.limiter.attempt(username, ip, deps.now().getTime(), () =>
        admin ? verifyPassword(password, admin.password_hash) : verifyAgainstNothing(password),
      );
      if (!admin || !ok) throw new IdsyncError('AUTH_FAILED', 'wrong username or password');
      return c.json(await startSession(c, deps, admin), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'post',
      path: '/api/v1/auth/logout',
      operationId: 'logout',
      tags: ['auth'],
      summary: 'End the current panel session',
      responses: { 204: { description: 'Logged out (a no-op for API tokens).' } },
    }),
    async (c) => {
      const p = c.get('principal')!;
      if (p.sessionIdHash) await deleteSession(deps.store, p.sessionIdHash);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      deleteCookie(c, CSRF_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/me',
      operationId: 'getMe',
      tags: ['auth'],
      summary: 'Who is calling: the admin of the session, or the API token',
      responses: { 200: jsonResponse(z.object({ kind: z.enum(['admin', 'token']), name: z.string(), role: z.enum(ROLES) }), 'The caller.') },
    }),
    async (c) => {
      const p = c.get('principal')!;
      return c.json({ kind: p.kind, name: p.name, role: p.role }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'put',
      path: '/api/v1/me/password',
      operationId: 'changeOwnPassword',
      errors: ['RATE_LIMITED'],
      tags: ['auth'],
      summary: 'Change your own password',
      description: 'Ends every other session of the admin. Wrong current passwords count towards the login lockout.',
      request: { body: jsonBody(z.object({ currentPassword: z.string().min(1).max(1024), newPassword: newPasswordSchema }).strict()) },
      responses: { 204: { description: 'Changed.' } },
    }),
    async (c) => {
      const p = c.get('principal')!;
      if (p.kind !== 'admin') throw new IdsyncError('FORBIDDEN', 'an API token has no password; log in as an admin');
      const { currentPassword, newPassword } = c.req.valid('json');
      const ip = c.get('ip') ?? 'unknown';
      const admin = (await findAdmin(deps.store, p.name))!;
      if (!(await deps.limiter.attempt(p.name, ip, deps.now().getTime(), () => verifyPassword(currentPassword, admin.password_hash)))) {
        throw fieldError('VALIDATION_FAILED', 'the current password is wrong', 'currentPassword');
      }
      await setPassword(deps.store, admin.id, newPassword, deps.now());
      await deleteOtherSessions(deps.store, admin.id, p.sessionIdHash);
      return c.body(null, 204);
    },
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'get',
      path: '/api/v1/setup',
      operationId: 'getSetup',
      tags: ['auth'],
      summary: 'Whether first-run setup is needed, and possible from here',
      responses: { 200: jsonResponse(z.object({ needed: z.boolean(), allowedHere: z.boolean() }), 'Setup state.') },
    }),
    async (c) => c.json({ needed: (await countAdmins(deps.store)) === 0, allowedHere: isLocalRequest(c) }, 200),
  );

  app.openapi(
    apiRoute(deps, 'public', {
      method: 'post',
      path: '/api/v1/setup',
      operationId: 'setup',
      errors: ['SETUP_UNAVAILABLE', 'STORE_CONFLICT'],
      tags: ['auth'],
      summary: 'First run: create the first owner and log in',
      description:
        'Only while no admin exists, and only from the machine idsync runs on (a loopback peer and no proxy headers). Otherwise use `idsync admin create`.',
      request: { body: jsonBody(credentials.extend({ password: newPasswordSchema })) },
      responses: { 201: jsonResponse(loggedIn, 'The owner is created and logged in.') },
    }),
    async (c) => {
      const { username, password } = c.req.valid('json');
      c.get('audit').actor = username.slice(0, 64);
      if (!isLocalRequest(c)) {
        throw new IdsyncError(
          'SETUP_UNAVAILABLE',
          'first-run setup only works from the machine idsync runs on (http://127.0.0.1, not through a proxy); or run `idsync admin create --username ' +
            'NAME --role owner` there',
        );
      }
      const created = await deps.store.transact(async (trx) => {
        if ((await countAdmins(trx)) > 0) throw new IdsyncError('SETUP_UNAVAILABLE', 'setup is done: an admin exists already; log in');
        await createAdmin(trx, { username, role: 'owner', password }, deps.now());
        return (await findAdmin(trx, username))!;
      });
      c.get('audit').detail = { role: 'owner' };
      return c.json(await startSession(c, deps, created), 201);
    },
  );
}
