import type { IdsyncConfig } from '../config/load.js';
import { DirectoryRegistry } from '../directories/registry.js';
import { createLogger } from '../log.js';
import type { Store } from '../store/db.js';
import type { ExportKind } from '../store/provisioning.js';
import type { StoreQueries } from '../store/queries.js';
import { targetIds } from './service.js';

/**
 * Issue 12, "Delivery": every change to a local user or group goes through a persistent outbox,
 * written in the same transaction as the change itself, so that nothing is lost across a restart
 * or a crash. Callers make the change and call recordChange with the same `q` inside one
 * store.transact (src/provision/local-changes.ts does it for the CLI and the API).
 *
 * `targets` are the directories table's ids of the provisioning targets; `sealedPassword` is the
 * new password sealed with the store's secrets key (SecretBox), never the clear text. One call
 * coalesces into each target's row for the object (Provisioning.enqueue).
 */
export async function recordChange(
  q: StoreQueries,
  targets: readonly number[],
  kind: ExportKind,
  id: number,
  sealedPassword?: string | null,
  now: Date = new Date(),
): Promise<void> {
  for (const directoryId of targets) await q.provisioning.enqueue(directoryId, kind, id, sealedPassword ?? null, now);
}

/**
 * The directories ids of every configured directory that carries a `provisioning` block (issue 12,
 * "Provisioning targets"): those of the configuration file and those created through the admin API,
 * merged by the directory registry (src/directories/registry.ts) as `idsync serve` runs them, so a
 * change made on the command line is recorded for a target the API created too. Their
 * `directories` rows are created on first use as a sync does (ensureDirectory). Called BEFORE
 * store.transact (creating a row takes a transaction of its own). The admin API passes its own
 * registry's directories (src/api/app.ts).
 */
export async function provisioningTargets(store: Store, config: IdsyncConfig, now: Date): Promise<number[]> {
  // A stored directory that cannot be used (its password not opening) is logged by the registry and left out.
  const dirs = await DirectoryRegistry.forCommands(store, config, createLogger('warn')).configs();
  return targetIds(store, dirs, now);
}
