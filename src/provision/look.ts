import type { ProvisioningConfig } from '../config/provisioning.js';
import type { Secret } from '../secret.js';
import type { ExportKind, ExportRecord, Provisioning } from '../store/provisioning.js';
import { desiredGroup, desiredUser, type DesiredGroup, type DesiredUser } from './desired.js';
import { planGroup, planUser, type ExportPlan, type Look, type PasswordCheck } from './plan.js';
import { intentOf, type Selection } from './select.js';
import type { PasswordPolicy, ProvisionTarget, TargetEntry } from './target.js';

/**
 * Reads what a target holds for one object and plans it: the step between the outbox (deliver.ts)
 * or a dry run (`idsync provision --dry-run`) and the pure planner (plan.ts). The directory is
 * asked by the record's immutable id first, and by name only when that finds nothing, so a rename
 * or move made in the directory is followed, not duplicated (issue 12, "Renames").
 */

/** What planning a target's objects needs, besides the target itself. */
export interface TargetContext {
  directoryId: number;
  /** The directory's configured name (messages, the adopt command). */
  directory: string;
  cfg: ProvisioningConfig;
  target: ProvisionTarget;
  outbox: Pick<Provisioning, 'record' | 'records'>;
  checkPassword?: PasswordCheck;
}

/** The target DNs of the users exported to a target: a group's members are written by DN. */
export class ExportedDns {
  readonly #dns = new Map<number, string>();

  static async load(outbox: Pick<Provisioning, 'records'>, directoryId: number): Promise<ExportedDns> {
    return ExportedDns.of(await outbox.records(directoryId, 'user'));
  }

  static of(records: readonly ExportRecord[]): ExportedDns {
    const out = new ExportedDns();
    for (const r of records) out.note(r);
    return out;
  }

  note(r: Pick<ExportRecord, 'objectId' | 'targetId' | 'targetDn'>): void {
    if (r.targetId && r.targetDn) this.#dns.set(r.objectId, r.targetDn);
    else this.#dns.delete(r.objectId);
  }

  set(userId: number, dn: string): void {
    this.#dns.set(userId, dn);
  }

  get = (userId: number): string | undefined => this.#dns.get(userId);
}

/**
 * The users of a page that will be looked up by name (no id recorded yet: new, or left by a crash
 * between a create and its record), asked in a few searches where the target can
 * (findUsersByName) instead of one search each. An entry made by someone else between this
 * search and the create makes the create fail (the name exists); the retry then finds it by
 * name, as a conflict.
 */
export async function namesOfPage(
  ctx: TargetContext,
  userIds: number[],
  selection: Selection,
  records: Map<number, ExportRecord>,
): Promise<Map<string, TargetEntry | undefined> | undefined> {
  if (!ctx.target.findUsersByName) return undefined;
  const names: string[] = [];
  for (const id of userIds) {
    if (records.get(id)?.targetId) continue;
    const d = desiredUser(intentOf(selection, id), id, ctx.cfg);
    if (d.bound || records.get(id)?.targetDn) names.push(d.username);
  }
  if (names.length < 2) return undefined;
  // A directory that fails here fails each user's own lookup too, where it is recorded as theirs.
  return ctx.target.findUsersByName(names).catch(() => undefined);
}

export interface Looked {
  plan: ExportPlan;
  record?: ExportRecord;
  desired: DesiredUser | DesiredGroup;
}

/**
 * Plans one object. A user or group the selection no longer has: a user is unbound (disabled);
 * a group is left in the directory as it is (undefined).
 */
export async function lookAndPlan(
  ctx: TargetContext,
  kind: ExportKind,
  objectId: number,
  selection: Selection,
  dns: ExportedDns,
  extra: { password?: Secret; policy?: PasswordPolicy; names?: Map<string, TargetEntry | undefined> } = {},
): Promise<Looked | undefined> {
  const record = await ctx.outbox.record(ctx.directoryId, kind, objectId);
  const { target } = ctx;
  if (kind === 'user') {
    const desired = desiredUser(intentOf(selection, objectId), objectId, ctx.cfg);
    const look: Look<DesiredUser> = { desired, record };
    if (record?.targetId) look.current = await target.findUser(record.targetId);
    // By name: a conflict, or the object a crash left between its create and its record.
    if (!look.current && (desired.bound || (record && !record.targetId && record.targetDn))) {
      const key = desired.username.toLowerCase();
      look.byName = extra.names?.has(key) ? extra.names.get(key) : await target.findUserByName(desired.username);
    }
    const plan = planUser(look, {
      cfg: ctx.cfg,
      directory: ctx.directory,
      password: extra.password,
      policy: extra.policy,
      checkPassword: ctx.checkPassword,
    });
    return { plan, record, desired };
  }
  const intent = selection.groups.get(objectId);
  if (!intent) return undefined;
  const desired = desiredGroup(intent, ctx.cfg, dns.get);
  const look: Look<DesiredGroup> = { desired, record };
  if (record?.targetId) look.current = await target.findGroup(record.targetId);
  if (!look.current) look.byName = await target.findGroupByName(desired.name);
  return { plan: planGroup(look, { cfg: ctx.cfg, directory: ctx.directory }), record, desired };
}
