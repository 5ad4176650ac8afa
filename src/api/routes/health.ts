import { sql } from 'kysely';
import type { ApiDeps } from '../context.js';
import { storeFacts } from '../directory-view.js';
import { guard } from '../guard.js';
import type { ApiApp } from '../route.js';

/**
 * Probes and metrics, outside /api/v1 where orchestrators and Prometheus expect them. /healthz and
 * /readyz need no credentials and say nothing sensitive (states, no messages). /metrics wants an
 * API token (any role; Prometheus sends it with `authorization: { credentials: … }`) unless
 * api.publicMetrics is set, because label values name directories.
 */
export function registerHealthRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  app.get('/readyz', async (c) => {
    try {
      await sql`select 1`.execute(deps.store.db);
    } catch {
      return c.json({ status: 'unavailable', store: 'unreachable' }, 503);
    }
    const facts = await storeFacts(deps.store);
    const directories = (await deps.directories.list()).map((d) => {
      const run = facts.runs.get(d.name);
      const state = facts.states.find((s) => s.name === d.name);
      return { name: d.name, lastRun: run ? { status: run.status, finishedAt: run.finished_at } : null, connected: !!state?.connected, mode: state?.mode ?? null };
    });
    return c.json({ status: 'ready', store: 'ok', directories });
  });

  if (!deps.config.api.publicMetrics) app.use('/metrics', guard(deps, 'read_only'));
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });
}
