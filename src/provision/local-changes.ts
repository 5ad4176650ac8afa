import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import type { IdsyncConfig } from '../config/load.js';
import { secretBoxFor } from '../directories/secret-box.js';
import { IdsyncError } from '../errors.js';
import type { Store } from '../store/db.js';
import type { LocalGroup } from '../store/local-groups.js';
import type { StoreQueries } from '../store/queries.js';
import type { EditableField, UserRow } from '../store/users.js';
import { provisioningTargets, recordChange } from './changes.js';

export interface LocalChangesOptions {
  store: Store;
  config: IdsyncConfig;
  now: () => Date;
  /** The provisioning targets' directory ids (default: provisioningTargets, the engine's seam). */
  targets?: (store: Store, config: IdsyncConfig, now: Date) => Promise<number[]>;
  /** Seals a password for the outbox (default: the store's SecretBox, secretBoxFor(config)). */
  seal?: (password: string) => string;
  /**
   * SEAM for the provisioning engine: called after a change that recorded outbox rows has
   * committed, with the targets it recorded for, so that their delivery loops in this process
   * wake at once instead of at their next poll (issue 12's latency target).
   */
  recorded?: (targets: readonly number[]) => void;
}

/**
 * The changes an administrator makes to store-owned identities (issue 12, "Store-owned
 * identities"), one function each for the CLI and the API alike: each makes its change and records
 * it for every provisioning target in one transaction (src/provision/changes.ts). Policy lives
 * here (a synced user's password belongs to its directory); storage is src/store's.
 *
 * A membership change records the group and the users it concerns: a target that exports "the
 * members of named groups" gains or loses those users.
 */
export class LocalChanges {
  readonly #o: LocalChangesOptions;

  constructor(o: LocalChangesOptions) {
    this.#o = o;
  }

  /** Runs `fn` in one transaction with the targets computed beforehand (creating a target's row takes a transaction of its own). */
  async #change<T>(fn: (q: StoreQueries, targets: readonly number[], now: Date) => Promise<T>): Promise<T> {
    const now = this.#o.now();
    const targets = await (this.#o.targets ?? provisioningTargets)(this.#o.store, this.#o.config, now);
    const result = await this.#o.store.transact((q) => fn(q, targets, now));
    if (targets.length) this.#o.recorded?.(targets);
    return result;
  }

