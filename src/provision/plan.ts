import type { ProvisioningConfig } from '../config/provisioning.js';
import { dnKey } from '../directory/codecs.js';
import type { ErrorCode } from '../errors.js';
import type { Secret } from '../secret.js';
import type { ExportRecord } from '../store/provisioning.js';
import { desiredDigest, type DesiredGroup, type DesiredUser } from './desired.js';
import { childDn, collisionRdn, parentOf, rdnValueOf, sameDn } from './dn.js';
import type { PasswordPolicy, TargetAttributes, TargetEntry } from './target.js';

/**
 * The outbound planner (issue 12), the mirror of src/sync/plan.ts: what the store wants for one
 * object, what the directory holds and the export record in, typed changes out (`user.create`,
 * `user.update`…), or the reason nothing may be written (a conflict, a protected account, a user
 * AD cannot take, a password the domain's policy refuses). Pure: the caller reads the directory
 * (src/provision/deliver.ts) and `applyExport` (apply.ts) writes the plan. A dry run prints it.
 *
 * A password never enters a plan: `user.password` only says one will be set.
 */

export type AttributeDiff = Record<string, { from: string[]; to: string[] }>;

export type ExportChange =
  /** Created disabled, with no password (issue 12: "created disabled, gets its password, and is enabled last"). */
  | { kind: 'user.create'; rdn: string; dn: string; attributes: TargetAttributes }
  | { kind: 'user.rename'; from: string; to: string }
  | { kind: 'user.update'; attributes: AttributeDiff }
  | { kind: 'user.password' }
  | { kind: 'user.enable' }
  | { kind: 'user.disable'; reason: string }
  | { kind: 'group.create'; rdn: string; dn: string; attributes: TargetAttributes; members: string[] }
  | { kind: 'group.rename'; from: string; to: string }
  | { kind: 'group.update'; attributes: AttributeDiff }
  | { kind: 'group.members'; add: string[]; remove: string[] };

export type ExportChangeKind = ExportChange['kind'];

/** Why nothing may be written for an object: kept as its export state until the object changes again. */
export interface ExportOutcome {
  kind: 'conflict' | 'refused' | 'invalid';
  code: Extract<ErrorCode, 'PROVISION_CONFLICT' | 'PROVISION_PROTECTED' | 'PROVISION_INVALID' | 'PROVISION_PASSWORD_POLICY'>;
  message: string;
  /** The directory's object it is about (conflict, refused). */
  dn?: string;
}

export interface ExportPlan {
  kind: 'user' | 'group';
  objectId: number;
  name: string;
  changes: ExportChange[];
  outcome?: ExportOutcome;
  /** The directory object the plan writes to (undefined: it creates one). */
  entry?: TargetEntry;
  /** The object's DN: the entry's, or the one it will be created at. */
  dn?: string;
  /** desiredDigest of what the plan makes true, for the export record. */
  digest: string;
}

/** Validates a password against the target's policy before it is sent (src/directory/write/password-policy.ts): the failed rule's message, or undefined. */
export type PasswordCheck = (password: string, policy: PasswordPolicy, account: { username: string; fullName?: string }) => string | undefined;

/** What was read for one user or group. */
export interface Look<D> {
  desired: D;
  record?: ExportRecord;
  /** Found by the record's target id. */
  current?: TargetEntry;
  /** Found by name (username / group name), looked up when `current` was not found. */
  byName?: TargetEntry;
}

export interface UserPlanOptions {
  cfg: ProvisioningConfig;
  /** The directory's name, for the adopt command in a conflict's message. */
  directory: string;
  /** A password waiting in the outbox (only when the block exports passwords). */
  password?: Secret;
  policy?: PasswordPolicy;
  checkPassword?: PasswordCheck;
}

/**
 * The entry that is idsync's: the one the record names, or one found by name that the record
 * claims, either by id (adopted) or, while the record has no id yet, at the DN a create was about
 * to make: a crash between the create and the record leaves exactly that (deliver.ts).
 */
function ours<D>(look: Look<D>): TargetEntry | undefined {
  if (look.current) return look.current;
  const { byName, record } = look;
  if (!byName || !record) return undefined;
  if (record.targetId && record.targetId === byName.id) return byName;
  // A record with a DN and no id is only ever left by a create that did not finish (deliver.ts).
  if (!record.targetId && record.targetDn && createdAt(record.targetDn, byName.dn)) return byName;
  return undefined;
}

/**
 * Whether an object found by name stands where a create recorded it would: at that DN, or at its
 * disambiguated twin (`CN=John Smith (jsmith)`, dn.ts collisionRdn) when the first was taken.
 */
function createdAt(recordDn: string, found: string): boolean {
  if (sameDn(recordDn, found)) return true;
  return sameDn(parentOf(recordDn), parentOf(found)) && rdnValueOf(found).startsWith(`${rdnValueOf(recordDn)} (`);
}

