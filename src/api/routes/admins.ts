import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import { ADMIN_USERNAME, createAdmin, deleteAdmin, listAdmins } from '../../auth/admins.js';
import { ROLES, TOKEN_SCOPES } from '../../auth/roles.js';
import { createToken, listTokens, revokeToken } from '../../auth/tokens.js';
import type { ApiDeps } from '../context.js';
import { atField } from '../errors.js';
import { apiRoute, newPasswordSchema, pathId, jsonBody, jsonResponse, type ApiApp } from '../route.js';
import { adminSchema } from './auth.js';

const tokenSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    role: z.enum([...ROLES, ...TOKEN_SCOPES]),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiToken');

/** Admin accounts and API tokens: owners manage them, administrators may look. */
export function registerAdminRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'get',
      path: '/api/v1/admins',
      operationId: 'listAdmins',
      tags: ['admins'],
      summary: 'List admin accounts',
      responses: { 200: jsonResponse(z.object({ items: z.array(adminSchema) }), 'Admins.') },
    }),
    async (c) => c.json({ items: await listAdmins(deps.store) }, 200),
  );

  app.openapi(
    apiRoute(deps, 'owner', {
      method: 'post',
      path: '/api/v1/admins',
      operationId: 'createAdmin',
      errors: ['STORE_CONFLICT'],
      tags: ['admins'],
      summary: 'Create an admin account',
      description: 'Passwords need at least 12 characters.',
      request: {
        body: jsonBody(
          z
            .object({
              username: z.string().regex(ADMIN_USERNAME, 'must be 1-64 letters, digits, dot, dash, underscore or @'),
              role: z.enum(ROLES),
              password: newPasswordSchema,
            })
            .strict(),
        ),
      },
      responses: { 201: jsonResponse(adminSchema, 'Created.') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      c.get('audit').target = `username=${body.username}`;
      c.get('audit').detail = { role: body.role };
      try {
        return c.json(await createAdmin(deps.store, body, deps.now()), 201);
      } catch (err) {
        // createAdmin names the request field in `where` (username, role, password).
        throw err instanceof IdsyncError && err.where ? atField(err, err.where) : err;
      }
    },
  );

  app.openapi(
    apiRoute(deps, 'owner', {
      method: 'delete',
      path: '/api/v1/admins/{username}',
      operationId: 'deleteAdmin',
      errors: ['STORE_NOT_FOUND', 'STORE_CONFLICT'],
      tags: ['admins'],
      summary: 'Delete an admin account, end its sessions and revoke its API tokens',
      description:
        'The API tokens the admin created are revoked, and the tokens those tokens created: no token keeps the rights of an admin who is gone. The last ' +
        'owner cannot be deleted.',
      request: { params: z.object({ username: z.string().min(1).max(64) }) },
      responses: { 204: { description: 'Deleted.' }, 404: { description: 'No such admin.' }, 409: { description: 'The last owner.' } },
    }),
    async (c) => {
      const revoked = await deleteAdmin(deps.store, c.req.valid('param').username, deps.now());
      c.get('audit').detail = { revokedTokens: revoked };
      return c.body(null, 204);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'get',
      path: '/api/v1/tokens',
      operationId: 'listTokens',
      tags: ['tokens'],
      summary: 'List API tokens (never their values)',
      responses: { 200: jsonResponse(z.object({ items: z.array(tokenSchema) }), 'Tokens, revoked ones included.') },
    }),
    async (c) => c.json({ items: await listTokens(deps.store) }, 200),
  );

  app.openapi(
    apiRoute(deps, 'owner', {
      method: 'post',
      path: '/api/v1/tokens',
      operationId: 'createToken',
      tags: ['tokens'],
      summary: 'Create an API token; its value is shown in this answer only',
      request: {
        body: jsonBody(
          z
            .object({
              name: z.string().min(1).max(100),
              role: z
                .enum([...ROLES, ...TOKEN_SCOPES])
                .openapi({ description: 'An admin role, or the scope `verify`: POST /api/v1/auth/verify only, nothing else (issue 14).' }),
              expiresAt: z.string().datetime({ offset: true }).optional().openapi({ description: 'ISO 8601; no expiry when omitted.' }),
            })
            .strict(),
        ),
      },
      responses: { 201: jsonResponse(tokenSchema.extend({ token: z.string().openapi({ description: 'The token. It cannot be read again.' }) }), 'Created.') },
    }),
    async (c) => {
      const body = c.req.valid('json');
      if (body.expiresAt && new Date(body.expiresAt) <= deps.now())
        throw new IdsyncError('VALIDATION_FAILED', 'expiresAt must be in the future', { where: 'expiresAt' });
      const { token, view } = await createToken(
        deps.store,
        {
          name: body.name,
          role: body.role,
          createdBy: { kind: c.get('principal')!.kind, id: c.get('principal')!.id, name: c.get('principal')!.name },
          expiresAt: body.expiresAt ? new Date(body.expiresAt).toISOString() : null,
        },
        deps.now(),
      );
      c.get('audit').target = `id=${view.id}`;
      c.get('audit').detail = { name: view.name, role: view.role };
      return c.json({ ...view, token }, 201);
    },
  );

  app.openapi(
    apiRoute(deps, 'owner', {
      method: 'delete',
      path: '/api/v1/tokens/{id}',
      operationId: 'revokeToken',
      errors: ['STORE_NOT_FOUND'],
      tags: ['tokens'],
      summary: 'Revoke an API token (it stays listed, marked revoked), and the tokens it created',
      request: { params: z.object({ id: pathId() }) },
      responses: { 200: jsonResponse(tokenSchema, 'Revoked.'), 404: { description: 'No such token.' } },
    }),
    async (c) => c.json(await revokeToken(deps.store, c.req.valid('param').id, deps.now()), 200),
  );
}
