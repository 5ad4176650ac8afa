import { z } from '@hono/zod-openapi';
import {
  GROUP_FACTOR_STATUSES,
  groupRef,
  removeAuthenticator,
  secondFactorView,
  setUserFactorStatus,
  USER_FACTOR_STATUSES,
} from '../../second-factor/admin.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonBody, jsonResponse, pathId, type ApiApp } from '../route.js';

/**
 * The second factor for administrators (issue 15): a user's authenticators and status, removing
 * one, statuses of users and groups (Duo's: active, bypass, disabled, locked out). Every change is
 * audited; no answer holds a TOTP secret, a recovery code or a link token (only kinds, labels,
 * dates and counts).
 */
const TAGS = ['second factor'];
const username = z.string().min(1).max(256);
const statusView = z
  .object({
    username: z.string(),
    status: z.enum(USER_FACTOR_STATUSES).openapi({ description: "The user's own status (set by an administrator, or by a lockout)." }),
    effectiveStatus: z
      .enum(['active', 'bypass', 'disabled', 'disabled_by_group', 'locked_out'])
      .openapi({ description: 'What verification applies: the directory, the groups and the user\'s own status together ("disabled wins over bypass").' }),
    failures: z.number().int().openapi({ description: 'Failed second-factor attempts since the last success.' }),
    lockedUntil: z.string().nullable().openapi({ description: 'When an automatic lockout ends; null while locked out until an administrator unlocks.' }),
    authenticators: z.array(
      z.object({
        id: z.number().int(),
        kind: z.enum(['totp', 'webauthn']),
        label: z.string(),
        createdAt: z.string(),
        lastUsedAt: z.string().nullable(),
      }),
    ),
    recoveryCodesLeft: z.number().int(),
  })
  .openapi('UserSecondFactor');
const groupStatusBody = z.object({ status: z.enum(GROUP_FACTOR_STATUSES) }).strict();
const groupStatusAnswer = z.object({ kind: z.enum(['synced', 'local']), groupId: z.number().int(), name: z.string(), status: z.enum(GROUP_FACTOR_STATUSES) });

export function registerSecondFactorRoutes(app: ApiApp, deps: ApiDeps): void {
  const by = (c: { get(k: 'principal'): { name: string } | undefined }) => c.get('principal')?.name ?? 'unknown';

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/users/{username}/second-factor',
      operationId: 'getUserSecondFactor',
      errors: ['STORE_NOT_FOUND'],
      tags: TAGS,
      summary: "A user's second-factor status and authenticators (kinds and labels, never a secret)",
      request: { params: z.object({ username }) },
      responses: { 200: jsonResponse(statusView, 'The user.') },
    }),
    async (c) => c.json(await secondFactorView(deps.store, c.req.valid('param').username, deps.now()), 200),
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'put',
      path: '/api/v1/users/{username}/second-factor/status',
      operationId: 'setUserFactorStatus',
      errors: ['STORE_NOT_FOUND', 'STORE_ATTRIBUTE_OWNED'],
      tags: TAGS,
      summary: "Sets a user's status: active (also unlocks), bypass, disabled (local users only) or locked_out (until set active again)",
      request: { params: z.object({ username }), body: jsonBody(z.object({ status: z.enum(USER_FACTOR_STATUSES) }).strict()) },
      responses: { 200: jsonResponse(statusView, 'The user, as now.') },
    }),
    async (c) => {
      const { status } = c.req.valid('json');
      const u = await setUserFactorStatus(deps.store, c.req.valid('param').username, status, by(c), deps.now());
      c.get('audit').detail = { status };
      return c.json(await secondFactorView(deps.store, u.username, deps.now()), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'delete',
      path: '/api/v1/users/{username}/authenticators/{id}',
      operationId: 'removeAuthenticator',
      errors: ['STORE_NOT_FOUND'],
      tags: TAGS,
      summary: "Removes one of a user's authenticators (a lost phone or key)",
      request: { params: z.object({ username, id: pathId() }) },
      responses: { 204: { description: 'Removed.' } },
    }),
    async (c) => {
      const { username: name, id } = c.req.valid('param');
      const r = await removeAuthenticator(deps.store, name, id);
      c.get('audit').detail = { kind: r.kind, label: r.label };
      return c.body(null, 204);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/second-factor/groups',
      operationId: 'listGroupFactorStatuses',
      tags: TAGS,
      summary: 'Groups, synced and local, whose second-factor status is not active',
      responses: {
        200: jsonResponse(z.object({ items: z.array(groupStatusAnswer.extend({ updatedAt: z.string(), updatedBy: z.string().nullable() })) }), 'The groups.'),
      },
    }),
    async (c) => c.json({ items: await deps.store.secondFactor.listGroupStatuses() }, 200),
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'put',
      path: '/api/v1/groups/{id}/second-factor',
      operationId: 'setGroupFactorStatus',
      errors: ['STORE_NOT_FOUND'],
      tags: TAGS,
      summary: "Sets a synced group's status: active, bypass (members skip the second factor) or disabled (members are denied)",
      description: 'A synced group keeps its status across syncs; its members come from the directory.',
      request: { params: z.object({ id: pathId() }), body: jsonBody(groupStatusBody) },
      responses: { 200: jsonResponse(groupStatusAnswer, 'The group, as now.') },
    }),
    async (c) => {
      const { status } = c.req.valid('json');
      const g = await groupRef(deps.store, { id: c.req.valid('param').id });
      await deps.store.secondFactor.setGroupStatus(g, status, by(c), deps.now());
      c.get('audit').detail = { status, group: g.name };
      return c.json({ kind: g.kind, groupId: g.id, name: g.name, status }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'put',
      path: '/api/v1/local-groups/{name}/second-factor',
      operationId: 'setLocalGroupFactorStatus',
      errors: ['STORE_NOT_FOUND'],
      tags: TAGS,
      summary: "Sets a local group's status: active, bypass or disabled",
      request: { params: z.object({ name: z.string().min(1).max(256) }), body: jsonBody(groupStatusBody) },
      responses: { 200: jsonResponse(groupStatusAnswer, 'The group, as now.') },
    }),
    async (c) => {
      const { status } = c.req.valid('json');
      const g = await groupRef(deps.store, { localName: c.req.valid('param').name });
      await deps.store.secondFactor.setGroupStatus(g, status, by(c), deps.now());
      c.get('audit').detail = { status };
      return c.json({ kind: g.kind, groupId: g.id, name: g.name, status }, 200);
    },
  );
}
