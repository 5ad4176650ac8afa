import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, pathId, jsonResponse, page, paging, type ApiApp } from '../route.js';

const groupSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    directory: z.string(),
    dn: z.string(),
    externalId: z.string(),
    memberCount: z.number().int(),
    updatedAt: z.string(),
  })
  .openapi('Group');

export function registerGroupRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/groups',
      operationId: 'listGroups',
      tags: ['groups'],
      summary: 'Groups in the store (the chosen groups of every directory), by name',
      description: 'Synced groups, read-only. Local groups, made in idsync and exported by provisioning, are at /api/v1/local-groups.',
      request: { query: z.object({ search: z.string().max(256).optional(), directory: z.string().optional(), ...paging(500, 50) }) },
      responses: { 200: jsonResponse(page(groupSchema), 'A page of groups.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items, total } = await deps.store.groupQueries.list(q);
      return c.json({ items, total, limit: q.limit, offset: q.offset }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/groups/{id}',
      operationId: 'getGroup',
      errors: ['STORE_NOT_FOUND'],
      tags: ['groups'],
      summary: 'A group with its members (flattened: nested members included), paged',
      request: { params: z.object({ id: pathId() }), query: z.object(paging(1000, 200)) },
      responses: {
        200: jsonResponse(
          groupSchema.omit({ memberCount: true }).extend({
            members: z.array(z.object({ username: z.string(), status: z.string() })),
            totalMembers: z.number().int(),
            limit: z.number().int(),
            offset: z.number().int(),
          }),
          'The group.',
        ),
        404: { description: 'No such group.' },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const g = await deps.store.groupQueries.get(id);
      if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no group ${id}`);
      const { items: rows, total } = await deps.store.groupQueries.members(id, q);
      return c.json(
        {
          id: g.id,
          name: g.name,
          directory: g.directory,
          dn: g.dn,
          externalId: g.externalId,
          updatedAt: g.updatedAt,
          members: rows,
          totalMembers: total,
          limit: q.limit,
          offset: q.offset,
        },
        200,
      );
    },
  );
}
