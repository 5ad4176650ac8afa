import { sql, type Selectable } from 'kysely';
import { SecretBox } from '../directories/secret-box.js';
import type { Db } from './db-handle.js';
import type { ExportKind, ExportRecord, OutboxRow, Provisioning } from './provisioning.js';
import type { ProvisionExportsTable, ProvisionOutboxTable } from './schema.js';

/**
 * The outbox and export state of issue 12 ("Delivery"), as the contract in provisioning.ts says.
 * One Kysely implementation for SQLite and PostgreSQL: the upserts are `INSERT … ON CONFLICT`,
 * which both have. Times are ISO strings of the same form (toISOString), so they compare as text.
 */
const toIso = (t: string | Date) => new Date(t).toISOString();

function outboxRow(r: Selectable<ProvisionOutboxTable>): OutboxRow {
  return {
    directoryId: r.directory_id,
    kind: r.kind,
    objectId: r.object_id,
    version: r.version,
    sealedPassword: r.sealed_password,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    permanent: r.permanent === 1,
    lastError: r.last_error,
    enqueuedAt: r.enqueued_at,
  };
}

function exportRecord(r: Selectable<ProvisionExportsTable>): ExportRecord {
  return {
    directoryId: r.directory_id,
    kind: r.kind,
    objectId: r.object_id,
    state: r.state,
    targetId: r.target_id,
    targetDn: r.target_dn,
    exportedHash: r.exported_hash,
    code: r.code,
    reason: r.reason,
    permanent: r.permanent === 1,
    updatedAt: r.updated_at,
  };
}

export class KyselyProvisioning implements Provisioning {
  constructor(private readonly db: Db) {}

