import type { ProvisioningConfig } from '../config/provisioning.js';
import type { ExportKind, ExportRecord, Provisioning } from '../store/provisioning.js';
import { desiredDigest, desiredGroup, desiredUser } from './desired.js';
import { ExportedDns } from './look.js';
import { intentOf, select, type ProvisionReader } from './select.js';

/**
 * Finds what a target is missing without reading the directory: every object's desired digest
 * against the digest its export record keeps (`exportedHash`), and enqueues the objects that
 * differ. Run when provisioning starts (changes made while idsync was stopped, or by a sync that
 * writes synced users, which does not go through the outbox) and after each inbound run. An object
 * already waiting in the outbox is left to it (enqueueing would reset its backoff); a permanent
 * failure keeps the digest it was decided on, so it waits until the object changes again.
 */

export interface ReconcileContext {
  directoryId: number;
  cfg: ProvisioningConfig;
  outbox: Pick<Provisioning, 'records' | 'backlog' | 'enqueue'>;
  reader: ProvisionReader;
  now: () => Date;
}

export interface ReconcileResult {
  users: number;
  groups: number;
  /** Local groups the configuration names that the store does not have. */
  unknownGroups: string[];
}

export async function reconcile(ctx: ReconcileContext): Promise<ReconcileResult> {
  const { directoryId, cfg, outbox } = ctx;
  const selection = await select(ctx.reader, cfg);
  const [userRecords, groupRecords, backlog] = await Promise.all([
    outbox.records(directoryId, 'user'),
    outbox.records(directoryId, 'group'),
    outbox.backlog(directoryId),
  ]);
  // A row kept for a permanent failure is not waiting: the object may have changed since (a synced
  // user, whose changes do not go through the outbox), which its new digest tells.
  const waiting = new Set(backlog.filter((r) => !(r as { permanent?: boolean }).permanent).map((r) => `${r.kind}:${r.objectId}`));
  const result: ReconcileResult = { users: 0, groups: 0, unknownGroups: selection.unknownGroups };
  const enqueue = async (kind: ExportKind, id: number) => {
    if (waiting.has(`${kind}:${id}`)) return;
    waiting.add(`${kind}:${id}`);
    await outbox.enqueue(directoryId, kind, id, null, ctx.now());
    result[kind === 'user' ? 'users' : 'groups']++;
  };
  const byId = (records: ExportRecord[]) => new Map(records.map((r) => [r.objectId, r]));

  const users = byId(userRecords);
  for (const [id, intent] of selection.users) {
    const r = users.get(id);
    // Never exported and not to be: nothing to disable.
    if (!r && intent.kind === 'unbind') continue;
    if (!r || r.exportedHash !== desiredDigest(desiredUser(intent, id, cfg))) await enqueue('user', id);
  }
  // Exported users the store no longer has: disabled.
  for (const r of userRecords) {
    if (selection.users.has(r.objectId)) continue;
    if (r.exportedHash !== desiredDigest(desiredUser(intentOf(selection, r.objectId), r.objectId, cfg))) await enqueue('user', r.objectId);
  }

  const groups = byId(groupRecords);
  const dns = new ExportedDns();
  for (const r of userRecords) dns.note(r);
  for (const [id, intent] of selection.groups) {
    const r = groups.get(id);
    if (!r || r.exportedHash !== desiredDigest(desiredGroup(intent, cfg, dns.get))) await enqueue('group', id);
  }
  return result;
}
