import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import { groupNameSchema } from '../../usernames.js';
import type { ApiDeps } from '../context.js';
import { atField } from '../errors.js';
import { apiRoute, jsonBody, jsonResponse, type ApiApp } from '../route.js';

/**
 * Local groups (issue 12, "Store-owned identities"): made in idsync, with any store user as a
 * member, exported by provisioning. They have their own resource, by name, beside
 * /api/v1/groups, which lists the groups synced from directories (read-only, by numeric id) and
 * keeps answering as it did. Every change is recorded for the provisioning targets in its own
 * transaction (deps.changes) and audited.
 */
const TAG = 'local groups';
const WHAT =
  'Local groups are made in idsync (any store user, local or synced, can be a member) and are exported to provisioning targets; groups synced ' +
  'from directories are read at /api/v1/groups.';

const localGroupSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string().nullable(),
    memberCount: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('LocalGroup');

export const exportSchema = z
  .object({
    directory: z.string(),
    state: z.enum(['pending', 'exported', 'failed', 'conflict']),
    targetDn: z.string().nullable(),
    code: z.string().nullable(),
    reason: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('ExportState', { description: 'The export state of an object at one provisioning target.' });

const localGroupDetailSchema = localGroupSchema
  .extend({
    members: z.array(
      z.object({
        username: z.string(),
        status: z.string(),
        directory: z.string().nullable().openapi({ description: 'The directory that owns the member; null for a local user.' }),
      }),
    ),
    exports: z.array(exportSchema),
  })
  .openapi('LocalGroupDetail');

/** An object's export state at every provisioning target (issue 12), as the API shows it: never a sealed password. */
export async function exportStates(store: ApiDeps['store'], kind: 'user' | 'group', id: number): Promise<z.infer<typeof exportSchema>[]> {
  return (await store.provisioning.recordsOf(kind, id)).map((r) => ({
    directory: r.directory,
    state: r.state,
    targetDn: r.targetDn,
    code: r.code,
    reason: r.reason,
    updatedAt: r.updatedAt,
  }));
}

const nameParam = z.object({ name: z.string().min(1).max(256) });
const descriptionSchema = z.string().max(1024).nullable();

export function registerLocalGroupRoutes(app: ApiApp, deps: ApiDeps): void {
  const store = deps.store;

  const detail = async (name: string) => {
    const g = await store.localGroups.find(name);
    if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no local group "${name}"`);
    const members = await store.localGroups.members(g.id);
    const exports = await exportStates(store, 'group', g.id);
    return {
      ...g,
      memberCount: members.length,
      members: members.map((m) => ({ username: m.username, status: m.status, directory: m.directory })),
      exports,
    };
  };

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/local-groups',
      operationId: 'listLocalGroups',
      tags: [TAG],
      summary: 'Local groups, by name, with member counts',
      description: WHAT,
      responses: { 200: jsonResponse(z.object({ items: z.array(localGroupSchema) }), 'Every local group.') },
    }),
    async (c) => c.json({ items: await store.localGroups.list() }, 200),
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/local-groups/{name}',
      operationId: 'getLocalGroup',
      errors: ['STORE_NOT_FOUND'],
      tags: [TAG],
      summary: 'A local group with its direct members and its export state at each provisioning target',
      description: WHAT,
      request: { params: nameParam },
      responses: { 200: jsonResponse(localGroupDetailSchema, 'The group.'), 404: { description: 'No such local group.' } },
    }),
    async (c) => c.json(await detail(c.req.valid('param').name), 200),
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'post',
      path: '/api/v1/local-groups',
      operationId: 'createLocalGroup',
      errors: ['STORE_CONFLICT'],
      tags: [TAG],
      summary: 'Create a local group',
      description: `${WHAT} Names are unique in any letter case and follow the username rule.`,
      request: { body: jsonBody(z.object({ name: groupNameSchema, description: descriptionSchema.optional() }).strict()) },
      responses: { 201: jsonResponse(localGroupDetailSchema, 'Created.'), 409: { description: 'The name is taken.' } },
    }),
    async (c) => {
      const body = c.req.valid('json');
      c.get('audit').target = `name=${body.name}`;
      try {
        const g = await deps.changes.createGroup(body);
        return c.json(await detail(g.name), 201);
      } catch (err) {
        throw atField(err, 'name');
      }
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'patch',
      path: '/api/v1/local-groups/{name}',
      operationId: 'updateLocalGroup',
      errors: ['STORE_NOT_FOUND', 'STORE_CONFLICT'],
      tags: [TAG],
      summary: 'Rename a local group or change its description',
      description: 'A null description clears it. A provisioning target renames the group it exported.',
      request: { params: nameParam, body: jsonBody(z.object({ name: groupNameSchema.optional(), description: descriptionSchema.optional() }).strict()) },
      responses: {
        200: jsonResponse(localGroupDetailSchema, 'Updated.'),
        404: { description: 'No such local group.' },
        409: { description: 'The new name is taken.' },
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const body = c.req.valid('json');
      c.get('audit').detail = { fields: Object.keys(body), ...(body.name ? { newName: body.name } : {}) };
      try {
        const g = await deps.changes.editGroup(name, body);
        return c.json(await detail(g.name), 200);
      } catch (err) {
        throw (err as { code?: string }).code === 'STORE_CONFLICT' ? atField(err, 'name') : err;
      }
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'delete',
      path: '/api/v1/local-groups/{name}',
      operationId: 'deleteLocalGroup',
      errors: ['STORE_NOT_FOUND'],
      tags: [TAG],
      summary: 'Remove a local group (its members stay in the store)',
      request: { params: nameParam },
      responses: { 204: { description: 'Removed.' }, 404: { description: 'No such local group.' } },
    }),
    async (c) => {
      const { members } = await deps.changes.removeGroup(c.req.valid('param').name);
      c.get('audit').detail = { members };
      return c.body(null, 204);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'post',
      path: '/api/v1/local-groups/{name}/members',
      operationId: 'addLocalGroupMembers',
      errors: ['STORE_NOT_FOUND'],
      tags: [TAG],
      summary: 'Add users (local or synced) to a local group, by username',
      description: 'Users already members are left as they are. An unknown username refuses the whole request (404).',
      request: { params: nameParam, body: jsonBody(z.object({ usernames: z.array(z.string().min(1).max(256)).min(1).max(1000) }).strict()) },
      responses: { 200: jsonResponse(localGroupDetailSchema, 'The group, with its members.'), 404: { description: 'No such local group or user.' } },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const { changed, group } = await deps.changes.addMembers(name, c.req.valid('json').usernames);
      c.get('audit').detail = { usernames: changed };
      return c.json(await detail(group.name), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'delete',
      path: '/api/v1/local-groups/{name}/members/{username}',
      operationId: 'removeLocalGroupMember',
      errors: ['STORE_NOT_FOUND'],
      tags: [TAG],
      summary: 'Remove a user from a local group',
      description: 'A user who is not a member is left as they are.',
      request: { params: nameParam.extend({ username: z.string().min(1).max(256) }) },
      responses: { 200: jsonResponse(localGroupDetailSchema, 'The group, with its members.'), 404: { description: 'No such local group or user.' } },
    }),
    async (c) => {
      const { name, username } = c.req.valid('param');
      const { changed, group } = await deps.changes.removeMembers(name, [username]);
      c.get('audit').detail = { usernames: changed };
      return c.json(await detail(group.name), 200);
    },
  );
}