const sameValues = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

function diff(want: TargetAttributes, have: TargetAttributes, skip: string | undefined): AttributeDiff {
  const out: AttributeDiff = {};
  for (const [attr, to] of Object.entries(want)) {
    if (skip && attr.toLowerCase() === skip.toLowerCase()) continue;
    const from = have[attr.toLowerCase()] ?? have[attr] ?? [];
    if (!sameValues(from, to)) out[attr] = { from, to };
  }
  return out;
}

/** Only the attributes with a value: a new object has nothing to clear. */
function present(attrs: TargetAttributes): TargetAttributes {
  return Object.fromEntries(Object.entries(attrs).filter(([, v]) => v.length));
}

function refusedOrConflict(kind: 'user' | 'group', name: string, e: TargetEntry, directory: string): ExportOutcome {
  if (e.protectedReason) return { kind: 'refused', code: 'PROVISION_PROTECTED', message: `${e.dn}: ${e.protectedReason}`, dn: e.dn };
  const adopt = kind === 'user' ? `; \`idsync users adopt ${name} --directory ${directory}\` takes it over` : '';
  return {
    kind: 'conflict',
    code: 'PROVISION_CONFLICT',
    message: `${kind === 'user' ? 'an account' : 'a group'} named "${name}" already exists at ${e.dn} and idsync does not manage it${adopt}`,
    dn: e.dn,
  };
}

export function planUser(look: Look<DesiredUser>, o: UserPlanOptions): ExportPlan {
  const d = look.desired;
  const plan: ExportPlan = { kind: 'user', objectId: d.objectId, name: d.username, changes: [], digest: desiredDigest(d) };
  const entry = ours(look);
  if (!d.bound) {
    // Unbound (issue 12, "Suspending"): disabled, never deleted; nothing if never exported.
    if (!entry) return plan;
    plan.entry = entry;
    plan.dn = entry.dn;
    if (entry.protectedReason) {
      plan.outcome = refusedOrConflict('user', d.username, entry, o.directory);
      return plan;
    }
    if (entry.enabled !== false) plan.changes.push({ kind: 'user.disable', reason: d.reason ?? 'unbound' });
    // A password set while the user is disabled goes to the disabled account, which stays
    // disabled: it was dropped before, and the account came back with the old one.
    const waiting = o.cfg.passwords ? o.password : undefined;
    if (waiting) {
      const refused = policyRefusal(d, o, waiting);
      if (refused) plan.outcome = refused;
      else plan.changes.push({ kind: 'user.password' });
    }
    return plan;
  }
  if (!entry && look.byName) {
    plan.outcome = refusedOrConflict('user', d.username, look.byName, o.directory);
    plan.dn = look.byName.dn;
    return plan;
  }
  if (entry?.protectedReason) {
    plan.outcome = refusedOrConflict('user', d.username, entry, o.directory);
    plan.dn = entry.dn;
    return plan;
  }
  if (d.missing.length) {
    plan.outcome = { kind: 'invalid', code: 'PROVISION_INVALID', message: `user "${d.username}" needs a ${d.missing.join(' and a ')} for this directory` };
    return plan;
  }
  const password = o.cfg.passwords ? o.password : undefined;
  const refused = password && policyRefusal(d, o, password);
  if (refused) {
    plan.outcome = refused;
    return plan;
  }
  const rdnAttribute = o.cfg.profile.userRdnAttribute;
  if (!entry) {
    plan.dn = childDn(rdnAttribute, d.rdn, o.cfg.userContainer);
    plan.changes.push({ kind: 'user.create', rdn: d.rdn, dn: plan.dn, attributes: present(d.attributes) });
    if (password) plan.changes.push({ kind: 'user.password' });
    plan.changes.push({ kind: 'user.enable' });
    return plan;
  }
  plan.entry = entry;
  plan.dn = entry.dn;
  const from = rdnValueOf(entry.dn);
  // `John Smith (jsmith)` is this user's name too, taken where another held `John Smith` (dn.ts).
  const rename = from !== d.rdn && !usernamesOf(d).some((u) => from === collisionRdn(d.rdn, u));
  if (rename) plan.changes.push({ kind: 'user.rename', from, to: d.rdn });
  const attributes = diff(d.attributes, entry.attributes, rename ? rdnAttribute : undefined);
  if (Object.keys(attributes).length) plan.changes.push({ kind: 'user.update', attributes });
  if (password) plan.changes.push({ kind: 'user.password' });
  if (entry.enabled === false) plan.changes.push({ kind: 'user.enable' });
  return plan;
}

