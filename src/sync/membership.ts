/**
 * The group graph of a directory, held as small integers so that a directory with 100,000 users and
 * millions of membership values stays well inside the memory budget: every DN is interned once into
 * a node number, and group member lists are arrays of node numbers.
 */
export class DnIndex {
  readonly #ids = new Map<string, number>();
  readonly #keys: string[] = [];
  #next = 0;

  /** An index whose node n is keys[n]; undefined when a key repeats (the numbering would not hold). */
  static of(keys: readonly string[]): DnIndex | undefined {
    const index = new DnIndex();
    for (const k of keys) index.intern(k);
    return index.size === keys.length ? index : undefined;
  }

  intern(key: string): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(key, id);
      this.#keys.push(key);
    }
    return id;
  }

  /** The DN key of a node: a valid DN to read the entry by (DNs compare case-insensitively). */
  key(id: number): string {
    return this.#keys[id];
  }

  get(key: string): number | undefined {
    return this.#ids.get(key);
  }

  /**
   * A renamed or moved entry keeps its node: group member lists hold node numbers, so every group
   * that listed the old DN still reaches the entry under its new one (AD rewrites linked member
   * values itself; OpenLDAP's refint overlay does the same and its group changes arrive anyway).
   */
  alias(newKey: string, node: number): void {
    if (!this.#ids.has(newKey)) this.#ids.set(newKey, node);
    this.#keys[node] = newKey;
  }

  get size(): number {
    return this.#next;
  }
}

export interface GroupNode {
  node: number;
  dn: string;
  externalId: string;
  name: string;
  /** AD: the group's RID, which users name in primaryGroupID. */
  rid?: number;
  members: number[];
}

export interface Closure {
  /** Nodes reached that are not groups: candidate users. */
  memberNodes: number[];
  /** RIDs of every group reached, the chosen one included (AD primary-group membership). */
  rids: number[];
}

export class GroupGraph {
  readonly groups = new Map<number, GroupNode>();
  /** The same groups indexed by node: closure() asks "is this member a group?" once per membership value. */
  readonly #byNode: (GroupNode | undefined)[] = [];
  /** Visit marks for closure(): node → the stamp of the walk that last reached it (no Set per walk). */
  #mark = new Int32Array(1024);
  #stamp = 0;
  /** Immutable id → node: change sources name groups by id, and a renamed group keeps its node. */
  readonly #byExternalId = new Map<string, number>();
  /** Group → groups that list it as a member; built on first use, kept up to date afterwards. */
  #parents?: Map<number, Set<number>>;

  add(group: GroupNode): void {
    const old = this.groups.get(group.node);
    this.groups.set(group.node, group);
    this.#byNode[group.node] = group;
    this.#byExternalId.set(group.externalId, group.node);
    if (!this.#parents) return;
    // A group new to the graph may already be listed by others: rebuild the index lazily.
    if (!old) this.#parents = undefined;
    else {
      for (const m of old.members) this.#parents.get(m)?.delete(group.node);
      this.#link(group);
    }
  }

  remove(node: number): GroupNode | undefined {
    const old = this.groups.get(node);
    if (!old) return undefined;
    this.groups.delete(node);
    this.#byNode[node] = undefined;
    if (this.#byExternalId.get(old.externalId) === node) this.#byExternalId.delete(old.externalId);
    if (this.#parents) for (const m of old.members) this.#parents.get(m)?.delete(node);
    return old;
  }

  nodeOf(externalId: string): number | undefined {
    return this.#byExternalId.get(externalId);
  }

  #link(group: GroupNode): void {
    for (const m of group.members) {
      if (!this.groups.has(m)) continue;
      let set = this.#parents!.get(m);
      if (!set) this.#parents!.set(m, (set = new Set()));
      set.add(group.node);
    }
  }

  /** `nodes` and every group above them, through nested membership (cycles end). */
  ancestors(nodes: Iterable<number>): Set<number> {
    if (!this.#parents) {
      this.#parents = new Map();
      for (const g of this.groups.values()) this.#link(g);
    }
    const seen = new Set<number>();
    const stack = [...nodes];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const p of this.#parents.get(n) ?? []) if (!seen.has(p)) stack.push(p);
    }
    return seen;
  }

  /**
   * Everything reachable from `start` through nested groups, to any depth. Each group is visited
   * once, so cycles end, and the cost is the size of the closure.
   */
  closure(start: number): Closure {
    const byNode = this.#byNode;
    const stamp = this.#nextStamp();
    let mark = this.#mark;
    const visit = (n: number): boolean => {
      if (n >= mark.length) {
        const grown = new Int32Array(Math.max(n + 1, mark.length * 2));
        grown.set(mark);
        this.#mark = mark = grown;
      }
      if (mark[n] === stamp) return false;
      mark[n] = stamp;
      return true;
    };
    visit(start);
    const stack = [start];
    const memberNodes: number[] = [];
    const rids: number[] = [];
    while (stack.length) {
      const g = byNode[stack.pop()!]!;
      if (g.rid !== undefined) rids.push(g.rid);
      for (const m of g.members) {
        if (!visit(m)) continue;
        if (byNode[m]) stack.push(m);
        else memberNodes.push(m);
      }
    }
    return { memberNodes, rids };
  }

  #nextStamp(): number {
    if (this.#stamp === 0x7fffffff) {
      this.#mark.fill(0);
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }
}

/**
 * For each user node, which chosen groups (by index) reach it; and for each RID, which chosen
 * groups reach the group with that RID. A user's chosen groups are the union of both.
 *
 * Nodes are small dense integers (DnIndex), so the lists are packed by node (compressed sparse
 * rows: the groups of node n are `values[offsets[n] .. offsets[n + 1])`). At 100,000 users that
 * is 331,000 int32 values in one array; a JavaScript array per user held the same numbers in
 * 92,000 arrays of 150 bytes or more each, 16 MB of the 66 MB a first sync keeps alive (heap
 * snapshot, issue 11: peak memory). Nodes an incremental sync changes afterwards (recompute) keep
 * their new list in `#changed`.
 */
export class ChosenMembership {
  #offsets = new Int32Array(1);
  #values = new Int32Array(0);
  /** Lists of nodes changed since the build, in full (empty: none any more). */
  readonly #changed = new Map<number, number[]>();
  readonly byRid = new Map<number, number[]>();

