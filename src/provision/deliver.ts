import { type ErrorCode, IdsyncError, toIdsyncError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Secret } from '../secret.js';
import type { ExportKind, ExportRecord, ExportState, OutboxRow, Provisioning } from '../store/provisioning.js';
import { applyExport } from './apply.js';
import { GroupCommit, type OutboxTransact } from './group-commit.js';
import { ExportedDns, lookAndPlan, namesOfPage, type TargetContext } from './look.js';
import { select, type ProvisionReader, type Selection } from './select.js';
import type { PasswordPolicy, TargetEntry } from './target.js';

/**
 * The outbox loop for one target (issue 12, "Delivery"): the due rows (users before groups, so a
 * group's new members have DNs), each object's coalesced change planned against what the
 * directory holds and applied; the export state saved; the row removed only if no change arrived
 * meanwhile (its version unchanged); a delivered password cleared at once. Failures are retried
 * with exponential backoff; a permanent one (policy, conflict, protected, invalid) waits until the
 * object changes again.
 *
 * Crash safety: before a create, the record is saved `pending` with the DN the create will make.
 * A process killed between the create and the record finds, on the retry, the object at that DN
 * and takes it as its own (plan.ts, `ours`) instead of calling it a conflict, so the change is
 * delivered exactly once.
 *
 * A password is unsealed only here, kept in a Secret, and never logged or put in a message.
 */

export interface DeliveryContext extends TargetContext {
  outbox: Provisioning;
  reader: ProvisionReader;
  /** Opens a password sealed in the outbox (the store's SecretBox). */
  unseal: (sealed: string) => Secret;
  now: () => Date;
  log?: Logger;
  /** Rows per pass. */
  limit?: number;
  /** Users delivered at once (default IN_FLIGHT). */
  inFlight?: number;
  /**
   * Runs outbox writes in one store transaction (Store.transact): the writes of the users in
   * flight then share transactions (group-commit.ts). Without it each write is its own.
   */
  transact?: OutboxTransact;
}

export interface DeliveryFailure {
  kind: ExportKind;
  objectId: number;
  name: string;
  code: string;
  message: string;
  permanent: boolean;
}

export interface DeliveryReport {
  /** Objects whose changes were written (or found already true). */
  delivered: number;
  failures: DeliveryFailure[];
}

/** Not retried until the object changes again (issue 12: "policy, conflict, privilege"). */
const PERMANENT = new Set<ErrorCode>(['PROVISION_PASSWORD_POLICY', 'PROVISION_CONFLICT', 'PROVISION_PROTECTED', 'PROVISION_INVALID', 'PROVISION_INSECURE']);

const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 60 * 60_000;

/** The wait before the next attempt, after `attempts` earlier failures: 5 s, 10 s, 20 s… at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempts, 20));
}

/**
 * Delivers every row due now, a page of `limit` rows per pass (`idsync provision` once delivered
 * only the first 500 of a larger backlog). A pass that moves users (created, renamed) enqueues the
 * groups that list them; those are delivered by one more pass, not left for the next wake-up. A
 * failed row is not due again before its backoff, so passes end; MAX_PASSES bounds them anyway
 * when changes keep arriving as fast as they are delivered.
 */
export async function deliverDue(ctx: DeliveryContext): Promise<DeliveryReport> {
  const report: DeliveryReport = { delivered: 0, failures: [] };
  const limit = ctx.limit ?? 500;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const { rows, followUp } = await deliverPass(ctx, report, limit);
    if (rows < limit && !followUp) break;
  }
  return report;
}

const MAX_PASSES = 1000;