/** The user's name in idsync and as exported (AD's sAMAccountName may be mapped from another field). */
function usernamesOf(d: DesiredUser): string[] {
  const exported = Object.entries(d.attributes).find(([k]) => k.toLowerCase() === 'samaccountname')?.[1]?.[0];
  return exported && exported !== d.username ? [d.username, exported] : [d.username];
}

/** The target's password policy refusing a password, as the plan's outcome; undefined when it passes. */
function policyRefusal(d: DesiredUser, o: UserPlanOptions, password: Secret): ExportOutcome | undefined {
  if (!o.policy || !o.checkPassword) return undefined;
  const problem = o.checkPassword(password.reveal(), o.policy, { username: d.username, fullName: d.attributes.displayName?.[0] });
  if (!problem) return undefined;
  return { kind: 'invalid', code: 'PROVISION_PASSWORD_POLICY', message: `the password of "${d.username}" does not meet the directory's policy: ${problem}` };
}

/** The member DNs a group entry holds, as read back (`member`). */
function membersOf(e: TargetEntry): string[] {
  return e.attributes.member ?? [];
}

export function planGroup(look: Look<DesiredGroup>, o: { cfg: ProvisioningConfig; directory: string }): ExportPlan {
  const d = look.desired;
  const plan: ExportPlan = { kind: 'group', objectId: d.objectId, name: d.name, changes: [], digest: desiredDigest(d) };
  const entry = ours(look);
  if (!entry && look.byName) {
    plan.outcome = refusedOrConflict('group', d.name, look.byName, o.directory);
    plan.dn = look.byName.dn;
    return plan;
  }
  if (entry?.protectedReason) {
    plan.outcome = refusedOrConflict('group', d.name, entry, o.directory);
    plan.dn = entry.dn;
    return plan;
  }
  const rdnAttribute = o.cfg.profile.groupRdnAttribute;
  if (!entry) {
    plan.dn = childDn(rdnAttribute, d.rdn, o.cfg.groupContainer);
    plan.changes.push({ kind: 'group.create', rdn: d.rdn, dn: plan.dn, attributes: present(d.attributes), members: d.members });
    return plan;
  }
  plan.entry = entry;
  plan.dn = entry.dn;
  const from = rdnValueOf(entry.dn);
  const rename = from !== d.rdn;
  if (rename) plan.changes.push({ kind: 'group.rename', from, to: d.rdn });
  const attributes = diff(d.attributes, entry.attributes, rename ? rdnAttribute : undefined);
  if (Object.keys(attributes).length) plan.changes.push({ kind: 'group.update', attributes });
  const have = new Map(membersOf(entry).map((m) => [dnKey(m), m]));
  const want = new Map(d.members.map((m) => [dnKey(m), m]));
  const add = [...want].filter(([k]) => !have.has(k)).map(([, m]) => m);
  const remove = [...have].filter(([k]) => !want.has(k)).map(([, m]) => m);
  if (add.length || remove.length) plan.changes.push({ kind: 'group.members', add, remove });
  return plan;
}

/** A plan as `idsync provision --dry-run` prints it, attribute by attribute. Never a password. */
export function describePlan(p: ExportPlan): string[] {
  const head = `${p.kind} ${p.name}${p.dn ? ` (${p.dn})` : ''}`;
  if (p.outcome) return [`${head}: ${p.outcome.kind} [${p.outcome.code}] ${p.outcome.message}`];
  if (!p.changes.length) return [];
  const lines = [head];
  const show = (v: string[]) => (v.length ? v.map((x) => JSON.stringify(x)).join(', ') : '(none)');
  for (const c of p.changes) {
    switch (c.kind) {
      case 'user.create':
      case 'group.create':
        lines.push(`  ${c.kind} ${c.dn}${c.kind === 'user.create' ? ' (disabled)' : ''}`);
        for (const [a, v] of Object.entries(c.attributes)) lines.push(`    ${a}: ${show(v)}`);
        if (c.kind === 'group.create') for (const m of c.members) lines.push(`    member: ${JSON.stringify(m)}`);
        break;
      case 'user.rename':
      case 'group.rename':
        lines.push(`  ${c.kind} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`);
        break;
      case 'user.update':
      case 'group.update':
        lines.push(`  ${c.kind}`);
        for (const [a, v] of Object.entries(c.attributes)) lines.push(`    ${a}: ${show(v.from)} → ${show(v.to)}`);
        break;
      case 'user.password':
        lines.push('  user.password (set; the value is never shown)');
        break;
      case 'user.disable':
        lines.push(`  user.disable (${c.reason})`);
        break;
      case 'group.members':
        lines.push(`  group.members`);
        for (const m of c.add) lines.push(`    + ${m}`);
        for (const m of c.remove) lines.push(`    - ${m}`);
        break;
      default:
        lines.push(`  ${c.kind}`);
    }
  }
  return lines;
}
