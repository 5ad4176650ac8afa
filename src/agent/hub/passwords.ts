import type { DirectoryConfig } from '../../config/load.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/db.js';
import type { IncomingPasswordChange } from '../../store/password-sync.js';
import type { PasswordChange } from '../wire.js';

/**
 * The hub's side of password hash sync (issue 14): an agent's outbox batch is applied only for a
 * directory whose `agent` key names that agent (another agent cannot set a directory's passwords),
 * only verifiers of the expected form are kept (an argon2id PHC string at OWASP's parameters or
 * stronger: never anything that could be an NT hash), and the whole batch is one transaction.
 * Nothing of a verifier is logged.
 */

export interface PasswordBatch {
  directory: string;
  epoch: string;
  seq: number;
  changes: PasswordChange[];
}

const VERIFIER = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{32,}$/;
const STATUSES = new Set(['Success', 'FilteredByTarget', 'Failed']);

/** Whether a verifier is one idsync accepts (OWASP: m ≥ 19 MiB with t ≥ 2, or m ≥ 7 MiB with t ≥ 5). */
export function acceptableVerifier(v: unknown): v is string {
  const m = typeof v === 'string' ? VERIFIER.exec(v) : null;
  if (!m) return false;
  const [mem, t] = [Number(m[1]), Number(m[2])];
  return (mem >= 19456 && t >= 2) || (mem >= 7168 && t >= 5);
}

function clean(c: PasswordChange): IncomingPasswordChange | undefined {
  if (!c || typeof c !== 'object' || typeof c.guid !== 'string' || typeof c.username !== 'string' || typeof c.pwdLastSet !== 'string') return undefined;
  if (!/^\d{1,20}$/.test(c.pwdLastSet) || !STATUSES.has(c.status)) return undefined;
  const reason = typeof c.reason === 'string' ? c.reason.slice(0, 500) : undefined;
  if (c.status === 'Success' && !acceptableVerifier(c.verifier)) {
    return { guid: c.guid, username: c.username, pwdLastSet: c.pwdLastSet, status: 'Failed', reason: 'the agent sent a verifier idsync does not accept' };
  }
  return { guid: c.guid, username: c.username, pwdLastSet: c.pwdLastSet, status: c.status, verifier: c.status === 'Success' ? c.verifier : undefined, reason };
}

export type PasswordSink = (agent: string, batch: PasswordBatch) => Promise<'applied' | 'duplicate' | 'refused'>;

export function passwordSink(deps: { store: Store; directories: () => readonly DirectoryConfig[]; log: Logger; now: () => Date }): PasswordSink {
  return async (agent, b) => {
    const d = deps.directories().find((x) => x.name === b.directory && x.servers.some((s) => s.agent?.names.includes(agent)));
    if (!d || typeof b.epoch !== 'string' || !Number.isSafeInteger(b.seq) || !Array.isArray(b.changes)) {
      deps.log.warn({ agent, directory: b.directory }, 'password sync: batch refused (this agent does not serve that directory, or a malformed batch)');
      return 'refused';
    }
    const changes = b.changes.map(clean).filter((c): c is IncomingPasswordChange => c !== undefined);
    const applied = await deps.store.transact((q) =>
      q.passwordSync.applyBatch({ agent, directory: b.directory, epoch: b.epoch, seq: b.seq, changes }, deps.now()),
    );
    deps.log.info({ agent, directory: b.directory, seq: b.seq, changes: changes.length, applied }, 'password sync: batch received');
    return applied ? 'applied' : 'duplicate';
  };
}
