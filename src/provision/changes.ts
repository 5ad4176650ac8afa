import type { IdsyncConfig } from '../config/load.js';
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
 * The directories ids of the configuration file's directories that carry a `provisioning` block
 * (issue 12, "Provisioning targets"), their `directories` rows created on first use as a sync does
 * (ensureDirectory). Called BEFORE store.transact (creating a row takes a transaction of its own).
 * The admin API passes its registry's directories instead, which include those it created
 * (src/api/app.ts).
 */
export async function provisioningTargets(store: Store, config: IdsyncConfig, now: Date): Promise<number[]> {
  return targetIds(store, config.directories, now);
}
