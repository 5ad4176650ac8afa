/*
 * What outbound provisioning (issue 12) asks of the store. Contract only; implemented by
 * KyselyProvisioning (same code on SQLite and PostgreSQL, tested over both).
 *
 * - The outbox holds one row per (target, object): a change to an object coalesces into its row
 *   by bumping `version`. It is written in the same transaction as the change itself (the caller
 *   runs both inside store.transact). A password waits in it sealed with the store's secrets key
 *   (SecretBox), and is cleared once delivered or superseded.
 * - The export state is per (target, object): pending, exported (with the directory's id and DN),
 *   failed (with a code and reason; `permanent` ones wait until the object changes again), or
 *   conflict (an unmanaged object of the same name).
 * - `directoryId` is the directories table's id of the target (created on first use, as a sync does).
 */

export type ExportKind = 'user' | 'group';
export type ExportState = 'pending' | 'exported' | 'failed' | 'conflict';

export interface OutboxRow {
  directoryId: number;
  kind: ExportKind;
  objectId: number;
  version: number;
  /** Sealed (SecretBox), never the clear password. */
  sealedPassword: string | null;
  attempts: number;
  /** ISO time before which it is not retried. */
  nextAttemptAt: string;
  /** A permanent failure: not due again until the object changes (enqueue clears it). */
  permanent: boolean;
  lastError: string | null;
  enqueuedAt: string;
}

export interface ExportRecord {
  directoryId: number;
  kind: ExportKind;
  objectId: number;
  state: ExportState;
  /** objectGUID / entryUUID, once created or adopted. */
  targetId: string | null;
  targetDn: string | null;
  /** Digest of what was last written, so a reconcile can tell what changed without reading the directory. */
  exportedHash: string | null;
  /** Error code (PROVISION_*, DIRECTORY_*) and message of the last failure or conflict. */
  code: string | null;
  reason: string | null;
  /** A permanent failure is not retried until the object changes again. */
  permanent: boolean;
  updatedAt: string;
}

export interface Provisioning {
  /**
   * Records a change: bumps the (target, object) outbox row's version, or inserts it, and makes it
   * due now. A password replaces any waiting one (the old one is superseded); `null` keeps it.
   */
  enqueue(directoryId: number, kind: ExportKind, objectId: number, sealedPassword: string | null, now: Date): Promise<void>;
  /** The rows due at `now`, oldest first, users before groups. */
  due(directoryId: number, now: Date, limit: number): Promise<OutboxRow[]>;
  /** When the next row becomes due (for sleeping until then), or undefined when the outbox is empty. */
  nextDue(directoryId: number): Promise<string | undefined>;
  /**
   * Removes the row if its version is still `version` (a change that arrived meanwhile keeps it,
   * and its password with it). Whether it was removed.
   */
  delivered(directoryId: number, kind: ExportKind, objectId: number, version: number): Promise<boolean>;
  /** Clears a delivered password, if the row still holds that version. */
  clearPassword(directoryId: number, kind: ExportKind, objectId: number, version: number): Promise<void>;
  /**
   * Clears the waiting password if it is still `sealed`, whatever the row's version: a change that
   * arrived while that password was being delivered keeps its row, but must not send it again (a
   * new password is sealed anew, so it never matches).
   */
  clearDeliveredPassword(directoryId: number, kind: ExportKind, objectId: number, sealed: string): Promise<void>;
  /** A failed attempt: attempts + 1, next attempt at `retryAt` (undefined: permanent, kept until the object changes). */
  failed(directoryId: number, kind: ExportKind, objectId: number, version: number, error: string, retryAt: string | undefined): Promise<void>;
  /** Every waiting row of a target (for `idsync provision status`). */
  backlog(directoryId: number): Promise<OutboxRow[]>;

  record(directoryId: number, kind: ExportKind, objectId: number): Promise<ExportRecord | undefined>;
  records(directoryId: number, kind?: ExportKind): Promise<ExportRecord[]>;
  /** An object's state at every target (for `users show` / `groups show` and the API). */
  recordsOf(kind: ExportKind, objectId: number): Promise<(ExportRecord & { directory: string })[]>;
  saveRecord(r: Omit<ExportRecord, 'updatedAt'>, now: Date): Promise<void>;
  /** The directory ids idsync exported objects to in a target, for the inbound sync to leave alone (no ping-pong). */
  exportedTargetIds(directoryId: number, kind: ExportKind): Promise<Set<string>>;
}
