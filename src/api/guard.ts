import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import { IdsyncError } from '../errors.js';
import { findSession, csrfMatches, sessionStillValid } from '../auth/sessions.js';
import { findActiveToken, tokenLive } from '../auth/tokens.js';
import { atLeast, isTokenScope, rolesFrom, type Role, type TokenScope } from '../auth/roles.js';
import type { ApiDeps, AppEnv, Principal } from './context.js';

export const SESSION_COOKIE = 'idsync_session';
export const CSRF_COOKIE = 'idsync_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** The socket's peer address, when the request came through @hono/node-server (tests pass it as env). */
function socketAddress(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } }; server?: { incoming?: { socket?: { remoteAddress?: string } } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.server?.incoming?.socket?.remoteAddress ?? null;
}

const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * The client's address for the audit log and rate limits. Behind a proxy (api.trustProxy) it is
 * the last X-Forwarded-For hop, the one the trusted proxy added; otherwise the socket's peer,
 * and forwarding headers are ignored because anyone can send them.
 */
export function clientIp(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const xff = c.req.header('x-forwarded-for');
    const last = xff
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .pop();
    if (last) return last;
  }
  return socketAddress(c);
}

function isLoopback(addr: string | null): boolean {
  if (!addr) return false;
  return addr === '::1' || /^(::ffff:)?127\./.test(addr);
}

/**
 * First-run setup is only for someone on the machine itself: the socket peer is a loopback
 * address and no proxy sits in between (a local reverse proxy would make every visitor look local).
 */
export function isLocalRequest(c: Context): boolean {
  return isLoopback(socketAddress(c)) && !PROXY_HEADERS.some((h) => c.req.header(h) !== undefined);
}

/** Cookies are Secure when configured, or when the request came over https (directly or through a trusted proxy). */
export function secureRequest(c: Context, deps: ApiDeps): boolean {
  if (deps.config.api.secureCookies) return true;
  if (new URL(c.req.url).protocol === 'https:') return true;
  return deps.config.api.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0].trim() === 'https';
}

/**
 * Authentication: `Authorization: Bearer <API token>` first, else the panel's session cookie.
 * A bearer header that does not hold a valid token is refused outright (no fallback to the
 * cookie), so a script with a revoked token fails loudly.
 */
export async function authenticate(c: Context<AppEnv>, deps: ApiDeps): Promise<Principal | undefined> {
  const now = deps.now();
  const authz = c.req.header('authorization');
  if (authz !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authz);
    if (!m) throw new IdsyncError('AUTH_FAILED', 'the Authorization header must be "Bearer <API token>"');
    const t = await findActiveToken(deps.store, m[1], now);
    if (!t) throw new IdsyncError('AUTH_FAILED', 'the API token is unknown, revoked or expired');
    if (isTokenScope(t.role)) return { kind: 'token', id: t.id, name: t.name, role: 'read_only', scope: t.role };
    return { kind: 'token', id: t.id, name: t.name, role: t.role as Role };
  }
  const sid = getCookie(c, SESSION_COOKIE);
  if (!sid) return undefined;
  const s = await findSession(deps.store, sid, { idleMinutes: deps.config.api.sessionIdleMinutes, maxHours: deps.config.api.sessionMaxHours }, now);
  if (!s) {
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    throw new IdsyncError('AUTH_REQUIRED', 'the session has expired; log in again');
  }
  c.set('csrfOk', csrfMatches(s, c.req.header(CSRF_HEADER)));
  return { kind: 'admin', id: s.admin.id, name: s.admin.username, role: s.admin.role as Role, sessionIdHash: s.idHash };
}

/**
 * The one gate of every protected route: who is asking (401 when nobody), whether a cookie
 * session's state-changing request carries its CSRF token (403), and whether the role is
 * enough (403). Bearer tokens need no CSRF token: a browser never adds them by itself.
 */
export function guard(deps: ApiDeps, minimum: Role | TokenScope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const p = c.get('principal') ?? (await authenticate(c, deps));
    if (!p) throw new IdsyncError('AUTH_REQUIRED', 'log in, or send an API token as "Authorization: Bearer <token>"');
    c.set('principal', p);
    // A scoped token calls the routes of its scope and nothing else; those routes take nobody else.
    if (isTokenScope(minimum) || p.scope) {
      if (p.scope !== minimum) {
        throw new IdsyncError(
          'FORBIDDEN',
          p.scope ? `the token has the scope ${p.scope}, which allows nothing else` : `this needs an API token with the scope ${minimum}`,
        );
      }
      await next();
      return;
    }
    if (p.kind === 'admin' && !isSafeMethod(c.req.method) && !c.get('csrfOk')) {
      throw new IdsyncError(
        'CSRF_FAILED',
        `state-changing requests of a panel session must send the session's CSRF token in the ${CSRF_HEADER} header (the ${CSRF_COOKIE} cookie holds it)`,
      );
    }
    if (!atLeast(p.role, minimum)) {
      throw new IdsyncError('FORBIDDEN', `this needs the role ${rolesFrom(minimum).join(' or ')}; ${p.kind === 'token' ? 'the token' : p.name} has ${p.role}`);
    }
    await next();
  };
}

const SECURITY_HEADERS: [string, string][] = [
  ['Cache-Control', 'no-store'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
];

/**
 * no-store (answers hold directory data), no sniffing, no framing, nothing loaded by an answer.
 * A header a handler set itself is kept: the panel's static files choose their own caching and CSP.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  for (const [name, value] of SECURITY_HEADERS) if (!c.res.headers.has(name)) c.header(name, value);
};

/** For long-lived answers (the event stream): whether the caller's session or token still holds. */
export async function principalStillValid(deps: ApiDeps, p: Principal): Promise<boolean> {
  const now = deps.now();
  if (p.kind === 'token') {
    const t = await deps.store.apiTokens.findById(p.id);
    return !!t && tokenLive(t, now);
  }
  if (!p.sessionIdHash) return false;
  return sessionStillValid(deps.store, p.sessionIdHash, { idleMinutes: deps.config.api.sessionIdleMinutes, maxHours: deps.config.api.sessionMaxHours }, now);
}
