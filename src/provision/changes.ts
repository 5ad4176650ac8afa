import type { IdsyncConfig } from '../config/load.js';
import type { Store } from '../store/db.js';
import type { ExportKind } from '../store/provisioning.js';
import type { StoreQueries } from '../store/queries.js';

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
 * SEAM for the provisioning engine (helper "engine", issue 12 "Provisioning targets"): the
 * directories ids of the configured directories that carry a `provisioning` block, their
 * `directories` rows created on first use as a sync does (ensureDirectory).
 *
 * Until the `provisioning` configuration block exists this returns no target, so changes are
 * recorded nowhere; the engine replaces the body. It is called BEFORE store.transact (creating a
 * directories row takes a transaction of its own), and LocalChanges takes another function in its
 * options for tests.
 */
export async function provisioningTargets(_store: Store, _config: IdsyncConfig, _now: Date): Promise<number[]> {
  return [];
}