  /** The row of one object at one version: the only one a delivery may remove or mark. */
  #at(directoryId: number, kind: ExportKind, objectId: number, version: number) {
    return { directory_id: directoryId, kind, object_id: objectId, version };
  }

  async enqueue(directoryId: number, kind: ExportKind, objectId: number, sealedPassword: string | null, now: Date): Promise<void> {
    // Issue 12: "A password waiting in the outbox is encrypted with the store's secrets key". The
    // store refuses anything else, so a caller's slip cannot put a clear password on disk.
    if (sealedPassword !== null && !SecretBox.isSealed(sealedPassword)) throw new Error('the outbox takes sealed passwords only (SecretBox.seal)');
    const at = now.toISOString();
    await this.db
      .insertInto('provision_outbox')
      .values({
        directory_id: directoryId,
        kind,
        object_id: objectId,
        version: 1,
        sealed_password: sealedPassword,
        attempts: 0,
        next_attempt_at: at,
        permanent: 0,
        last_error: null,
        enqueued_at: at,
      })
      // Coalesced: one row per object, its version bumped, due now, a permanent failure lifted (the
      // object changed). `enqueued_at` stays that of the oldest waiting change, so an object that
      // keeps changing keeps its place; attempts and the last error stay until it is delivered.
      .onConflict((oc) =>
        oc.columns(['directory_id', 'kind', 'object_id']).doUpdateSet((eb) => ({
          version: sql<number>`provision_outbox.version + 1`,
          sealed_password: sealedPassword === null ? eb.ref('provision_outbox.sealed_password') : eb.ref('excluded.sealed_password'),
          next_attempt_at: eb.ref('excluded.next_attempt_at'),
          permanent: 0,
        })),
      )
      .execute();
  }

  async due(directoryId: number, now: Date, limit: number): Promise<OutboxRow[]> {
    const rows = await this.db
      .selectFrom('provision_outbox')
      .selectAll()
      .where('directory_id', '=', directoryId)
      .where('permanent', '=', 0)
      .where('next_attempt_at', '<=', now.toISOString())
      // Users before groups (a group's members must exist first), then oldest first.
      .orderBy(sql`case when kind = 'user' then 0 else 1 end`)
      .orderBy('enqueued_at')
      .orderBy('object_id')
      .limit(limit)
      .execute();
    return rows.map(outboxRow);
  }

  async nextDue(directoryId: number): Promise<string | undefined> {
    const r = await this.db
      .selectFrom('provision_outbox')
      .select((eb) => eb.fn.min('next_attempt_at').as('at'))
      .where('directory_id', '=', directoryId)
      .where('permanent', '=', 0)
      .executeTakeFirst();
    return r?.at ?? undefined;
  }

  async delivered(directoryId: number, kind: ExportKind, objectId: number, version: number): Promise<boolean> {
    const r = await this.db
      .deleteFrom('provision_outbox')
      .where((eb) => eb.and(this.#at(directoryId, kind, objectId, version)))
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async clearPassword(directoryId: number, kind: ExportKind, objectId: number, version: number): Promise<void> {
    await this.db
      .updateTable('provision_outbox')
      .set({ sealed_password: null })
      .where((eb) => eb.and(this.#at(directoryId, kind, objectId, version)))
      .execute();
  }

  async clearDeliveredPassword(directoryId: number, kind: ExportKind, objectId: number, sealed: string): Promise<void> {
    await this.db
      .updateTable('provision_outbox')
      .set({ sealed_password: null })
      .where('directory_id', '=', directoryId)
      .where('kind', '=', kind)
      .where('object_id', '=', objectId)
      .where('sealed_password', '=', sealed)
      .execute();
  }

  async failed(directoryId: number, kind: ExportKind, objectId: number, version: number, error: string, retryAt: string | undefined): Promise<void> {
    // Only the version that was attempted: a change that arrived meanwhile made the row due now.
    await this.db
      .updateTable('provision_outbox')
      .set((eb) => ({
        attempts: eb('attempts', '+', 1),
        last_error: error,
        permanent: retryAt === undefined ? 1 : 0,
        ...(retryAt === undefined ? {} : { next_attempt_at: toIso(retryAt) }),
      }))
      .where((eb) => eb.and(this.#at(directoryId, kind, objectId, version)))
      .execute();
  }

  async backlog(directoryId: number): Promise<OutboxRow[]> {
    const rows = await this.db
      .selectFrom('provision_outbox')
      .selectAll()
      .where('directory_id', '=', directoryId)
      .orderBy(sql`case when kind = 'user' then 0 else 1 end`)
      .orderBy('enqueued_at')
      .orderBy('object_id')
      .execute();
    return rows.map(outboxRow);
  }

  async record(directoryId: number, kind: ExportKind, objectId: number): Promise<ExportRecord | undefined> {
    const r = await this.db
      .selectFrom('provision_exports')
      .selectAll()
      .where('directory_id', '=', directoryId)
      .where('kind', '=', kind)
      .where('object_id', '=', objectId)
      .executeTakeFirst();
    return r && exportRecord(r);
  }

  async records(directoryId: number, kind?: ExportKind): Promise<ExportRecord[]> {
    let q = this.db.selectFrom('provision_exports').selectAll().where('directory_id', '=', directoryId);
    if (kind) q = q.where('kind', '=', kind);
    return (await q.orderBy('kind', 'desc').orderBy('object_id').execute()).map(exportRecord);
  }

  async recordsOf(kind: ExportKind, objectId: number): Promise<(ExportRecord & { directory: string })[]> {
    const rows = await this.db
      .selectFrom('provision_exports')
      .innerJoin('directories', 'directories.id', 'provision_exports.directory_id')
      .selectAll('provision_exports')
      .select('directories.name as directory')
      .where('provision_exports.kind', '=', kind)
      .where('provision_exports.object_id', '=', objectId)
      .orderBy('directories.name')
      .execute();
    return rows.map((r) => ({ ...exportRecord(r), directory: r.directory }));
  }

  async saveRecord(r: Omit<ExportRecord, 'updatedAt'>, now: Date): Promise<void> {
    const values = {
      state: r.state,
      target_id: r.targetId,
      target_dn: r.targetDn,
      exported_hash: r.exportedHash,
      code: r.code,
      reason: r.reason,
      permanent: r.permanent ? 1 : 0,
      updated_at: now.toISOString(),
    };
    await this.db
      .insertInto('provision_exports')
      .values({ directory_id: r.directoryId, kind: r.kind, object_id: r.objectId, ...values })
      .onConflict((oc) => oc.columns(['directory_id', 'kind', 'object_id']).doUpdateSet(values))
      .execute();
  }

  async exportedTargetIds(directoryId: number, kind: ExportKind): Promise<Set<string>> {
    // Every object idsync created or adopted there, whatever its last delivery did; a conflict's
    // object is someone else's and is not idsync's to hide from the inbound sync.
    const rows = await this.db
      .selectFrom('provision_exports')
      .select('target_id')
      .where('directory_id', '=', directoryId)
      .where('kind', '=', kind)
      .where('state', '!=', 'conflict')
      .where('target_id', 'is not', null)
      .execute();
    return new Set(rows.map((r) => r.target_id!));
  }
}
