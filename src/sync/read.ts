import type { DirectoryConfig, SyncItem } from '../config/load.js';
import { dnKey, escapeFilterValue, isUnder, stripUniqueMemberUid } from '../directory/codecs.js';
import type { DirectoryConnection } from '../directory/connection.js';
import type { DirectoryEntry } from '../directory/entry.js';
import { firstRangeRequest, readAllValues } from '../directory/range.js';
import { IdsyncError } from '../errors.js';
import { entryDigest } from './digest.js';
import type { GraphSnapshot } from './graph-snapshot.js';
import { userAttributes } from './mapping.js';
import { ChosenMembership, DnIndex, GroupGraph, type GroupNode } from './membership.js';

export interface ChosenGroup {
  /** Position of the sync item that chose this group. */
  itemIndex: number;
  dn: string;
  externalId: string;
  name: string;
}

export interface ScopedEntry {
  entry: DirectoryEntry;
  /** The first sync item (by priority) that reaches the user; undefined: out of scope. */
  itemIndex?: number;
  /** Item indexes of the chosen groups the user is a (possibly nested) member of, ascending. */
  groups: readonly number[];
  disabledByFilter: boolean;
}

/** The range option of an attribute description (`member;range=1500-*`), capturing the upper bound. */
const RANGE_OPTION = /;range=\d+-(\d+|\*)$/;

export type ReadPhase = 'groups' | 'containers' | 'users';

/**
 * Reads what a sync needs from a directory, in phases, a page at a time: the group graph first
 * (so nested membership is known before any user is looked at), then the sets named by container
 * items and the disabled filter, then users page by page. Every check that can fail because the
 * configuration does not match the directory (a chosen group that does not exist, a container
 * that is gone) runs before the first user is produced, so a misconfigured run changes nothing.
 */
export class DirectoryReader {
  #index = new DnIndex();
  readonly graph = new GroupGraph();
  chosen: ChosenGroup[] = [];
  membership = new ChosenMembership();
  #containerScope = new Map<string, number>();
  #disabled = new Set<string>();
  groupEntriesRead = 0;
  /** Members of group entries read last time, by entry digest (see graph-snapshot.ts). */
  #snapshot: GraphSnapshot | undefined;
  /** Digest of each group entry this run read whole (no range left to fetch): what the next snapshot holds. */
  readonly #digests = new Map<number, string>();
  /** Groups taken from the snapshot, and groups decoded. */
  readonly #snapshotUse = { hits: 0, misses: 0 };
  #snapshotCurrent = false;

  constructor(
    private conn: DirectoryConnection,
    private readonly cfg: DirectoryConfig,
  ) {}

  /** A long-running process keeps the graph between increments but reconnects: swap the connection. */
  attach(conn: DirectoryConnection): void {
    this.conn = conn;
  }

  get items(): SyncItem[] {
    return this.cfg.syncItems;
  }

  /** Chosen groups as graph nodes, for recomputing their closures after a change. */
  chosenNodes: { index: number; node: number }[] = [];

