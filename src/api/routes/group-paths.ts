import { z } from '@hono/zod-openapi';
import { DirectoryConnection } from '../../directory/connection.js';
import { IdsyncError } from '../../errors.js';
import { DirectoryReader } from '../../sync/read.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, DIRECTORY_ERRORS, jsonResponse, pathId, type ApiApp } from '../route.js';

const pathsSchema = z
  .object({
    group: z.string(),
    paths: z.array(
      z.object({
        username: z.string(),
        path: z.array(z.string()).openapi({
          description:
            'The groups from this group down to the user, this group first: ["Engineering", "Backend"] means Engineering holds Backend, which holds ' +
            'the user. Empty when the directory no longer lists the user under it.',
        }),
      }),
    ),
  })
  .openapi('GroupMemberPaths');

/**
 * How each member of a stored group arrives in it (issue 10 item 19, the Groups page): the chain
 * of nested groups from the group down to the user. The store keeps the flattened result only,
 * so the chain is read from the directory now, with the same reader a sync uses; a breadth-first
 * walk gives each user their shortest chain.
 */
export function registerGroupPathRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/groups/{id}/paths',
      operationId: 'getGroupMemberPaths',
      tags: ['groups'],
      summary: 'For each member of a group, the nested groups through which they are in it (read from the directory now)',
      request: { params: z.object({ id: pathId() }) },
      errors: ['STORE_NOT_FOUND', 'UNKNOWN_DIRECTORY', ...DIRECTORY_ERRORS],
      responses: { 200: jsonResponse(pathsSchema, 'A path per member.'), 404: { description: 'No such group.' } },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const g = await deps.store.groupQueries.get(id);
      if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no group ${id}`);
      const members = await deps.store.groupQueries.memberDns(id);
      const { cfg } = await deps.directories.get(g.directory);
      const conn = await DirectoryConnection.open(cfg);
      try {
        const reader = new DirectoryReader(conn, cfg);
        await reader.loadGroups();
        const start = reader.graph.nodeOf(g.externalId);
        // Breadth first from the group: `via` holds, for each node reached, the group it was reached from.
        const via = new Map<number, number>();
        if (start !== undefined) {
          via.set(start, -1);
          const queue = [start];
          for (let i = 0; i < queue.length; i++) {
            const node = reader.graph.groups.get(queue[i]);
            for (const m of node?.members ?? []) {
              if (via.has(m)) continue;
              via.set(m, queue[i]);
              if (reader.graph.groups.has(m)) queue.push(m);
            }
          }
        }
        const chain = (userNode: number): string[] => {
          const out: string[] = [];
          for (let n = via.get(userNode); n !== undefined && n !== -1; n = via.get(n)) out.unshift(reader.graph.groups.get(n)?.name ?? '?');
          return out;
        };
        const paths = members.map((m) => {
          const node = m.dnKey ? reader.index.get(m.dnKey) : undefined;
          return { username: m.username, path: node !== undefined && via.has(node) ? chain(node) : [] };
        });
        return c.json({ group: g.name, paths }, 200);
      } finally {
        await conn.close();
      }
    },
  );
}