  static build(graph: GroupGraph, chosen: { index: number; node: number }[]): ChosenMembership {
    const m = new ChosenMembership();
    // Pairs (node, group index) as the closures give them, then a counting sort by node: two
    // passes over 331,000 pairs instead of a growing array per node.
    let nodes = new Int32Array(1024);
    let groups = new Int32Array(1024);
    let length = 0;
    let maxNode = -1;
    for (const c of chosen) {
      const { memberNodes, rids } = graph.closure(c.node);
      // A closure lists each node once and each chosen group is visited once: no duplicates to check for.
      for (const n of memberNodes) {
        if (length === nodes.length) {
          nodes = grow(nodes);
          groups = grow(groups);
        }
        nodes[length] = n;
        groups[length++] = c.index;
        if (n > maxNode) maxNode = n;
      }
      for (const r of rids) push(m.byRid, r, c.index);
    }
    const offsets = new Int32Array(maxNode + 2);
    for (let i = 0; i < length; i++) offsets[nodes[i] + 1]++;
    for (let n = 0; n <= maxNode; n++) offsets[n + 1] += offsets[n];
    const next = offsets.slice(0, maxNode + 1);
    const values = new Int32Array(length);
    for (let i = 0; i < length; i++) values[next[nodes[i]]++] = groups[i];
    m.#offsets = offsets;
    m.#values = values;
    return m;
  }

  /** The node's list as stored: a view of the packed values, or its changed list. */
  #listOf(n: number): ArrayLike<number> {
    const changed = this.#changed.get(n);
    if (changed) return changed;
    if (n < 0 || n + 1 >= this.#offsets.length) return NONE;
    return this.#values.subarray(this.#offsets[n], this.#offsets[n + 1]);
  }

  /** The node's list, to change it: from then on it lives in #changed. */
  #mutable(n: number): number[] {
    let list = this.#changed.get(n);
    if (!list) {
      list = Array.from(this.#listOf(n));
      this.#changed.set(n, list);
    }
    return list;
  }

  /** Every node with at least one chosen group, and that list. */
  *#nodes(): Generator<[number, ArrayLike<number>]> {
    for (let n = 0; n + 1 < this.#offsets.length; n++) if (!this.#changed.has(n) && this.#offsets[n + 1] > this.#offsets[n]) yield [n, this.#listOf(n)];
    for (const [n, list] of this.#changed) if (list.length) yield [n, list];
  }

  /**
   * Recomputes one chosen group after the graph changed, and says which nodes and RIDs it gained
   * or lost: the users an incremental sync must look at again.
   */
  recompute(graph: GroupGraph, chosen: { index: number; node: number }): { nodes: number[]; rids: number[] } {
    const oldNodes = new Set<number>();
    for (const [n, list] of this.#nodes()) if (Array.prototype.includes.call(list, chosen.index)) oldNodes.add(n);
    const oldRids = new Set<number>();
    for (const [r, list] of this.byRid) if (list.includes(chosen.index)) oldRids.add(r);
    const { memberNodes, rids } = graph.closure(chosen.node);
    const changedNodes: number[] = [];
    const changedRids: number[] = [];
    const newNodes = new Set(memberNodes);
    const newRids = new Set(rids);
    for (const n of oldNodes)
      if (!newNodes.has(n)) {
        const list = this.#mutable(n);
        list.splice(list.indexOf(chosen.index), 1);
        changedNodes.push(n);
      }
    for (const n of newNodes)
      if (!oldNodes.has(n)) {
        this.#mutable(n).push(chosen.index);
        changedNodes.push(n);
      }
    for (const r of oldRids)
      if (!newRids.has(r)) {
        drop(this.byRid, r, chosen.index);
        changedRids.push(r);
      }
    for (const r of newRids)
      if (!oldRids.has(r)) {
        push(this.byRid, r, chosen.index);
        changedRids.push(r);
      }
    return { nodes: changedNodes, rids: changedRids };
  }

  /** The chosen groups reaching a user, in no particular order; the returned array must not be changed. */
  groupsOf(node: number | undefined, primaryGroupRid: number | undefined): readonly number[] {
    const packed = node === undefined ? NONE : this.#listOf(node);
    const a = packed.length ? (Array.isArray(packed) ? (packed as number[]) : Array.from(packed)) : undefined;
    const b = primaryGroupRid === undefined ? undefined : this.byRid.get(primaryGroupRid);
    if (!b) return a ?? NONE;
    if (!a) return b;
    return [...new Set([...a, ...b])];
  }
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

const NONE: readonly number[] = Object.freeze([]);

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}

function drop(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (!list) return;
  const i = list.indexOf(value);
  if (i >= 0) list.splice(i, 1);
  if (!list.length) map.delete(key);
}
