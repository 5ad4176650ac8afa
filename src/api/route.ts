import { createRoute, OpenAPIHono, z, type RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { rolesFrom, type Role } from '../auth/roles.js';
import type { ApiDeps, AppEnv } from './context.js';
import { guard } from './guard.js';

export type ApiApp = OpenAPIHono<AppEnv>;

/** Who may call a route: a minimum role, or anyone (login, setup, the OpenAPI document). */
export type Access = Role | 'public';

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
 * body), the role in the document, and the common error responses.
 */
export function apiRoute<P extends string, R extends Omit<RouteConfig, 'path' | 'middleware' | 'security'> & { path: P; operationId: string }>(deps: ApiDeps, access: Access, r: R) {
  const middleware: MiddlewareHandler<AppEnv>[] = [tag(r.operationId)];
  if (access !== 'public') middleware.push(guard(deps, access));
  const roles = access === 'public' ? 'anyone' : rolesFrom(access).join(', ');
  const route = createRoute({
    ...(r as RouteConfig & { path: P }),
    middleware,
    description: `${r.description ?? ''}\n\nRoles: ${roles}.`.trim(),
    security: access === 'public' ? [] : [{ bearerAuth: [] }, { cookieAuth: [] }],
    [ROLE_EXTENSION]: access,
    responses: {
      ...r.responses,
      400: errorResponse('The request is invalid; `field` names the offending part.'),
      ...(access === 'public' ? {} : { 401: errorResponse('Not authenticated.'), 403: errorResponse('The role is not enough, or the CSRF token is missing.') }),
    },
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

/** limit/offset paging, shared by every list. */
export function paging(maxLimit: number, defaultLimit: number) {
  return {
    limit: z.coerce.number().int().min(1).max(maxLimit).default(defaultLimit).openapi({ description: `At most ${maxLimit}.` }),
    offset: z.coerce.number().int().min(0).default(0),
  };
}

export function page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
}

/** Query booleans arrive as text. */
export const queryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
