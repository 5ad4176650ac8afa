import { z } from '@hono/zod-openapi';
import { resetAdminPassword, setAdminRole } from '../../auth/admin-accounts.js';
import { ROLES } from '../../auth/roles.js';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { atField } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, newPasswordSchema, type ApiApp } from '../route.js';
import { adminSchema } from './auth.js';

const usernameParam = z.object({ username: z.string().min(1).max(64) });

/** What an owner does for other admins beyond creating and deleting them (issue 10 item 19). */
export function registerAdminAccountRoutes(app: ApiApp, deps: ApiDeps): void {
  const fieldOf = (err: unknown) => (err instanceof IdsyncError && err.where ? atField(err, err.where) : err);

  app.openapi(
    apiRoute(deps, 'owner', {
      method: 'put',
      path: '/api/v1/admins/{username}/role',
      operationId: 'updateAdminRole',
      tags: ['admins'],
      summary: "Change an admin's role (applies at once to their sessions)",
      description: 'The last owner keeps the owner role (409).',
      request: { params: usernameParam, body: jsonBody(z.object({ role: z.enum(ROLES) }).strict()) },
      errors: ['STORE_NOT_FOUND', 'STORE_CONFLICT'],
      responses: {
        200: jsonResponse(adminSchema, 'The admin with the new role.'),
        404: { description: 'No such admin.' },
        409: { description: 'The last owner.' },
      },
    }),
    async (c) => {
      const { role } = c.req.valid('json');
      c.get('audit').detail = { role };
      try {
        return c.json(await setAdminRole(deps.store, c.req.valid('param').username, role, deps.now()), 200);
      } catch (err) {
        throw fieldOf(err);
      }
    },
  );

  app.openapi(
    apiRoute(deps, 'owner', {
      method: 'put',
      path: '/api/v1/admins/{username}/password',
      operationId: 'resetAdminPassword',
      tags: ['admins'],
      summary: 'Set a new password for another admin and end their sessions',
      description: "Passwords need at least 12 characters. Not for one's own account (use /api/v1/me/password with the current password).",
      request: { params: usernameParam, body: jsonBody(z.object({ password: newPasswordSchema }).strict()) },
      errors: ['STORE_NOT_FOUND'],
      responses: { 204: { description: 'Set; their sessions have ended.' }, 404: { description: 'No such admin.' } },
    }),
    async (c) => {
      try {
        await resetAdminPassword(deps.store, c.req.valid('param').username, c.req.valid('json').password, c.get('principal')!.name, deps.now());
      } catch (err) {
        throw fieldOf(err);
      }
      return c.body(null, 204);
    },
  );
}