  get #groupAttributes(): string[] {
    const { cfg } = this;
    const p = cfg.profile;
    return [
      p.externalIdAttribute,
      cfg.attributes.groupName,
      ...p.groupExtraAttributes,
      ...cfg.attributes.member.map((m) => firstRangeRequest(m, cfg.memberRangeSize)),
    ];
  }

  get index(): DnIndex {
    return this.#index;
  }

  /**
   * Takes group members from a snapshot of an earlier run for group entries that have not
   * changed since. Only before the graph is built; false (and nothing taken) when the snapshot's
   * keys repeat.
   */
  useSnapshot(snapshot: GraphSnapshot): boolean {
    if (this.#index.size > 0) throw new Error('useSnapshot: the graph is already being built');
    const index = DnIndex.of(snapshot.keys);
    if (!index) return false;
    this.#index = index;
    this.#snapshot = snapshot;
    return true;
  }

  /** What to save for the next run: groups read whole this run, their members renumbered over the keys they use. */
  snapshot(): { keys: string[]; digests: string[]; offsets: Int32Array; members: Int32Array } {
    const renumber = new Int32Array(this.#index.size).fill(-1);
    const keys: string[] = [];
    const digests: string[] = [];
    let total = 0;
    for (const node of this.#digests.keys()) total += this.graph.groups.get(node)?.members.length ?? 0;
    const members = new Int32Array(total);
    const offsets = new Int32Array(this.#digests.size + 1);
    let at = 0;
    for (const [node, digest] of this.#digests) {
      const g = this.graph.groups.get(node);
      if (!g) continue;
      for (const m of g.members) {
        if (renumber[m] < 0) {
          renumber[m] = keys.length;
          keys.push(this.#index.key(m));
        }
        members[at++] = renumber[m];
      }
      digests.push(digest);
      offsets[digests.length] = at;
    }
    return { keys, digests, offsets: offsets.subarray(0, digests.length + 1), members: members.subarray(0, at) };
  }

  /** After loadGroups: a new snapshot would tell the next run nothing new (every group came from this one, and all of it was used). */
  get snapshotCurrent(): boolean {
    return this.#snapshotCurrent;
  }

  /**
   * The digest of a group entry whose members are all in it, undefined when some are still to be
   * fetched by range retrieval (those pages are not in the entry's bytes) or it is not a bulk-read entry.
   */
  #wholeDigest(entry: DirectoryEntry): string | undefined {
    if (!entry.source) return undefined;
    for (const name of entry.names()) {
      const m = RANGE_OPTION.exec(name);
      if (m && m[1] !== '*') return undefined;
    }
    return entryDigest(entry.source);
  }

  /** A group entry as a graph node, with every member (range retrieval where the server ranges). */
  async groupNode(entry: DirectoryEntry): Promise<GroupNode> {
    const { cfg, conn } = this;
    const members: number[] = [];
    for (const attr of cfg.attributes.member) {
      const values = await readAllValues(conn, entry, attr, cfg.memberRangeSize);
      for (const v of values) members.push(this.#index.intern(dnKey(stripUniqueMemberUid(v))));
    }
    return this.#describe(entry, members);
  }

  #describe(entry: DirectoryEntry, members: number[]): GroupNode {
    const { cfg } = this;
    const key = dnKey(entry.dn);
    const node = this.#index.intern(key);
    let rid: number | undefined;
    try {
      rid = cfg.profile.groupPrimaryKey?.(entry);
    } catch {
      rid = undefined;
    }
    return { node, dn: entry.dn, externalId: cfg.profile.externalId(entry) ?? key, name: entry.string(cfg.attributes.groupName) ?? entry.dn, rid, members };
  }

  /** Phase 1: every group under the base DN with its members, then the closure of each chosen group. */
  async loadGroups(onPage?: (count: number) => void): Promise<void> {
    const { cfg, conn } = this;
    const chosenKeys = new Map<string, number>();
    cfg.syncItems.forEach((item, i) => {
      if (item.kind === 'group') chosenKeys.set(dnKey(item.dn), i);
    });
    const found = new Map<number, ChosenGroup & { node: number }>();
    for await (const page of conn.pages({ base: cfg.baseDn, filter: cfg.filters.group, attributes: this.#groupAttributes })) {
      for (const entry of page) {
        const digest = this.#wholeDigest(entry);
        const known = digest === undefined ? undefined : this.#snapshot?.groups.get(digest);
        let g: GroupNode;
        if (known) {
          this.#snapshotUse.hits++;
          g = this.#describe(entry, Array.from(known));
        } else {
          this.#snapshotUse.misses++;
          g = await this.groupNode(entry);
        }
        if (digest !== undefined) this.#digests.set(g.node, digest);
        this.graph.add(g);
        const itemIndex = chosenKeys.get(this.#index.key(g.node));
        if (itemIndex !== undefined) found.set(itemIndex, { itemIndex, dn: g.dn, externalId: g.externalId, name: g.name, node: g.node });
      }
      this.groupEntriesRead += page.length;
      onPage?.(this.groupEntriesRead);
    }
    const used = this.#snapshot;
    this.#snapshotCurrent = !!used && this.#snapshotUse.misses === 0 && this.#snapshotUse.hits === used.groups.size;
    // Its keys are in the index now; the rest is not needed again.
    this.#snapshot = undefined;
    const missing = [...chosenKeys.entries()].filter(([, i]) => !found.has(i));
    if (missing.length) {
      const list = missing.map(([, i]) => cfg.syncItems[i].dn);
      throw new IdsyncError(
        'DIRECTORY_MISCONFIGURED',
        `directory "${cfg.name}": chosen group${list.length > 1 ? 's' : ''} not found under ${cfg.baseDn} with group filter ${cfg.filters.group}: ` +
          `${list.join('; ')}. Nothing was changed; fix the group DN or the filter.`,
        { where: list[0] },
      );
    }
    this.chosen = [...found.values()].sort((a, b) => a.itemIndex - b.itemIndex);
    this.chosenNodes = this.chosen.map((c) => ({ index: c.itemIndex, node: found.get(c.itemIndex)!.node }));
    this.membership = ChosenMembership.build(this.graph, this.chosenNodes);
  }

  /** Re-reads one group (after a change) into the graph; undefined when it is gone or no longer a group. */
  async refreshGroup(dn: string): Promise<GroupNode | undefined> {
    const entry = await this.conn.read(dn, this.#groupAttributes, this.cfg.filters.group);
    const node = this.#index.get(dnKey(dn));
    if (!entry) {
      if (node !== undefined) this.graph.remove(node);
      return undefined;
    }
    const g = await this.groupNode(entry);
    this.graph.add(g);
    const chosen = this.chosen.find((c) => c.externalId === g.externalId);
    if (chosen) Object.assign(chosen, { dn: g.dn, name: g.name });
    return g;
  }

  /** Every container item must exist: a vanished OU would otherwise look like everyone leaving. */
  async checkContainers(): Promise<void> {
    for (const item of this.cfg.syncItems) {
      if (item.kind !== 'container') continue;
      const e = await this.conn.read(item.dn, ['1.1']);
      if (!e) {
        throw new IdsyncError(
          'DIRECTORY_MISCONFIGURED',
          `directory "${this.cfg.name}": container ${item.dn} does not exist. Nothing was changed; fix the sync item.`,
          { where: item.dn },
        );
      }
    }
  }

  /** Phase 2: the users each container item reaches (filtered on the server), and disabled users. */
  async loadScopes(): Promise<void> {
    const { cfg, conn } = this;
    for (let i = 0; i < cfg.syncItems.length; i++) {
      const item = cfg.syncItems[i];
      if (item.kind !== 'container') continue;
      const filter = item.filter ? `(&${cfg.filters.user}${item.filter})` : cfg.filters.user;
      for await (const page of conn.pages({ base: item.dn, scope: item.scope, filter, attributes: ['1.1'] })) {
        for (const e of page) {
          const k = dnKey(e.dn);
          if (!this.#containerScope.has(k)) this.#containerScope.set(k, i);
        }
      }
    }
    if (cfg.disabledFilter) {
      for await (const page of conn.pages({ base: cfg.baseDn, filter: `(&${cfg.filters.user}${cfg.disabledFilter})`, attributes: ['1.1'] })) {
        for (const e of page) this.#disabled.add(dnKey(e.dn));
      }
    }
  }

  #scope(entry: DirectoryEntry, key: string, containerItem: number | undefined, disabledByFilter: boolean): ScopedEntry {
    const p = this.cfg.profile;
    const node = this.#index.get(key);
    let rid: number | undefined;
    try {
      rid = p.primaryGroupKey?.(entry);
    } catch {
      rid = undefined;
    }
    const groups = this.membership.groupsOf(node, rid);
    let itemIndex = containerItem;
    let sorted = true;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      if (itemIndex === undefined || g < itemIndex) itemIndex = g;
      if (i > 0 && g < groups[i - 1]) sorted = false;
    }
    // Shared with the membership index, never changed: copied only when it must be sorted.
    return { entry, itemIndex, groups: sorted ? groups : [...groups].sort((a, b) => a - b), disabledByFilter };
  }

  /** Phase 3: users under the base DN, page by page, each with the items that reach it. */
  async *userPages(): AsyncGenerator<ScopedEntry[]> {
    const { cfg, conn } = this;
    const containers = this.#containerScope.size ? this.#containerScope : undefined;
    const disabled = this.#disabled.size ? this.#disabled : undefined;
    for await (const page of conn.pages({ base: cfg.baseDn, filter: cfg.filters.user, attributes: userAttributes(cfg) })) {
      yield page.map((entry) => {
        const k = dnKey(entry.dn);
        return this.#scope(entry, k, containers?.get(k), disabled?.has(k) ?? false);
      });
    }
  }

  /** One user by username, with the same scope rules as a full read. */
  async readUser(username: string): Promise<ScopedEntry | undefined> {
    const { cfg, conn } = this;
    const filter = `(&${cfg.filters.user}(${cfg.attributes.username}=${escapeFilterValue(username)}))`;
    let entry: DirectoryEntry | undefined;
    for await (const page of conn.pages({ base: cfg.baseDn, filter, attributes: userAttributes(cfg) })) {
      if (page.length > 1) {
        throw new IdsyncError(
          'DIRECTORY_OPERATION_FAILED',
          `directory "${cfg.name}": ${page.length} users have ${cfg.attributes.username}=${username}; the username attribute must be unique`,
          { where: username },
        );
      }
      entry = entry ?? page[0];
    }
    return entry ? this.scopeOf(entry) : undefined;
  }

  /** AD: DNs of users whose primaryGroupID is this RID. */
  async usersWithPrimaryGroup(rid: number): Promise<string[]> {
    const out: string[] = [];
    for await (const page of this.conn.pages({ base: this.cfg.baseDn, filter: `(&${this.cfg.filters.user}(primaryGroupID=${rid}))`, attributes: ['1.1'] })) {
      for (const e of page) out.push(e.dn);
    }
    return out;
  }

  /** A user entry by DN (undefined when it is gone, or is not a user under the base DN). */
  async readUserAt(dn: string): Promise<DirectoryEntry | undefined> {
    if (!isUnder(dnKey(dn), dnKey(this.cfg.baseDn))) return undefined;
    return this.conn.read(dn, userAttributes(this.cfg), this.cfg.filters.user);
  }

  /**
   * The scope of one entry, decided on the server for container filters and the disabled filter,
   * so that no container is enumerated: what single-user and incremental syncs use.
   */
  async scopeOf(entry: DirectoryEntry): Promise<ScopedEntry> {
    const { cfg, conn } = this;
    const k = dnKey(entry.dn);
    let containerItem: number | undefined;
    for (let i = 0; i < cfg.syncItems.length && containerItem === undefined; i++) {
      const item = cfg.syncItems[i];
      if (item.kind !== 'container') continue;
      const ck = dnKey(item.dn);
      if (!isUnder(k, ck) || k === ck) continue;
      if (item.scope === 'one' && k.slice(k.indexOf(',') + 1) !== ck) continue;
      if (item.filter && !(await conn.read(entry.dn, ['1.1'], `(&${cfg.filters.user}${item.filter})`))) continue;
      containerItem = i;
    }
    const disabled = cfg.disabledFilter ? !!(await conn.read(entry.dn, ['1.1'], `(&${cfg.filters.user}${cfg.disabledFilter})`)) : false;
    return this.#scope(entry, k, containerItem, disabled);
  }
}
