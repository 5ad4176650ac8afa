import { dnKey } from '../../src/directory/codecs.js';
import { IdsyncError } from '../../src/errors.js';
import { childDn, rdnValueOf } from '../../src/provision/dn.js';
import type { LocalGroup, ProvisionReader, ProvisionUser } from '../../src/provision/select.js';
import type {
  AttributeChange,
  NewGroup,
  NewUser,
  PasswordPolicy,
  ProvisionTarget,
  RightCheck,
  TargetAttributes,
  TargetEntry,
} from '../../src/provision/target.js';
import type { ExportKind, ExportRecord, OutboxRow, Provisioning } from '../../src/store/provisioning.js';

/*
 * In-memory stand-ins for the provisioning engine's unit tests (select, plan, deliver): pure logic
 * only. Integration tests use the real directories of test/harness and the real store.
 */

interface Held extends TargetEntry {
  kind: 'user' | 'group';
  password?: string;
}

/** A directory as a Map, following the ProvisionTarget contract (src/provision/target.ts). */
export class MemoryTarget implements ProvisionTarget {
  readonly entries = new Map<string, Held>();
  /** Every write, in order: `createUser CN=…`, `setPassword …`, `setEnabled … true`. Never a password. */
  readonly calls: string[] = [];
  /** Throws once after the named operation has been carried out (a process killed right after it). */
  crashAfter?: string;
  /** Makes the named operation fail, before it is carried out. */
  failOn?: { op: string; error: IdsyncError };
  #next = 1;

  constructor(
    readonly kind: 'active-directory' | 'openldap' = 'openldap',
    readonly userContainer = 'ou=people,dc=example,dc=test',
    readonly groupContainer = 'ou=groups,dc=example,dc=test',
    readonly policy?: PasswordPolicy,
  ) {}

