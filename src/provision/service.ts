import type { DirectoryConfig } from '../config/load.js';
import type { ProvisioningConfig } from '../config/provisioning.js';
import { IdsyncError, toIdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import { Secret } from '../secret.js';
import type { Store } from '../store/db.js';
import { ensureDirectory } from '../store/directories.js';
import { provisionUsers } from '../store/provision-reads.js';
import type { ExportRecord, OutboxRow } from '../store/provisioning.js';
import { findUserByUsername } from '../store/users.js';
import { deliverDue, type DeliveryReport } from './deliver.js';
import type { OutboxTransact } from './group-commit.js';
import { ExportedDns, lookAndPlan } from './look.js';
import type { ExportPlan, PasswordCheck } from './plan.js';
import { reconcile, type ReconcileResult } from './reconcile.js';
import { select, type ProvisionReader } from './select.js';
import type { ProvisionTarget, RightCheck } from './target.js';

/**
 * Provisioning for the command line and `idsync serve`: a target's directory row, its store
 * reader, one run (reconcile, then deliver what is due), a dry run (every object planned against
 * the directory, nothing written), the backlog and failures, and adopting an unmanaged account.
 */

/** A configured directory that idsync writes to. */
export type TargetConfig = DirectoryConfig & { provisioning: ProvisioningConfig };

export function isTarget(cfg: DirectoryConfig): cfg is TargetConfig {
  return !!cfg.provisioning;
}

/** Store users (src/store/provision-reads.ts) and local groups (store.localGroups), as selection reads them. */
export function storeReader(store: Store): ProvisionReader {
  return {
    users: () => provisionUsers(store.db),
    localGroups: async () => (await store.localGroups.list()).map((g) => ({ id: g.id, name: g.name, description: g.description })),
    members: async (id) => (await store.localGroups.members(id)).map((m) => m.userId),
  };
}

/** The outbox in one store transaction, for the delivery's grouped writes (group-commit.ts). */
export function outboxTransact(store: Store): OutboxTransact {
  return (fn) => store.transact((q) => fn(q.provisioning));
}

/** Opens a directory for writing (src/directory/write/: openProvisionTarget). */
export type TargetOpener = (cfg: TargetConfig) => Promise<ProvisionTarget>;

/** The directories table ids of the targets, their rows created on first use as a sync does. */
export async function targetIds(store: Store, dirs: readonly DirectoryConfig[], now: Date): Promise<number[]> {
  const out: number[] = [];
  for (const d of dirs) if (isTarget(d)) out.push((await ensureDirectory(store, d, now)).id);
  return out;
}

export interface RunOptions {
  store: Store;
  cfg: TargetConfig;
  openTarget: TargetOpener;
  /** Opens a password sealed in the outbox. */
  unseal: (sealed: string) => Secret;
  checkPassword?: PasswordCheck;
  now: () => Date;
  log?: Logger;
}

export interface RunReport {
  directory: string;
  reconciled: ReconcileResult;
  delivery: DeliveryReport;
}

/** One run for a target: reconcile, then deliver everything due. */
export async function provisionOnce(o: RunOptions): Promise<RunReport> {
  const directoryId = (await ensureDirectory(o.store, o.cfg, o.now())).id;
  const reader = storeReader(o.store);
  const outbox = o.store.provisioning;
  const reconciled = await reconcile({ directoryId, cfg: o.cfg.provisioning, outbox, reader, now: o.now });
  if (!(await outbox.nextDue(directoryId))) return { directory: o.cfg.name, reconciled, delivery: { delivered: 0, failures: [] } };
  const target = await o.openTarget(o.cfg);
  try {
    const delivery = await deliverDue({
      directoryId,
      directory: o.cfg.name,
      cfg: o.cfg.provisioning,
      target,
      outbox,
      reader,
      unseal: o.unseal,
      checkPassword: o.checkPassword,
      now: o.now,
      log: o.log,
      transact: outboxTransact(o.store),
    });
    return { directory: o.cfg.name, reconciled, delivery };
  } finally {
    await target.close();
  }
}

/**
 * Every object of a target planned against what the directory holds, nothing written
 * (`idsync provision --dry-run`). A password waiting in the outbox shows as `user.password`; it is
 * not opened.
 */
export async function planAll(o: Omit<RunOptions, 'unseal'>): Promise<ExportPlan[]> {
  const directoryId = (await ensureDirectory(o.store, o.cfg, o.now())).id;
  const outbox = o.store.provisioning;
  const selection = await select(storeReader(o.store), o.cfg.provisioning);
  const dns = await ExportedDns.load(outbox, directoryId);
  const waiting = new Set((await outbox.backlog(directoryId)).filter((r) => r.sealedPassword && r.kind === 'user').map((r) => r.objectId));
  const recorded = new Set((await outbox.records(directoryId, 'user')).map((r) => r.objectId));
  // Users never exported and not to be (synced users of other directories, say) have nothing to plan.
  const users = new Set([...[...selection.users].filter(([, i]) => i.kind === 'export').map(([id]) => id), ...recorded]);
  const target = await o.openTarget(o.cfg);
  const plans: ExportPlan[] = [];
  const ctx = { directoryId, directory: o.cfg.name, cfg: o.cfg.provisioning, target, outbox };
  try {
    for (const id of users) {
      const password = o.cfg.provisioning.passwords && waiting.has(id) ? new Secret('') : undefined;
      const looked = await lookAndPlan(ctx, 'user', id, selection, dns, { password });
      if (looked && (looked.plan.changes.length || looked.plan.outcome)) plans.push(looked.plan);
      // A user the run would create has no DN yet: its groups show it by the DN it would get.
      if (looked?.plan.changes[0]?.kind === 'user.create') dns.set(id, looked.plan.changes[0].dn);
    }
    for (const id of selection.groups.keys()) {
      const looked = await lookAndPlan(ctx, 'group', id, selection, dns);
      if (looked && (looked.plan.changes.length || looked.plan.outcome)) plans.push(looked.plan);
    }
  } finally {
    await target.close();
  }
  return plans;
}

export interface TargetStatus {
  directory: string;
  /** Waiting rows, each with the name of its user or group (`#id` when the store no longer has it). */
  backlog: (OutboxRow & { name: string })[];
  /** Records in state failed or conflict. */
  problems: (ExportRecord & { name: string })[];
  exported: number;
}

export async function targetStatus(store: Store, cfg: TargetConfig, now: Date): Promise<TargetStatus> {
  const directoryId = (await ensureDirectory(store, cfg, now)).id;
  const [backlog, records] = await Promise.all([store.provisioning.backlog(directoryId), store.provisioning.records(directoryId)]);
  const problems = records.filter((r) => r.state === 'failed' || r.state === 'conflict');
  const names = new Map<string, string>();
  if (backlog.length || problems.length) {
    for (const u of await provisionUsers(store.db)) names.set(`user:${u.id}`, u.username);
    for (const g of await store.localGroups.list()) names.set(`group:${g.id}`, g.name);
  }
  const named = <T extends { kind: string; objectId: number }>(r: T) => ({ ...r, name: names.get(`${r.kind}:${r.objectId}`) ?? `#${r.objectId}` });
  return {
    directory: cfg.name,
    backlog: backlog.map(named),
    problems: problems.map(named),
    exported: records.filter((r) => r.state === 'exported').length,
  };
}

/**
 * Takes over an account of the same name that idsync does not manage (issue 12: "Taking it over is
 * an explicit per-user action"): the export record names it, and the user is enqueued so its
 * attributes are written at the next delivery. A protected account is never taken.
 */
export async function adoptUser(
  o: { store: Store; cfg: TargetConfig; openTarget: TargetOpener; now: () => Date },
  username: string,
): Promise<{ userId: number; directoryId: number; targetId: string; targetDn: string }> {
  const user = await findUserByUsername(o.store.db, username);
  if (!user) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
  const directoryId = (await ensureDirectory(o.store, o.cfg, o.now())).id;
  const target = await o.openTarget(o.cfg);
  let entry: Awaited<ReturnType<ProvisionTarget['findUserByName']>>;
  try {
    entry = await target.findUserByName(user.username);
  } finally {
    await target.close();
  }
  if (!entry) throw new IdsyncError('STORE_NOT_FOUND', `directory "${o.cfg.name}" has no account named "${user.username}" to adopt`, { where: username });
  if (entry.protectedReason) throw new IdsyncError('PROVISION_PROTECTED', `${entry.dn}: ${entry.protectedReason}`, { where: entry.dn });
  const now = o.now();
  await o.store.provisioning.saveRecord(
    {
      directoryId,
      kind: 'user',
      objectId: user.id,
      state: 'pending',
      targetId: entry.id,
      targetDn: entry.dn,
      exportedHash: null,
      code: null,
      reason: null,
      permanent: false,
    },
    now,
  );
  await o.store.provisioning.enqueue(directoryId, 'user', user.id, null, now);
  return { userId: user.id, directoryId, targetId: entry.id, targetDn: entry.dn };
}

/**
 * The rights provisioning needs on a target's containers, each checked by the target (AD: the
 * effective allowed classes and attributes; OpenLDAP: a harmless probe), for `idsync directory
 * test`: run before any write, naming the right that is missing (issue 12). A target that cannot
 * be opened is one failed check saying why.
 */
export async function checkTargetRights(cfg: TargetConfig, open: TargetOpener): Promise<RightCheck[]> {
  let target: ProvisionTarget;
  try {
    target = await open(cfg);
  } catch (err) {
    const e = toIdsyncError(err);
    return [{ right: 'bind and write as the service account', ok: false, detail: `[${e.code}] ${e.message}` }];
  }
  try {
    return await target.checkRights();
  } finally {
    await target.close();
  }
}
