import type { ApiDeps } from '../context.js';
import { guard } from '../guard.js';
import type { ApiApp } from '../route.js';

/**
 * Probes and metrics, outside /api/v1 where orchestrators and Prometheus expect them. /healthz and
 * /readyz need no credentials and say nothing but ok / ready or unavailable. /metrics wants an
 * API token (any role; Prometheus sends it with `authorization: { credentials: … }`) unless
 * api.publicMetrics is set, because label values name directories.
 */
export function registerHealthRoutes(app: ApiApp, deps: ApiDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // Ready or not, nothing more: without credentials it must not tell directory names or when
  // they last ran (issue 10 item 12). GET /api/v1/directories has the details for an admin.
  app.get('/readyz', async (c) => {
    try {
      await deps.store.ping();
    } catch {
      return c.json({ status: 'unavailable' }, 503);
    }
    return c.json({ status: 'ready' });
  });

  if (!deps.config.api.publicMetrics) app.use('/metrics', guard(deps, 'read_only'));
  app.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.body(text, 200, { 'Content-Type': deps.metrics.registry.contentType });
  });
}