  get #userRdn() {
    return this.kind === 'openldap' ? 'uid' : 'cn';
  }
  get #nameAttr() {
    return this.kind === 'openldap' ? 'uid' : 'samaccountname';
  }
  get #groupNameAttr() {
    return this.kind === 'openldap' ? 'cn' : 'samaccountname';
  }

  async #op<T>(name: string, detail: string, fn: () => T): Promise<T> {
    if (this.failOn?.op === name) throw this.failOn.error;
    const out = fn();
    this.calls.push(`${name} ${detail}`.trim());
    if (this.crashAfter === name) {
      this.crashAfter = undefined;
      throw new IdsyncError('DIRECTORY_UNREACHABLE', `connection lost after ${name}`);
    }
    return out;
  }

  #byDn(dn: string): Held {
    const e = [...this.entries.values()].find((x) => dnKey(x.dn) === dnKey(dn));
    if (!e) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `noSuchObject: ${dn}`);
    return e;
  }

  /** Puts an object there as if made by someone else (an unmanaged or protected account). */
  seed(kind: 'user' | 'group', dn: string, attributes: TargetAttributes, more: Partial<Held> = {}): Held {
    const id = `seed-${this.#next++}`;
    const e: Held = { id, dn, kind, attributes: lower(attributes), enabled: true, ...more };
    this.entries.set(id, e);
    return e;
  }

  #copy(e: Held | undefined): TargetEntry | undefined {
    if (!e) return undefined;
    const { kind: _k, password: _p, ...rest } = e;
    return structuredClone(rest);
  }

  async findUser(id: string) {
    const e = this.entries.get(id);
    return e?.kind === 'user' ? this.#copy(e) : undefined;
  }
  async findUserByName(username: string) {
    return this.#copy([...this.entries.values()].find((e) => e.kind === 'user' && e.attributes[this.#nameAttr]?.[0]?.toLowerCase() === username.toLowerCase()));
  }
  async findGroup(id: string) {
    const e = this.entries.get(id);
    return e?.kind === 'group' ? this.#copy(e) : undefined;
  }
  async findGroupByName(name: string) {
    return this.#copy(
      [...this.entries.values()].find((e) => e.kind === 'group' && e.attributes[this.#groupNameAttr]?.[0]?.toLowerCase() === name.toLowerCase()),
    );
  }

  #create(kind: 'user' | 'group', dn: string, attributes: TargetAttributes): TargetEntry {
    if ([...this.entries.values()].some((x) => dnKey(x.dn) === dnKey(dn))) throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `entryAlreadyExists: ${dn}`);
    const id = `00000000-0000-0000-0000-${String(this.#next++).padStart(12, '0')}`;
    const e: Held = { id, dn, kind, attributes: lower(attributes), enabled: kind === 'user' ? false : undefined };
    this.entries.set(id, e);
    return this.#copy(e)!;
  }

  createUser(user: NewUser) {
    const dn = childDn(this.#userRdn, user.rdn, this.userContainer);
    return this.#op('createUser', dn, () => this.#create('user', dn, { ...user.attributes, [this.#userRdn]: [user.rdn] }));
  }
  createGroup(group: NewGroup) {
    const dn = childDn('cn', group.rdn, this.groupContainer);
    return this.#op('createGroup', dn, () => this.#create('group', dn, { ...group.attributes, cn: [group.rdn], member: group.members }));
  }
  modify(dn: string, changes: AttributeChange[]) {
    return this.#op('modify', `${dn} ${changes.map((c) => c.attribute).join(',')}`, () => {
      const e = this.#byDn(dn);
      for (const c of changes) {
        if (c.values.length) e.attributes[c.attribute.toLowerCase()] = [...c.values];
        else delete e.attributes[c.attribute.toLowerCase()];
      }
    });
  }
  rename(dn: string, rdn: string) {
    return this.#op('rename', `${dn} ${rdn}`, () => {
      const e = this.#byDn(dn);
      const attr = e.kind === 'user' ? this.#userRdn : 'cn';
      e.dn = childDn(attr, rdn, dn.slice(dn.search(/(?<!\\),/) + 1));
      e.attributes[attr] = [rdn];
      return e.dn;
    });
  }
  setPassword(dn: string, password: string, options?: { enable?: boolean }) {
    return this.#op('setPassword', `${dn}${options?.enable ? ' +enable' : ''}`, () => {
      const e = this.#byDn(dn);
      e.password = password;
      if (options?.enable) e.enabled = true;
    });
  }
  setEnabled(dn: string, enabled: boolean) {
    return this.#op('setEnabled', `${dn} ${enabled}`, () => {
      this.#byDn(dn).enabled = enabled;
    });
  }
  changeMembers(groupDn: string, add: string[], remove: string[]) {
    return this.#op('changeMembers', `${groupDn} +${add.length} -${remove.length}`, () => {
      const e = this.#byDn(groupDn);
      const gone = new Set(remove.map(dnKey));
      e.attributes.member = [...(e.attributes.member ?? []).filter((m) => !gone.has(dnKey(m))), ...add];
    });
  }
  async passwordPolicy() {
    return this.policy;
  }
  async checkRights(): Promise<RightCheck[]> {
    return [];
  }
  async close() {}

  /** The entry a user is exported as, by its username. */
  user(username: string): Held | undefined {
    return [...this.entries.values()].find((e) => e.kind === 'user' && e.attributes[this.#nameAttr]?.[0] === username);
  }
  group(name: string): Held | undefined {
    return [...this.entries.values()].find((e) => e.kind === 'group' && rdnValueOf(e.dn) === name);
  }
}

function lower(a: TargetAttributes): TargetAttributes {
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k.toLowerCase(), [...v]]));
}

/** The outbox and export state as the contract says (src/store/provisioning.ts), in memory. */
export class MemoryOutbox implements Provisioning {
  /** As the store keeps them (OutboxRow, with `permanent` as in the store's version of the contract). */
  readonly rows = new Map<string, OutboxRow & { permanent: boolean }>();
  readonly recs = new Map<string, ExportRecord>();
  readonly names = new Map<number, string>();

  #key = (d: number, k: ExportKind, id: number) => `${d}:${k}:${id}`;

