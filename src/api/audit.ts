import type { MiddlewareHandler } from 'hono';
import type { Db } from '../store/db.js';
import type { ApiDeps, AppEnv } from './context.js';
import { isSafeMethod } from './guard.js';

export interface AuditEntry {
  id: number;
  at: string;
  actorType: 'admin' | 'token' | 'anonymous' | 'cli';
  actor: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  method: string;
  path: string;
  target: string | null;
  status: number;
  outcome: 'success' | 'failure';
  detail: Record<string, unknown> | null;
}

export async function writeAudit(db: Db, e: Omit<AuditEntry, 'id'>): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: e.at,
      actor_type: e.actorType,
      actor: e.actor,
      ip: e.ip,
      user_agent: e.userAgent?.slice(0, 300) ?? null,
      action: e.action,
      method: e.method,
      path: e.path,
      target: e.target,
      status: e.status,
      outcome: e.outcome,
      detail: e.detail ? JSON.stringify(e.detail) : null,
    })
    .execute();
}

export async function listAudit(db: Db, q: { actor?: string; action?: string; outcome?: string; limit: number; offset: number }): Promise<{ items: AuditEntry[]; total: number }> {
  let base = db.selectFrom('audit_log');
  if (q.actor) base = base.where('actor', '=', q.actor);
  if (q.action) base = base.where('action', '=', q.action);
  if (q.outcome) base = base.where('outcome', '=', q.outcome as 'success' | 'failure');
  const total = Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const rows = await base.selectAll().orderBy('id', 'desc').limit(q.limit).offset(q.offset).execute();
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      at: r.at,
      actorType: r.actor_type,
      actor: r.actor,
      ip: r.ip,
      userAgent: r.user_agent,
      action: r.action,
      method: r.method,
      path: r.path,
      target: r.target,
      status: r.status,
      outcome: r.outcome,
      detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    })),
  };
}

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
      await writeAudit(deps.store.db, {
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
