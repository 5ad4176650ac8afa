import { createRoute, type OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { isTokenScope, rolesFrom, type Role, type TokenScope } from '../auth/roles.js';
import { MIN_PASSWORD_LENGTH } from '../auth/passwords.js';
import { ErrorCodes, type ErrorCode } from '../errors.js';
import type { ApiDeps, AppEnv } from './context.js';
import { guard } from './guard.js';

export type ApiApp = OpenAPIHono<AppEnv>;

/** Who may call a route: a minimum role, or anyone (login, setup, the OpenAPI document). */
export type Access = Role | TokenScope | 'public';

/** The OpenAPI extension that states a route's minimum role; the role tests read it back from the document. */
export const ROLE_EXTENSION = 'x-idsync-min-role';

const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'VALIDATION_FAILED' }),
      message: z.string(),
      field: z.string().optional().openapi({ description: 'The request field the error concerns, as a path: `servers[1]`, `bind.password`.' }),
      issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error');

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });

/** The OpenAPI extension listing, per error status, the codes an operation can answer with. */
export const ERROR_CODES_EXTENSION = 'x-idsync-error-codes';

/** What any operation can answer: a malformed request, a body over api.maxBodyKb, the store down, a bug. */
const ALWAYS: ErrorCode[] = ['VALIDATION_FAILED', 'PAYLOAD_TOO_LARGE', 'STORE_UNAVAILABLE', 'INTERNAL'];
/** What the role gate (guard.ts) answers before a protected handler runs. */
const GUARDED: ErrorCode[] = ['AUTH_REQUIRED', 'AUTH_FAILED', 'FORBIDDEN', 'CSRF_FAILED'];
/** What an operation that talks to a directory server can meet (src/directory/errors.ts maps them). */
export const DIRECTORY_ERRORS: ErrorCode[] = [
  'DIRECTORY_UNREACHABLE',
  'DIRECTORY_TLS',
  'DIRECTORY_BIND_FAILED',
  'DIRECTORY_TIMEOUT',
  'DIRECTORY_OPERATION_FAILED',
  'DIRECTORY_MISCONFIGURED',
  'DIRECTORY_PROTOCOL',
  'DIRECTORY_LIMIT_EXCEEDED',
];

const WHY: Partial<Record<number, string>> = {
  400: 'The request is invalid; `field` names the offending part.',
  401: 'Not authenticated.',
  403: 'Not allowed.',
  404: 'Not found.',
  409: 'Conflicts with the current state.',
  413: 'The request body is larger than `api.maxBodyKb`.',
  422: "The directory's configuration cannot work.",
  429: 'Too many attempts; see Retry-After.',
  500: 'An internal error; the idsync log has the details.',
  502: 'The directory server failed or refused.',
  503: 'The store is unavailable.',
  504: 'The directory server did not answer in time.',
};

/**
 * The error responses of an operation, derived from the codes it can raise (ErrorCodes gives each
 * its status), so the document lists every status the operation answers and cannot drift from
 * it: the contract test (api-contract.test.ts) reads them back. A route's own words for a status
 * come first in the description.
 */
