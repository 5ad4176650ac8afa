import { z } from '@hono/zod-openapi';
import { IdsyncError } from '../../errors.js';
import { decideApproval, listApprovals } from '../../sync/removals.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, pathId, jsonResponse, queryBool, type ApiApp } from '../route.js';

const approvalSchema = z
  .object({
    runId: z.number().int(),
    directory: z.string(),
    status: z.string(),
    count: z.number().int(),
    threshold: z.string().nullable().openapi({
      description: 'The limit the removals went over, in words; null for approvals held before idsync stored it.',
      example: 'more than 10 users or more than 25% of 400 users',
    }),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
    users: z.array(z.object({ username: z.string(), action: z.string(), reason: z.string() })),
  })
  .openapi('Approval');

export function registerApprovalRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/approvals',
      operationId: 'listApprovals',
      tags: ['approvals'],
      summary: 'Removals held by the safeguard (pending ones; all with ?all=true)',
      request: { query: z.object({ all: queryBool }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(approvalSchema) }), 'Held removals, newest first.') },
    }),
    async (c) => c.json({ items: await listApprovals(deps.store, { all: !!c.req.valid('query').all }) }, 200),
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.openapi(
      apiRoute(deps, 'administrator', {
        method: 'post',
        path: `/api/v1/approvals/{runId}/${decision}`,
        operationId: decision === 'approve' ? 'approveRemovals' : 'rejectRemovals',
        errors: ['STORE_NOT_FOUND', 'APPROVAL_NOT_PENDING', 'UNKNOWN_DIRECTORY'],
        tags: ['approvals'],
        summary:
          decision === 'approve' ? 'Apply the removals a run held' : 'Discard the removals a run held (nothing is removed; the next full sync plans again)',
        request: { params: z.object({ runId: pathId() }) },
        responses: {
          200: jsonResponse(
            z.object({ runId: z.number().int(), decision: z.enum(['approve', 'reject']), applied: z.number().int(), skipped: z.number().int() }),
            'Decided.',
          ),
          404: { description: 'No such run, or it held nothing.' },
          409: { description: 'Already decided or superseded.' },
        },
      }),
      async (c) => {
        const { runId } = c.req.valid('param');
        const directory = await deps.store.runHistory.directoryOf(runId);
        if (directory === undefined) throw new IdsyncError('STORE_NOT_FOUND', `no run ${runId}`);
        const entry = await deps.directories.find(directory);
        // Through the directory's queue, so the removals never interleave with a sync of it; with
        // several nodes (issue 16), on the node that holds the directory's lease.
        const r = entry
          ? await (await deps.directories.worker(entry.name)).decide(runId, decision)
          : await decideApproval(deps.store, undefined, runId, decision, deps.now());
        c.get('audit').detail = { directory, applied: r.applied, skipped: r.skipped };
        return c.json({ runId, decision, ...r }, 200);
      },
    );
  }
}
