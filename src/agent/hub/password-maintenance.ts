import type { Logger } from '../../log.js';
import type { Store } from '../../store/db.js';
import type { AgentHub } from './channel.js';

/**
 * What `idsync serve` does for password hash sync besides applying batches (issue 14): hands
 * `idsync passwords resync` requests (recorded in the store by another process) to the connected
 * agents, and prunes the attempt log past its retention (passwordSync.logRetentionDays).
 */
export function startPasswordMaintenance(deps: { store: Store; hub: AgentHub; log: Logger; now: () => Date; retentionDays: number }): () => void {
  let ticks = 0;
  const timer = setInterval(async () => {
    try {
      for (const directory of await deps.store.passwordSync.takeResyncRequests()) {
        const agents = deps.hub.resyncPasswords(directory ?? undefined);
        deps.log.info({ directory, agents }, 'password sync: resync asked of the connected agents');
      }
      // Hourly (every 720 ticks of 5 s), and at the first tick.
      if (ticks++ % 720 === 0) {
        const removed = await deps.store.passwordSync.prune(new Date(deps.now().getTime() - deps.retentionDays * 86_400_000));
        if (removed) deps.log.info({ removed }, 'password sync: attempts past their retention pruned');
      }
    } catch (err) {
      deps.log.warn({ err: (err as Error).message }, 'password sync: maintenance failed; tried again shortly');
    }
  }, 5000);
  timer.unref();
  return () => clearInterval(timer);
}
