import { z } from '@hono/zod-openapi';
import type { RunSummary } from '../../store/history.js';
import { IdsyncError } from '../../errors.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, pathId, jsonResponse, page, paging, type ApiApp } from '../route.js';

const attemptSchema = z.object({ url: z.string(), ok: z.boolean(), ms: z.number(), error: z.object({ code: z.string(), message: z.string() }).optional() });

export const runSummarySchema = z
  .object({
    id: z.number().int(),
    directory: z.string(),
    kind: z.string(),
    status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().nullable(),
    counts: z.record(z.number()),
    server: z.string().nullable(),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    warnings: z.array(z.string()),
    attempts: z.array(attemptSchema),
    approval: z.string().nullable().openapi({ description: 'pending, approved, rejected or superseded when the run held removals.' }),
  })
  .openapi('Run');

const runObjectSchema = z
  .object({
    objectType: z.string(),
    name: z.string(),
    externalId: z.string().nullable(),
    outcome: z.string(),
    reason: z.string().optional(),
    attributes: z.record(z.object({ before: z.any(), after: z.any() })).optional(),
    item: z.string().optional(),
    warnings: z.array(z.string()).optional(),
  })
  .openapi('RunObject');

/** The API says null where a run held nothing. */
function summary(r: RunSummary): z.infer<typeof runSummarySchema> {
  return { ...r, approval: r.approval ?? null };
}

export function registerRunRoutes(app: ApiApp, deps: ApiDeps): void {
  const history = deps.store.runHistory;

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/runs',
      operationId: 'listRuns',
      tags: ['runs'],
      summary: 'Run history, newest first',
      request: {
        query: z.object({
          directory: z.string().optional(),
          status: z.enum(['running', 'succeeded', 'failed', 'interrupted']).optional(),
          kind: z.enum(['full', 'user', 'incremental']).optional(),
          ...paging(200, 50),
        }),
      },
      responses: { 200: jsonResponse(page(runSummarySchema), 'A page of runs.') },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const { items: rows, total } = await history.list(q);
      return c.json({ items: rows.map(summary), total, limit: q.limit, offset: q.offset }, 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/runs/{id}',
      operationId: 'getRun',
      errors: ['STORE_NOT_FOUND'],
      tags: ['runs'],
      summary: 'One run with its per-object outcomes (paged; filter by outcome)',
      request: {
        params: z.object({ id: pathId() }),
        query: z.object({
          outcome: z
            .string()
            .max(40)
            .optional()
            .openapi({ description: 'created, updated, unchanged, disabled, trashed, restored, deleted, skipped, conflict, held' }),
          ...paging(1000, 200),
        }),
      },
      responses: {
        200: jsonResponse(
          z.object({
            run: runSummarySchema,
            objects: z.array(runObjectSchema),
            totalObjects: z.number().int(),
            limit: z.number().int(),
            offset: z.number().int(),
          }),
          'The run.',
        ),
        404: { description: 'No such run.' },
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      const row = await history.get(id);
      if (!row) throw new IdsyncError('STORE_NOT_FOUND', `no run ${id}`);
      const { items: objects, total } = await history.objects(id, q);
      return c.json({ run: summary(row), objects, totalObjects: total, limit: q.limit, offset: q.offset }, 200);
    },
  );
}
