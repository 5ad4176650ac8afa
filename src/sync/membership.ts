/**
 * The group graph of a directory, held as small integers so that a directory with 100,000 users and
 * millions of membership values stays well inside the memory budget: every DN is interned once into
 * a node number, and group member lists are arrays of node numbers.
 */
export class DnIndex {
  readonly #ids = new Map<string, number>();
  #next = 0;

  intern(key: string): number {
    let id = this.#ids.get(key);
    if (id === undefined) {
      id = this.#next++;
      this.#ids.set(key, id);
    }
    return id;
  }

  get(key: string): number | undefined {
    return this.#ids.get(key);
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

  add(group: GroupNode): void {
    this.groups.set(group.node, group);
  }

  /**
   * Everything reachable from `start` through nested groups, to any depth. Each group is visited
   * once, so cycles end, and the cost is the size of the closure.
   */
  closure(start: number): Closure {
    const seen = new Set<number>([start]);
    const stack = [start];
    const memberNodes: number[] = [];
    const memberSeen = new Set<number>();
    const rids: number[] = [];
    while (stack.length) {
      const g = this.groups.get(stack.pop()!)!;
      if (g.rid !== undefined) rids.push(g.rid);
      for (const m of g.members) {
        if (this.groups.has(m)) {
          if (!seen.has(m)) {
            seen.add(m);
            stack.push(m);
          }
        } else if (!memberSeen.has(m)) {
          memberSeen.add(m);
          memberNodes.push(m);
        }
      }
    }
    return { memberNodes, rids };
  }
}

/**
 * For each user node, which chosen groups (by index) reach it; and for each RID, which chosen
 * groups reach the group with that RID. A user's chosen groups are the union of both.
 */
export class ChosenMembership {
  readonly byNode = new Map<number, number[]>();
  readonly byRid = new Map<number, number[]>();

  static build(graph: GroupGraph, chosen: { index: number; node: number }[]): ChosenMembership {
    const m = new ChosenMembership();
    for (const c of chosen) {
      const { memberNodes, rids } = graph.closure(c.node);
      for (const n of memberNodes) push(m.byNode, n, c.index);
      for (const r of rids) push(m.byRid, r, c.index);
    }
    return m;
  }

  groupsOf(node: number | undefined, primaryGroupRid: number | undefined): number[] {
    const a = node === undefined ? undefined : this.byNode.get(node);
    const b = primaryGroupRid === undefined ? undefined : this.byRid.get(primaryGroupRid);
    if (!b) return a ?? [];
    if (!a) return b;
    return [...new Set([...a, ...b])];
  }
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}
