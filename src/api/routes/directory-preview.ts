import { syncDirectory } from '../../sync/engine.js';
import type { ApiDeps } from '../context.js';
import { directoryInputSchema } from '../directories.js';
import { apiRoute, DIRECTORY_ERRORS, jsonBody, jsonResponse, type ApiApp } from '../route.js';
import { draftConfig } from './directories.js';
import { runReportSchema } from './sync.js';

/**
 * "Create and preview" (issue 10 item 15): the plan of the first import of a directory that is
 * not saved yet. Saving a directory under `idsync serve` starts its worker, and so a full sync that
 * also locks the username attribute; the panel shows this plan first, and importing (saving) is a
 * separate step the administrator takes after reading it.
 *
 * Nothing is written: the engine's dry run does not even create the directory's row. It is a read
 * of the directory, so it is not audited (like the GET routes); a refused call still is, since the
 * handler never runs to say otherwise.
 */
export function registerDirectoryPreviewRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    apiRoute(deps, 'administrator', {
      method: 'post',
      path: '/api/v1/directory-drafts/dry-run',
      operationId: 'dryRunDirectoryDraft',
      tags: ['directories'],
      summary: 'Plan the first import of a directory configuration before saving it (nothing is written)',
      description:
        'The bind password must be given. Created users carry the attributes they would get (`attributes.*.after`), so the plan shows how the mapping ' +
        'reads real entries.',
      request: { body: jsonBody(directoryInputSchema) },
      errors: ['CONFIG_INVALID', ...DIRECTORY_ERRORS],
      responses: { 200: jsonResponse(runReportSchema, 'The plan.') },
    }),
    async (c) => {
      c.get('audit').read = true;
      const cfg = draftConfig(deps, c.req.valid('json'));
      const report = await syncDirectory(deps.store, cfg, { dryRun: true, now: deps.now, log: deps.log });
      return c.json(report as never, 200);
    },
  );
}
