import { z } from '@hono/zod-openapi';
import { SyncFailedError } from '../../sync/engine.js';
import type { ProgressEvent, RunKind, RunReport } from '../../sync/report.js';
import type { ApiDeps } from '../context.js';
import { apiRoute, DIRECTORY_ERRORS, jsonBody, jsonResponse, queryBool, type ApiApp } from '../route.js';

const changeSchema = z.object({
  objectType: z.enum(['user', 'group']),
  name: z.string(),
  externalId: z.string().optional(),
  userId: z.number().int().optional(),
  outcome: z.string(),
  reason: z.string().optional(),
  attributes: z.record(z.object({ before: z.any(), after: z.any() })).optional(),
  item: z.string().optional(),
  warnings: z.array(z.string()).optional(),
});

export const runReportSchema = z
  .object({
    runId: z.number().int().optional(),
    directory: z.string(),
    kind: z.enum(['full', 'user', 'incremental']),
    dryRun: z.boolean(),
    status: z.enum(['succeeded', 'failed']),
    server: z.string().optional(),
    attempts: z.array(z.object({ url: z.string(), ok: z.boolean(), ms: z.number(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
    counts: z.record(z.number()),
    changes: z
      .array(changeSchema)
      .openapi({ description: "A dry run lists every planned change; a real run the first 1,000 changes (all are in the run's objects)." }),
    warnings: z.array(z.string()),
    heldForApproval: z.object({ runId: z.number().int().optional(), count: z.number().int(), threshold: z.string() }).optional(),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    durationMs: z.number(),
  })
  .openapi('RunReport');
type RunReportJson = z.infer<typeof runReportSchema>;

const nameParam = z.object({ name: z.string().min(1).max(63) });
const startedSchema = z
  .object({
    directory: z.string(),
    runId: z.number().int().nullable().openapi({ description: 'The run, once it has started; null while it waits behind other work of the directory.' }),
    state: z.enum(['running', 'finished', 'failed', 'queued']),
  })
  .openapi('SyncStarted');

/** How long "sync now" waits for its run to get a number before answering 202 without one. */
const START_WAIT_MS = 3000;

function asJson(r: RunReport): RunReportJson {
  return r as unknown as RunReportJson;
}

export function registerSyncRoutes(app: ApiApp, deps: ApiDeps): void {
  const events = deps.service.events;

  /** The run a full sync of `name` has just started (its run record exists before the first progress event). */
  async function latestRunning(name: string): Promise<number | null> {
    return (await deps.store.runHistory.latestRunning(name, 'full')) ?? null;
  }

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directories/{name}/sync',
      operationId: 'syncDirectory',
      errors: ['UNKNOWN_DIRECTORY', 'SYNC_ALREADY_RUNNING', ...DIRECTORY_ERRORS],
      tags: ['sync'],
      summary: 'Full sync now',
      description:
        'Queued behind whatever the directory is doing (syncs of one directory never overlap). Answers 202 as soon as the run has a number (or after 3 s ' +
        'with `runId: null` when it is still queued); follow it with GET /api/v1/events or GET /api/v1/runs/{id}. With `?wait=true` it answers 200 with ' +
        'the run report when the run ends.',
      request: { params: nameParam, query: z.object({ wait: queryBool }) },
      responses: {
        202: jsonResponse(startedSchema, 'Started (or queued).'),
        200: jsonResponse(runReportSchema, 'With wait=true: the finished run.'),
        404: { description: 'No such directory.' },
      },
    }),
    async (c) => {
      const { name } = c.req.valid('param');
      const worker = await deps.directories.worker(name);
      if (c.req.valid('query').wait) return c.json(asJson(await worker.syncNow()), 200);

      let onProgress: ((e: { directory: string; kind: RunKind; event: ProgressEvent }) => void) | undefined;
      let timer: NodeJS.Timeout | undefined;
      const started = new Promise<number | null>((resolve) => {
        onProgress = (e) => {
          if (e.directory === name && e.kind === 'full' && e.event.phase === 'connect') resolve(latestRunning(name));
        };
        events.on('progress', onProgress);
      });
      const run = worker.syncNow();
      run.catch((err) => deps.log.warn({ directory: name, err: (err as Error).message }, 'sync requested through the API failed'));
      try {
        const outcome = await Promise.race([
          started.then((runId) => ({ runId, state: 'running' as const })),
          run.then(
            (r) => ({ runId: r.runId ?? null, state: 'finished' as const }),
            (err) => {
              // A run that failed has its record (and its error) in the history; anything earlier is the request's error.
              if (err instanceof SyncFailedError && err.report.runId) return { runId: err.report.runId, state: 'failed' as const };
              throw err;
            },
          ),
          new Promise<{ runId: null; state: 'queued' }>((resolve) => (timer = setTimeout(() => resolve({ runId: null, state: 'queued' }), START_WAIT_MS))),
        ]);
        c.get('audit').detail = { runId: outcome.runId };
        return c.json({ directory: name, ...outcome }, 202);
      } finally {
        events.off('progress', onProgress!);
        clearTimeout(timer);
      }
    },
  );

  app.openapi(
    apiRoute(deps, 'user_manager', {
      method: 'post',
      path: '/api/v1/directories/{name}/sync/user',
      operationId: 'syncUser',
      errors: ['UNKNOWN_DIRECTORY', 'STORE_NOT_FOUND', 'SYNC_ALREADY_RUNNING', 'APPROVAL_NOT_PENDING', ...DIRECTORY_ERRORS],
      tags: ['sync'],
      summary: 'Sync one user now and return the run report',
      description:
        'A user who has left the scope is only disabled; the next full sync moves them to the trash. A user whose removal a pending approval holds is ' +
        'left as they are (outcome `held`); one back in scope is taken out of the held removals. A username that is neither in the scope nor in the ' +
        'store answers 404 `STORE_NOT_FOUND` and records no run.',
      request: { params: nameParam, body: jsonBody(z.object({ username: z.string().min(1).max(256) }).strict()) },
      responses: {
        200: jsonResponse(runReportSchema, 'The finished run.'),
        404: { description: 'No such directory, or the user is neither in scope nor in the store.' },
      },
    }),
    async (c) => {
      const { username } = c.req.valid('json');
      c.get('audit').detail = { username };
      const worker = await deps.directories.worker(c.req.valid('param').name);
      return c.json(asJson(await worker.syncUser(username)), 200);
    },
  );

  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directories/{name}/dry-run',
      operationId: 'dryRun',
      errors: ['UNKNOWN_DIRECTORY', ...DIRECTORY_ERRORS],
      tags: ['sync'],
      summary: 'Plan a full sync without writing anything: every create, update (attribute before → after), disable, trash, restore and held removal',
      request: { params: nameParam },
      responses: { 200: jsonResponse(runReportSchema, 'The plan.'), 404: { description: 'No such directory.' } },
    }),
    async (c) => {
      const worker = await deps.directories.worker(c.req.valid('param').name);
      return c.json(asJson(await worker.dryRun()), 200);
    },
  );
}
