import { userInfo } from 'node:os';
import type { Store } from '../store/db.js';
import { clock } from './context.js';

/**
 * A change made from the command line, in the audit log as the API writes its own: the action is
 * the API operation's id for the same change, the actor the operating-system user. Never a secret.
 */
export async function auditCli(store: Store, command: string, action: string, target: string, detail?: Record<string, unknown>): Promise<void> {
  await store.auditLog.write({
    at: clock()().toISOString(),
    actorType: 'cli',
    actor: userInfo().username,
    ip: null,
    userAgent: 'idsync',
    action,
    method: 'CLI',
    path: `idsync ${command}`,
    target,
    status: 0,
    outcome: 'success',
    detail: detail ?? null,
  });
}