export function errorResponses(codes: readonly ErrorCode[], own: Record<string, { description?: string }> = {}) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ErrorCodes[code].http;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<number, ReturnType<typeof errorResponse> & { [ERROR_CODES_EXTENSION]: ErrorCode[] }> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const words = own[status]?.description ?? WHY[status] ?? 'An error.';
    out[status] = { ...errorResponse(`${words} Codes: ${list.map((c) => `\`${c}\``).join(', ')}.`), [ERROR_CODES_EXTENSION]: list };
  }
  return out;
}

function tag(operationId: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('operation', operationId);
    const note = c.get('audit');
    const params = Object.entries(c.req.param() as Record<string, string>);
    if (note && note.target === undefined && params.length) note.target = params.map(([k, v]) => `${k}=${v}`).join(' ');
    await next();
  };
}

/**
 * createRoute plus what every idsync route has: its operationId as the audit action, the gate
 * for its minimum role (before request validation, so a refused caller learns nothing about the
 * body), the role in the document, and its error responses, derived from `errors` (the codes the
 * handler can raise, beyond those every route or every protected route can).
 */
export function apiRoute<
  P extends string,
  R extends Omit<RouteConfig, 'path' | 'middleware' | 'security'> & { path: P; operationId: string; errors?: ErrorCode[] },
>(deps: ApiDeps, access: Access, r: R) {
  const middleware: MiddlewareHandler<AppEnv>[] = [tag(r.operationId)];
  if (access !== 'public') middleware.push(guard(deps, access));
  const roles = access === 'public' ? 'anyone' : isTokenScope(access) ? `API tokens with the scope ${access} only` : rolesFrom(access).join(', ');
  const { errors = [], ...config } = r;
  const codes = [...ALWAYS, ...(access === 'public' ? [] : GUARDED), ...errors];
  const statuses = new Set(codes.map((c) => String(ErrorCodes[c].http)));
  const success: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(r.responses)) {
    if (Number(status) < 400) success[status] = response;
    // An error status written by hand without its code in `errors` keeps the error shape; the
    // contract test (api-contract.test.ts) then names the code missing from the list.
    else if (!statuses.has(status)) success[status] = errorResponse((response as { description?: string }).description ?? WHY[Number(status)] ?? 'An error.');
  }
  const route = createRoute({
    ...(config as RouteConfig & { path: P }),
    middleware,
    description: `${r.description ?? ''}\n\nRoles: ${roles}.`.trim(),
    security: access === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    [ROLE_EXTENSION]: access,
    responses: { ...success, ...errorResponses(codes, r.responses as Record<string, { description?: string }>) } as RouteConfig['responses'],
  });
  // The handler's types (validated input, allowed responses) come from the route as written;
  // what is added here (middleware, error responses) does not change them.
  return route as unknown as R & { middleware: MiddlewareHandler<AppEnv>[]; getRoutingPath(): string };
}

export function jsonBody<T extends z.ZodTypeAny>(schema: T, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } };
}

export function jsonResponse<T extends z.ZodTypeAny>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

/**
 * A non-negative integer in a query string, as digits only: `z.coerce.number()` took `0x10`,
 * `1e3` and an empty string, and its document said `nullable` (Number(null) is 0) while
 * `?offset=null` was refused. The maximum keeps it an exact integer the store can bind:
 * `offset=99999999999999999999` reached SQLite as a float it refused ("datatype mismatch").
 */
export function queryInt(min: number, max: number, fallback: number, description?: string) {
  return (
    z
      .string()
      .regex(/^\d{1,16}$/, `must be a whole number from ${min} to ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional()
      .transform((v) => v ?? fallback)
      // The document shows what is sent (an integer); the metadata's types expect the schema's input type, a string.
      .openapi({ type: 'integer', minimum: min, maximum: max, default: fallback as unknown as string, ...(description ? { description } : {}) })
  );
}

/** The largest offset a list takes: beyond it no list has rows, and it stays an exact integer. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/** limit/offset paging, shared by every list. */
export function paging(maxLimit: number, defaultLimit: number) {
  return {
    limit: queryInt(1, maxLimit, defaultLimit, `At most ${maxLimit}.`),
    offset: queryInt(0, MAX_OFFSET, 0, 'How many items to skip.'),
  };
}

/** A numeric id in a path: digits only, and small enough to be exact. */
export function pathId() {
  return z
    .string()
    .regex(/^\d{1,16}$/, 'must be a positive whole number')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be a positive whole number').max(MAX_OFFSET))
    .openapi({ type: 'integer', minimum: 1, maximum: MAX_OFFSET });
}

/** A new admin password, with the policy of src/auth/passwords.ts stated in the document. */
export const newPasswordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`)
  .max(1024)
  .openapi({ description: `At least ${MIN_PASSWORD_LENGTH} characters.` });

export function page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

/** Query booleans arrive as text. */
export const queryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
