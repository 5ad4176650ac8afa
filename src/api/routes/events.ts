import { z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ProgressEvent, RunKind, RunReport } from '../../sync/report.js';
import type { ApiDeps } from '../context.js';
import { onCredentialsChanged } from '../../auth/revocations.js';
import { principalStillValid } from '../guard.js';
import { apiRoute, type ApiApp } from '../route.js';

/** Between keep-alives. */
export const PING_MS = 20_000;
/**
 * How often the caller's session or token is checked again, for ends this process did not make
 * (the CLI, another idsync on the same store). Ends made here (logout, revoke, a deleted admin, a
 * password change) close the stream at once (src/auth/revocations.ts).
 */
export const RECHECK_MS = 2_000;

/** What a `finished` event carries: the run's outcome without its list of changes (GET /runs/{id} has them). */
function finished(directory: string, r: RunReport) {
  return {
    directory,
    runId: r.runId ?? null,
    kind: r.kind,
    status: r.status,
    counts: r.counts,
    durationMs: r.durationMs,
    warnings: r.warnings,
    heldForApproval: r.heldForApproval ?? null,
    error: r.error ?? null,
  };
}

export function registerEventRoutes(app: ApiApp, deps: ApiDeps, pingMs = PING_MS, recheckMs = RECHECK_MS): void {
  app.openapi(
    apiRoute(deps, 'read_only', {
      method: 'get',
      path: '/api/v1/events',
      operationId: 'streamEvents',
      tags: ['events'],
      summary: 'Live sync status as Server-Sent Events',
      description:
        'Events: `ready` once connected; `progress` `{ directory, kind, phase, read?, expected?, done?, total? }` while a sync runs (phases connect, ' +
        'groups, scopes, users, memberships, removals, done); `finished` `{ directory, runId, kind, status, counts, durationMs, warnings, ' +
        'heldForApproval, error }` when a run ends; `ping` every 20 s. The stream ends as soon as the session or token stops being valid (logout, ' +
        'revocation, a deleted admin, a password change, expiry).',
      responses: { 200: { description: 'An event stream.', content: { 'text/event-stream': { schema: z.string() } } } },
    }),
    (c) => {
      const principal = c.get('principal')!;
      const events = deps.service.events;
      return streamSSE(c, async (stream) => {
        const send = (event: string, data: unknown) => stream.writeSSE({ event, data: JSON.stringify(data) }).catch(() => stream.abort());
        const onProgress = (e: { directory: string; kind: RunKind; event: ProgressEvent }) =>
          void send('progress', { directory: e.directory, kind: e.kind, ...e.event });
        const onFinished = (e: { directory: string; report: RunReport }) => void send('finished', finished(e.directory, e.report));
        events.on('progress', onProgress);
        events.on('finished', onFinished);
        let checking = false;
        const recheck = () => {
          if (checking || stream.aborted) return;
          checking = true;
          void principalStillValid(deps, principal)
            .then(
              (ok) => ok || stream.abort(),
              () => stream.abort(),
            )
            .finally(() => (checking = false));
        };
        const stopListening = onCredentialsChanged(recheck);
        const rechecks = setInterval(recheck, recheckMs);
        const ping = setInterval(() => void send('ping', {}), pingMs);
        try {
          await send('ready', { role: principal.role });
          await new Promise<void>((resolve) => {
            if (stream.aborted) resolve();
            stream.onAbort(resolve);
          });
        } finally {
          clearInterval(ping);
          clearInterval(rechecks);
          stopListening();
          events.off('progress', onProgress);
          events.off('finished', onFinished);
        }
      });
    },
  );
}
