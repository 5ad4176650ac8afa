import { z } from '@hono/zod-openapi';
import { nodesOverview } from '../../store/nodes.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonResponse, type ApiApp } from '../route.js';

const nodeSchema = z
  .object({
    id: z.string().openapi({ description: 'The name and a random part: a node restarted is a new row.' }),
    name: z.string(),
    host: z.string(),
    pid: z.number().int(),
    version: z.string().openapi({ description: 'The idsync version it runs (two differ during a rolling upgrade).' }),
    api: z.string().nullable().openapi({ description: 'Its admin API address, when it serves one.' }),
    startedAt: z.string(),
    heartbeatAt: z.string(),
    alive: z.boolean().openapi({ description: 'PostgreSQL: its advisory lock is held (its connection is open); SQLite: a recent heartbeat.' }),
    directories: z.array(z.string()).openapi({ description: 'The directories whose lease it holds: it runs their workers.' }),
  })
  .openapi('Node');

const leaseSchema = z
  .object({
    directory: z.string(),
    node: z.string().nullable().openapi({ description: 'The node holding it; null when written by a version before the nodes (migration 0021).' }),
    host: z.string(),
    pid: z.number().int(),
    held: z.boolean(),
    since: z.string(),
    heartbeatAt: z.string(),
  })
  .openapi('NodeLease');

/** Issue 16: the `idsync serve` nodes sharing the store, with their leases, heartbeats and versions. */
export function registerNodeRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/nodes',
      operationId: 'listNodes',
      tags: ['nodes'],
      summary: 'The idsync serve nodes of the store: alive or not, version, heartbeat, and the directories each runs; every directory lease',
      responses: {
        200: jsonResponse(
          z.object({
            self: z.string().openapi({ description: 'The name of the node that answered.' }),
            nodes: z.array(nodeSchema),
            leases: z.array(leaseSchema),
          }),
          'Nodes (those gone stay listed for ten minutes) and leases.',
        ),
      },
    }),
    async (c) => c.json({ self: deps.service.node, ...(await nodesOverview(deps.store)) }, 200),
  );
}