/** One pass over at most `limit` due rows: how many there were, and whether it enqueued groups for another. */
async function deliverPass(ctx: DeliveryContext, report: DeliveryReport, limit: number): Promise<{ rows: number; followUp: boolean }> {
  const rows = await ctx.outbox.due(ctx.directoryId, ctx.now(), limit);
  if (!rows.length) return { rows: 0, followUp: false };
  // The store gives users first; sorted again so a group never sees a member's old DN.
  rows.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'user' ? -1 : 1));
  const selection = await select(ctx.reader, ctx.cfg);
  const records = await ctx.outbox.records(ctx.directoryId, 'user');
  const dns = ExportedDns.of(records);
  let policy: PasswordPolicy | undefined | null = null;
  // Groups this pass delivers anyway: a member's new DN needs no second pass for them.
  const coming = new Set(rows.filter((r) => r.kind === 'group').map((r) => r.objectId));
  const followUp = { groups: 0 };
  const users = rows.filter((r) => r.kind === 'user');
  if (ctx.cfg.passwords && users.some((r) => r.sealedPassword)) policy = await ctx.target.passwordPolicy();
  const byId = new Map(records.map((r) => [r.objectId, r]));
  const names = await namesOfPage(
    ctx,
    users.map((r) => r.objectId),
    selection,
    byId,
  );
  const commit = ctx.transact ? new GroupCommit(ctx.transact) : undefined;
  const write: StoreWrite = commit ? (fn) => commit.run(fn) : (fn) => fn(ctx.outbox);
  const deliver = (row: OutboxRow) => {
    const password = row.sealedPassword && ctx.cfg.passwords && row.kind === 'user' ? ctx.unseal(row.sealedPassword) : undefined;
    return deliverRow(ctx, row, { selection, dns, coming, followUp, write, names }, report, password, policy ?? undefined);
  };
  // Users several at a time: each is its own object (the outbox holds one row per object), and a
  // directory write is a round trip that mostly waits (on Samba, a transaction of tens of ms).
  await inPool(users, ctx.inFlight ?? IN_FLIGHT, deliver);
  // Groups after every user, one at a time: a group lists its members by the DNs just written.
  for (const row of rows) {
    if (row.kind !== 'group') continue;
    coming.delete(row.objectId);
    await deliver(row);
  }
  return { rows: rows.length, followUp: followUp.groups > 0 };
}

/** Outbox writes that belong together, committed together (in one transaction when the context has one). */
type StoreWrite = (fn: (outbox: Provisioning) => Promise<void>) => Promise<void>;

/** Users delivered at once unless the context says otherwise (DeliveryContext.inFlight; tests use 1 to assert exact order). */
const IN_FLIGHT = 8;

/**
 * Runs `fn` over `items`, at most `size` at a time. A failure (deliverRow records its own, so only
 * the store failing) stops handing out items, and is thrown once every call in flight has ended:
 * nothing is left writing behind the caller's back.
 */
async function inPool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: { err: unknown } | undefined;
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await fn(items[next++]);
      } catch (err) {
        failed ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
  if (failed) throw failed.err;
}

