import { countOf, type Db, type Page } from './db-handle.js';

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

export interface AuditQuery {
  actor?: string;
  action?: string;
  outcome?: string;
  limit: number;
  offset: number;
}

/** Who did what, when, from where. Append-only: the schema's triggers refuse UPDATE and DELETE. */
export interface AuditLog {
  /** The user agent is cut to 300 characters. */
  write(e: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Newest first. */
  list(q: AuditQuery): Promise<Page<AuditEntry>>;
}

export class KyselyAuditLog implements AuditLog {
  constructor(private readonly db: Db) {}

  async write(e: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.db
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

  async list(q: AuditQuery): Promise<Page<AuditEntry>> {
    let base = this.db.selectFrom('audit_log');
    if (q.actor) base = base.where('actor', '=', q.actor);
    if (q.action) base = base.where('action', '=', q.action);
    if (q.outcome) base = base.where('outcome', '=', q.outcome as 'success' | 'failure');
    const total = countOf(await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst());
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
}
