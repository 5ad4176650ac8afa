import { describe, expect, it } from 'vitest';
import { ChosenMembership, DnIndex, GroupGraph } from './membership.js';

function graph(edges: Record<string, string[]>, rids: Record<string, number> = {}) {
  const index = new DnIndex();
  const g = new GroupGraph();
  for (const [group, members] of Object.entries(edges)) {
    g.add({ node: index.intern(group), dn: group, externalId: group, name: group, rid: rids[group], members: members.map((m) => index.intern(m)) });
  }
  return { index, g };
}

describe('nested group flattening', () => {
  it('reaches users three levels deep and ends on a cycle', () => {
    const { index, g } = graph({ top: ['mid', 'alice'], mid: ['low', 'bob'], low: ['top', 'carol'] });
    const names = (ns: number[]) => ns.map((n) => ['top', 'mid', 'low', 'alice', 'bob', 'carol'].find((x) => index.get(x) === n)).sort();
    expect(names(g.closure(index.get('top')!).memberNodes)).toEqual(['alice', 'bob', 'carol']);
    expect(names(g.closure(index.get('low')!).memberNodes)).toEqual(['alice', 'bob', 'carol']);
  });
  it('maps users to every chosen group above them, and primary groups by RID', () => {
    const { index, g } = graph({ eng: ['devs'], devs: ['alice'], sales: ['bob'], users: [] }, { users: 513, devs: 1105 });
    const m = ChosenMembership.build(g, [
      { index: 0, node: index.get('eng')! },
      { index: 1, node: index.get('sales')! },
      { index: 2, node: index.get('users')! },
    ]);
    expect(m.groupsOf(index.get('alice'), undefined)).toEqual([0]);
    expect([...m.groupsOf(index.get('bob'), 513)].sort()).toEqual([1, 2]);
    // primary group nested below a chosen group counts for that chosen group
    expect(m.groupsOf(undefined, 1105)).toEqual([0]);
    expect(m.groupsOf(undefined, undefined)).toEqual([]);
  });
  it('recomputes a chosen group after the graph changed: nodes that joined and left, and a node whose last group left', async () => {
    const { index, g } = graph({ eng: ['alice', 'bob'], ops: ['bob'] });
    const chosen = [
      { index: 0, node: index.get('eng')! },
      { index: 1, node: index.get('ops')! },
    ];
    const m = ChosenMembership.build(g, chosen);
    const of = (u: string) => [...m.groupsOf(index.get(u), undefined)].sort();
    expect([of('alice'), of('bob'), of('carol')]).toEqual([[0], [0, 1], []]);
    // eng loses alice and gains carol.
    g.add({ node: index.get('eng')!, dn: 'eng', externalId: 'eng', name: 'eng', members: [index.get('bob')!, index.intern('carol')] });
    const diff = m.recompute(g, chosen[0]!);
    expect(diff.nodes.map((n) => index.key(n)).sort()).toEqual(['alice', 'carol']);
    expect([of('alice'), of('bob'), of('carol')]).toEqual([[], [0, 1], [0]]);
    // ops loses bob: bob keeps eng, a list changed twice stays right.
    g.add({ node: index.get('ops')!, dn: 'ops', externalId: 'ops', name: 'ops', members: [] });
    expect(m.recompute(g, chosen[1]!).nodes.map((n) => index.key(n))).toEqual(['bob']);
    expect([of('alice'), of('bob'), of('carol')]).toEqual([[], [0], [0]]);
    // Recomputing with nothing changed reports nothing.
    expect(m.recompute(g, chosen[0]!)).toEqual({ nodes: [], rids: [] });
  });
});