  addUser(u: { username: string; email?: string; fullName?: string }): Promise<UserRow> {
    return this.#change(async (q, targets, now) => {
      const row = await q.users.addLocal(u, now);
      await recordChange(q, targets, 'user', row.id, null, now);
      return row;
    });
  }

  /** Attributes and status (disable / enable) of a local user; a synced user's are refused by the store. */
  editUser(username: string, patch: Partial<Record<EditableField, string | null>>): Promise<UserRow> {
    return this.#change(async (q, targets, now) => {
      const row = await q.users.edit(username, patch, now);
      if (row.directory_id === null) await recordChange(q, targets, 'user', row.id, null, now);
      return row;
    });
  }

  /**
   * Sets a local user's password: the store keeps its argon2id verifier (PHC string, OWASP
   * parameters: src/auth/passwords.ts), and each target's outbox row the password sealed with the
   * store's secrets key, until it is delivered. The clear text goes nowhere else.
   */
  async setPassword(username: string, password: string): Promise<{ username: string; setAt: string }> {
    checkPasswordPolicy(password);
    const user = await this.#o.store.users.find(username);
    if (!user) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
    await this.#refuseSynced(user, 'password');
    const verifier = await hashPassword(password);
    return this.#change(async (q, targets, now) => {
      // Read again inside the transaction: a sync may have adopted the user meanwhile.
      const current = await q.users.find(username);
      if (!current || current.id !== user.id) throw new IdsyncError('STORE_NOT_FOUND', `no user "${username}" in the store`, { where: username });
      await this.#refuseSynced(current, 'password', q);
      await q.userPasswords.set(current.id, verifier, now);
      const sealed = targets.length ? (this.#o.seal ?? ((p: string) => secretBoxFor(this.#o.config).seal(p)))(password) : null;
      await recordChange(q, targets, 'user', current.id, sealed, now);
      return { username: current.username, setAt: now.toISOString() };
    });
  }

  async #refuseSynced(user: UserRow, what: string, q: StoreQueries | Store = this.#o.store): Promise<void> {
    if (user.directory_id === null) return;
    const dir = await q.users.directoryName(user.directory_id);
    throw new IdsyncError(
      'STORE_ATTRIBUTE_OWNED',
      `user "${user.username}" is synced from directory "${dir ?? user.directory_id}", which owns their ${what}; change it in the directory`,
      { where: `${user.username}.${what}` },
    );
  }

  /** A user restored from the trash becomes local (src/store/trash.ts): a target may now export them. */
  restoreUser(userId: number): Promise<void> {
    return this.#change(async (q, targets, now) => {
      await q.trash.restoreAsLocal(userId, now);
      await recordChange(q, targets, 'user', userId, null, now);
    });
  }

  /** Deletes a trashed user; a local one is recorded so a target disables what it exported (issue 12: never deleted there). */
  purgeUser(userId: number, wasLocal: boolean): Promise<void> {
    return this.#change(async (q, targets, now) => {
      const groups = await q.localGroups.groupsOf(userId);
      await q.trash.purge(userId);
      if (wasLocal) await recordChange(q, targets, 'user', userId, null, now);
      for (const g of groups) await recordChange(q, targets, 'group', g.id, null, now);
    });
  }

  createGroup(g: { name: string; description?: string | null }): Promise<LocalGroup> {
    return this.#change(async (q, targets, now) => {
      const group = await q.localGroups.create(g, now);
      await recordChange(q, targets, 'group', group.id, null, now);
      return group;
    });
  }

  editGroup(name: string, patch: { name?: string; description?: string | null }): Promise<LocalGroup> {
    return this.#change(async (q, targets, now) => {
      const group = await this.#group(q, name);
      const edited = await q.localGroups.edit(group.id, patch, now);
      await recordChange(q, targets, 'group', group.id, null, now);
      return edited;
    });
  }

  /** Removes the group; its former members are recorded too (a target that exports a group's members may lose them). */
  removeGroup(name: string): Promise<{ group: LocalGroup; members: number }> {
    return this.#change(async (q, targets, now) => {
      const group = await this.#group(q, name);
      const members = await q.localGroups.members(group.id);
      await q.localGroups.remove(group.id);
      await recordChange(q, targets, 'group', group.id, null, now);
      for (const m of members) await recordChange(q, targets, 'user', m.userId, null, now);
      return { group, members: members.length };
    });
  }

  /** Adds users by username (local or synced); the usernames that were not members yet. */
  addMembers(name: string, usernames: string[]): Promise<{ group: LocalGroup; changed: string[] }> {
    return this.#members(name, usernames, 'add');
  }

  /** The usernames that were members and no longer are. */
  removeMembers(name: string, usernames: string[]): Promise<{ group: LocalGroup; changed: string[] }> {
    return this.#members(name, usernames, 'remove');
  }

  #members(name: string, usernames: string[], op: 'add' | 'remove'): Promise<{ group: LocalGroup; changed: string[] }> {
    if (!usernames.length) throw new IdsyncError('USAGE', 'name at least one user');
    return this.#change(async (q, targets, now) => {
      const group = await this.#group(q, name);
      const users = new Map<number, string>();
      for (const u of usernames) {
        const row = await q.users.find(u);
        if (!row) throw new IdsyncError('STORE_NOT_FOUND', `no user "${u}" in the store`, { where: u });
        users.set(row.id, row.username);
      }
      const ids = [...users.keys()];
      const changed = op === 'add' ? await q.localGroups.addMembers(group.id, ids, now) : await q.localGroups.removeMembers(group.id, ids, now);
      if (changed.length) {
        await recordChange(q, targets, 'group', group.id, null, now);
        for (const id of changed) await recordChange(q, targets, 'user', id, null, now);
      }
      return { group, changed: changed.map((id) => users.get(id)!) };
    });
  }

  async #group(q: StoreQueries, name: string): Promise<LocalGroup> {
    const g = await q.localGroups.find(name);
    if (!g) throw new IdsyncError('STORE_NOT_FOUND', `no local group "${name}"`, { where: name });
    return g;
  }
}
