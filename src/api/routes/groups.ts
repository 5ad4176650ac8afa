import { z } from '@hono/zod-openapi';
import { sql } from 'kysely';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, pathId, jsonResponse, page, paging, type ApiApp } from '../route.js';
import { likePattern } from './users.js';

const groupSchema = z
  .object({ id: z.number().int(), name: z.string(), directory: z.string(), dn: z.string(), externalId: z.string(), memberCount: z.number().int(), updatedAt: z.string() })
  .openapi('Group');

export function registerGroupRoutes(app: ApiApp, deps: ApiDeps): void {
  const db = deps.store.db;

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/groups',
      operationId: 'listGroups',
      tags: ['groups'],
      summary: 'Groups in the store (the chosen groups of every directory), by name',
      request: { query: z.object({ search: z.string().max(256).optional(), directory: z.string().optional(), ...paging(500, 50) }) },
      responses: { 200: jsonResponse(page(groupSchema), 'A page of groups.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      let base = db.selectFrom('groups').innerJoin('directories', 'directories.id', 'groups.directory_id');
      if (q.directory) base = base.where('directories.name', '=', q.directory);
      if (q.search) base = base.where(sql`lower(groups.name)`, 'like', sql<string>`${likePattern(q.search)} escape '\\'`);
      const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await base
        .select((eb) => [
          'groups.id',
          'groups.name',
          'directories.name as directory',
          'groups.dn',
          'groups.external_id',
          'groups.updated_at',
          eb.selectFrom('group_members').select((e2) => e2.fn.countAll<number>().as('n')).whereRef('group_members.group_id', '=', 'groups.id').as('member_count'),
        ])
        .orderBy('groups.name')
        .orderBy('groups.id')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      const items = rows.map((r) => ({ id: r.id, name: r.name, directory: r.directory, dn: r.dn, externalId: r.external_id, memberCount: Number(r.member_count ?? 0), updatedAt: r.updated_at }));
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
          groupSchema.omit({ memberCount: true }).extend({ members: z.array(z.object({ username: z.string(), status: z.string() })), totalMembers: z.number().int(), limit: z.number().int(), offset: z.number().int() }),
          'The group.',
        ),
        404: { description: 'No such group.' },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const g = await db.selectFrom('groups').innerJoin('directories', 'directories.id', 'groups.directory_id').selectAll('groups').select('directories.name as directory').where('groups.id', '=', id).executeTakeFirst();
      if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no group ${id}`);
      const members = db.selectFrom('group_members').innerJoin('users', 'users.id', 'group_members.user_id').where('group_members.group_id', '=', id);
      const total = Number((await members.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
      const rows = await members.select(['users.username', 'users.status']).orderBy('users.username_key').limit(q.limit).offset(q.offset).execute();
      return c.json({ id: g.id, name: g.name, directory: g.directory, dn: g.dn, externalId: g.external_id, updatedAt: g.updated_at, members: rows, totalMembers: total, limit: q.limit, offset: q.offset }, 200);
    },
  );
}
