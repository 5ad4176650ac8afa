import type { MiddlewareHandler } from 'hono';
import type { ApiDeps, AppEnv } from './context.js';
import { isSafeMethod } from './guard.js';

/**
 * Every state-changing request that reached a route is written to the audit log after it is
 * answered, refused ones included (401, 403, 429 are what an investigation looks for). The
 * action is the route's operationId; the request body is not recorded (it may hold a password),
 * only what the route chose to note.
 */
export function auditTrail(deps: ApiDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const action = c.get('operation');
    const note = c.get('audit');
    if (isSafeMethod(c.req.method) || !action || note.read) return;
    const p = c.get('principal');
    const status = c.res.status;
    try {
      await deps.store.auditLog.write({
        at: deps.now().toISOString(),
        actorType: p ? p.kind : 'anonymous',
        actor: p?.name ?? note.actor ?? null,
        ip: c.get('ip'),
        userAgent: c.req.header('user-agent') ?? null,
        action,
        method: c.req.method,
        path: new URL(c.req.url).pathname,
        target: note.target ?? null,
        status,
        outcome: status < 400 ? 'success' : 'failure',
        detail: note.detail ?? null,
      });
    } catch (err) {
      deps.log.error({ action, err: (err as Error).message }, 'could not write the audit log');
    }
  };
}