  async enqueue(directoryId: number, kind: ExportKind, objectId: number, sealedPassword: string | null, now: Date) {
    const k = this.#key(directoryId, kind, objectId);
    const r = this.rows.get(k);
    const at = now.toISOString();
    // As the store: coalesced into the object's row, due now, a permanent failure lifted; attempts kept.
    if (r) {
      r.version++;
      r.nextAttemptAt = at;
      r.permanent = false;
      if (sealedPassword !== null) r.sealedPassword = sealedPassword;
    } else {
      const row = {
        directoryId,
        kind,
        objectId,
        version: 1,
        sealedPassword,
        attempts: 0,
        nextAttemptAt: at,
        permanent: false,
        lastError: null,
        enqueuedAt: at,
      };
      this.rows.set(k, row as OutboxRow & { permanent: boolean });
    }
  }
  async due(directoryId: number, now: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.directoryId === directoryId && !r.permanent && r.nextAttemptAt <= now.toISOString())
      .sort((a, b) => (a.kind === b.kind ? a.enqueuedAt.localeCompare(b.enqueuedAt) : a.kind === 'user' ? -1 : 1))
      .slice(0, limit)
      .map((r) => ({ ...r }));
  }
  async nextDue(directoryId: number) {
    return [...this.rows.values()]
      .filter((r) => r.directoryId === directoryId && !r.permanent)
      .sort((a, b) => a.nextAttemptAt.localeCompare(b.nextAttemptAt))[0]?.nextAttemptAt;
  }
  async delivered(directoryId: number, kind: ExportKind, objectId: number, version: number) {
    const k = this.#key(directoryId, kind, objectId);
    if (this.rows.get(k)?.version !== version) return false;
    this.rows.delete(k);
    return true;
  }
  async clearPassword(directoryId: number, kind: ExportKind, objectId: number, version: number) {
    const r = this.rows.get(this.#key(directoryId, kind, objectId));
    if (r?.version === version) r.sealedPassword = null;
  }
  async clearDeliveredPassword(directoryId: number, kind: ExportKind, objectId: number, sealed: string) {
    const r = this.rows.get(this.#key(directoryId, kind, objectId));
    if (r?.sealedPassword === sealed) r.sealedPassword = null;
  }
  async failed(directoryId: number, kind: ExportKind, objectId: number, version: number, error: string, retryAt: string | undefined) {
    const r = this.rows.get(this.#key(directoryId, kind, objectId));
    if (!r || r.version !== version) return;
    r.attempts++;
    r.lastError = error;
    r.permanent = retryAt === undefined;
    if (retryAt !== undefined) r.nextAttemptAt = retryAt;
  }
  async backlog(directoryId: number) {
    return [...this.rows.values()].filter((r) => r.directoryId === directoryId).map((r) => ({ ...r }));
  }
  async record(directoryId: number, kind: ExportKind, objectId: number) {
    const r = this.recs.get(this.#key(directoryId, kind, objectId));
    return r ? { ...r } : undefined;
  }
  async records(directoryId: number, kind?: ExportKind) {
    return [...this.recs.values()].filter((r) => r.directoryId === directoryId && (!kind || r.kind === kind)).map((r) => ({ ...r }));
  }
  async recordsOf(kind: ExportKind, objectId: number) {
    return [...this.recs.values()]
      .filter((r) => r.kind === kind && r.objectId === objectId)
      .map((r) => ({ ...r, directory: this.names.get(r.directoryId) ?? '?' }));
  }
  async saveRecord(r: Omit<ExportRecord, 'updatedAt'>, now: Date) {
    this.recs.set(this.#key(r.directoryId, r.kind, r.objectId), { ...r, updatedAt: now.toISOString() });
  }
  async exportedTargetIds(directoryId: number, kind: ExportKind) {
    return new Set([...this.recs.values()].filter((r) => r.directoryId === directoryId && r.kind === kind && r.targetId).map((r) => r.targetId!));
  }
}

/** Store users and local groups as plain objects. */
export class MemoryReader implements ProvisionReader {
  users_: ProvisionUser[] = [];
  groups_: LocalGroup[] = [];
  members_ = new Map<number, number[]>();

  addUser(u: Partial<ProvisionUser> & { id: number; username: string }): ProvisionUser {
    const full: ProvisionUser = { status: 'active', directoryId: null, fullName: null, firstName: null, lastName: null, email: null, phones: [], ...u };
    this.users_.push(full);
    return full;
  }
  addGroup(id: number, name: string, members: number[], description: string | null = null): LocalGroup {
    const g = { id, name, description };
    this.groups_.push(g);
    this.members_.set(id, members);
    return g;
  }
  user(id: number): ProvisionUser {
    return this.users_.find((u) => u.id === id)!;
  }
  async users() {
    return this.users_.map((u) => ({ ...u }));
  }
  async localGroups() {
    return this.groups_.map((g) => ({ ...g }));
  }
  async members(groupId: number) {
    return [...(this.members_.get(groupId) ?? [])];
  }
}
