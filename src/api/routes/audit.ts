import { z } from '@hono/zod-openapi';
import type { ApiDeps } from '../context.js';
import { apiRoute, jsonResponse, page, paging, type ApiApp } from '../route.js';

const auditSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorType: z
      .enum(['admin', 'token', 'anonymous', 'cli'])
      .openapi({ description: '`cli`: idsync admin on the machine itself; the actor is the system user.' }),
    actor: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
    action: z.string().openapi({ description: 'The operationId of the request (login, createDirectory, approveRemovals, …).' }),
    method: z.string(),
    path: z.string(),
    target: z.string().nullable(),
    status: z.number().int(),
    outcome: z.enum(['success', 'failure']),
    detail: z.record(z.any()).nullable(),
  })
  .openapi('AuditEntry');

/** Read-only by design: there is no endpoint that changes or deletes an entry, and the store refuses it too. */
export function registerAuditRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/audit',
      operationId: 'listAudit',
      tags: ['audit'],
      summary: 'The audit log, newest first: every state-changing request and every login, with who, when and from where',
      request: {
        query: z.object({
          actor: z.string().optional(),
          action: z.string().optional(),
          outcome: z.enum(['success', 'failure']).optional(),
          ...paging(500, 100),
        }),
      },
      responses: { 200: jsonResponse(page(auditSchema), 'A page of entries.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await deps.store.auditLog.list(q);
      return c.json({ ...r, limit: q.limit, offset: q.offset }, 200);
    },
  );
}
