import { describe, expect, it } from 'vitest';
import { MemoryReader } from '../../test/support/provision-fakes.js';
import { intentOf, select } from './select.js';

function store() {
  const r = new MemoryReader();
  r.addUser({ id: 1, username: 'ann' });
  r.addUser({ id: 2, username: 'bob', status: 'disabled' });
  r.addUser({ id: 3, username: 'cid', status: 'trashed' });
  r.addUser({ id: 4, username: 'dee', directoryId: 7 });
  r.addUser({ id: 5, username: 'eve' });
  r.addGroup(10, 'Engineering', [1, 2, 4]);
  r.addGroup(11, 'sales', [5]);
  return r;
}

describe('select: which store users and groups a target exports (issue 12)', () => {
  it('all-local: every local user; suspended, trashed and synced users are unbound', async () => {
    const s = await select(store(), { users: { kind: 'all-local' }, groups: [] });
    expect(intentOf(s, 1)).toMatchObject({ kind: 'export' });
    expect(intentOf(s, 5)).toMatchObject({ kind: 'export' });
    expect(intentOf(s, 2)).toMatchObject({ kind: 'unbind', reason: 'disabled in idsync' });
    expect(intentOf(s, 3)).toMatchObject({ kind: 'unbind', reason: 'in the trash' });
    expect(intentOf(s, 4)).toMatchObject({ kind: 'unbind', reason: 'not a local user' });
    // A user the store no longer has is unbound too: disabled, never deleted.
    expect(intentOf(s, 99)).toMatchObject({ kind: 'unbind', reason: 'no longer in the store' });
    expect(s.groups.size).toBe(0);
  });

  it('members of named groups (any letter case), local or synced; the named groups with their selected members', async () => {
    const s = await select(store(), { users: { kind: 'groups', groups: ['engineering', 'Missing'] }, groups: ['ENGINEERING', 'sales'] });
    expect(intentOf(s, 1).kind).toBe('export');
    expect(intentOf(s, 4).kind).toBe('export'); // synced, but a member
    expect(intentOf(s, 2)).toMatchObject({ kind: 'unbind', reason: 'disabled in idsync' });
    expect(intentOf(s, 5)).toMatchObject({ kind: 'unbind', reason: 'not a member of engineering, Missing' });
    expect(s.unknownGroups).toEqual(['Missing']);
    // Members that are not exported users are left out; a disabled account keeps its groups.
    expect(s.groups.get(10)?.members).toEqual([1, 2, 4]);
    expect(s.groups.get(11)?.members).toEqual([]);
    expect(s.groupsOf(1)).toEqual([10]);
    expect(s.groupsOf(5)).toEqual([]);
  });

  it("'all' exports every local group", async () => {
    const s = await select(store(), { users: { kind: 'all-local' }, groups: 'all' });
    expect([...s.groups.keys()]).toEqual([10, 11]);
    expect(s.groups.get(10)?.members).toEqual([1, 2]);
  });
});