async function deliverRow(
  ctx: DeliveryContext,
  row: OutboxRow,
  pass: {
    selection: Selection;
    dns: ExportedDns;
    coming: Set<number>;
    followUp: { groups: number };
    write: StoreWrite;
    /** The page's users looked up by name at once (look.ts, namesOfPage). */
    names?: Map<string, TargetEntry | undefined>;
  },
  report: DeliveryReport,
  password: Secret | undefined,
  policy: PasswordPolicy | undefined,
): Promise<void> {
  const { directoryId } = ctx;
  const { kind, objectId, version } = row;
  const { selection, dns, write } = pass;
  let record: ExportRecord | undefined;
  let name = `#${objectId}`;
  let digest: string | undefined;
  const save = (outbox: Provisioning, r: Partial<ExportRecord> & { state: ExportState }) =>
    outbox.saveRecord(
      {
        directoryId,
        kind,
        objectId,
        targetId: record?.targetId ?? null,
        targetDn: record?.targetDn ?? null,
        exportedHash: record?.exportedHash ?? null,
        code: null,
        reason: null,
        permanent: false,
        ...r,
      },
      ctx.now(),
    );
  try {
    const looked = await lookAndPlan(ctx, kind, objectId, selection, dns, { password, policy, names: pass.names });
    if (!looked) {
      // A group no longer exported: left in the directory as it is.
      await write((outbox) => outbox.delivered(directoryId, kind, objectId, version).then(() => undefined));
      report.delivered++;
      return;
    }
    const { plan } = looked;
    record = looked.record;
    name = plan.name;
    digest = plan.digest;
    if (plan.outcome) throw new IdsyncError(plan.outcome.code, plan.outcome.message, { where: plan.dn ?? plan.name });
    const applied = await applyExport(plan, ctx.target, {
      password,
      beforeCreate: async (dn) => {
        await write((outbox) => save(outbox, { state: 'pending', targetId: null, targetDn: dn }));
        record = { ...(record ?? ({} as ExportRecord)), state: 'pending', targetId: null, targetDn: dn };
      },
      // Kept in memory, not written: a later failure saves it with its reason (below), and a
      // crash before the final write leaves the pending DN, which the retry recognises (plan.ts, `ours`).
      onCreated: async (entry: TargetEntry) => {
        record = { ...(record as ExportRecord), targetId: entry.id, targetDn: entry.dn };
      },
    });
    // Groups that list a user with a new or renamed DN follow it.
    const follow = applied?.moved && kind === 'user' ? selection.groupsOf(objectId).filter((g) => !pass.coming.has(g)) : ([] as number[]);
    // The export state, the groups to follow and the row's removal: one write.
    await write(async (outbox) => {
      if (applied) {
        await save(outbox, { state: 'exported', targetId: applied.targetId, targetDn: applied.targetDn, exportedHash: plan.digest });
        for (const g of follow) await outbox.enqueue(directoryId, 'group', g, null, ctx.now());
      } else if (record) {
        // An unbound user never exported here, or gone from the directory: nothing to write.
        await save(outbox, { state: record.state, exportedHash: plan.digest, code: record.code, reason: record.reason, permanent: record.permanent });
      }
      // The row goes with its password. A row whose version moved on is kept (the change that
      // came meanwhile is delivered next), without the password delivered here unless a new one came.
      const gone = await outbox.delivered(directoryId, kind, objectId, version);
      if (!gone && password && row.sealedPassword) await outbox.clearDeliveredPassword(directoryId, kind, objectId, row.sealedPassword);
    });
    if (applied && kind === 'user') dns.set(objectId, applied.targetDn);
    pass.followUp.groups += follow.length;
    report.delivered++;
    ctx.log?.debug({ kind, objectId, changes: plan.changes.map((c) => c.kind) }, 'provisioned');
  } catch (err) {
    const e = toIdsyncError(err);
    const { code } = e;
    // Whatever a directory echoes back, a password never reaches the store's reason or a log.
    let message = e.message;
    if (password && !password.isEmpty) message = message.split(password.reveal()).join('[redacted]');
    const permanent = PERMANENT.has(code);
    const state: ExportState = code === 'PROVISION_CONFLICT' ? 'conflict' : 'failed';
    const retryAt = permanent ? undefined : new Date(ctx.now().getTime() + backoffMs(row.attempts)).toISOString();
    await write(async (outbox) => {
      // A permanent failure records the digest it was decided on: reconcile leaves it until the object changes.
      await save(outbox, { state, code, reason: message, permanent, ...(permanent && digest ? { exportedHash: digest } : {}) });
      // A password the policy refuses will never be delivered: it is not kept (the administrator sets another).
      if (code === 'PROVISION_PASSWORD_POLICY' && row.sealedPassword) await outbox.clearPassword(directoryId, kind, objectId, version);
      await outbox.failed(directoryId, kind, objectId, version, `${code}: ${message}`, retryAt);
    });
    report.failures.push({ kind, objectId, name, code, message, permanent });
    ctx.log?.warn({ kind, objectId, code, permanent }, 'provisioning failed');
  }
}
