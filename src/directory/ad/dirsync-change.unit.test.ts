import { describe, expect, it } from 'vitest';
import { isTombstoneDn, parseDirSyncEntry } from './dirsync-change.js';
import type { RawEntry } from './raw-search.js';

const b = (s: string) => Buffer.from(s, 'utf8');
const h = (s: string) => Buffer.from(s, 'hex');
const entry = (dn: string, attrs: Record<string, Buffer[]>): RawEntry => ({
  dn,
  attributes: Object.entries(attrs).map(([type, values]) => ({ type, values })),
});

// Shapes as Samba 4.17 answered DirSync with INCREMENTAL_VALUES and the Extended DN control (string form).
const GROUP_GUID = 'd08d20553ec7f1448c04b5d1caf3d43f'; // 55208dd0-c73e-44f1-8c04-b5d1caf3d43f
const BOB = '<GUID=a2531756-f93d-491f-a904-037814424768>;<SID=S-1-5-21-1-2-3-1103>;CN=bob,OU=X,DC=corp,DC=example,DC=test';
const ALICE = '<GUID=13e06598-70d2-487a-bf66-42d7f48b9b2a>;<SID=S-1-5-21-1-2-3-1102>;CN=alice,OU=X,DC=corp,DC=example,DC=test';

describe('parseDirSyncEntry (MS-ADTS 3.1.1.3.4.1.3)', () => {
  it('turns member;range=1-1 / ;range=0-0 into added / removed, keyed by GUID, with the DN', () => {
    const c = parseDirSyncEntry(
      entry('<GUID=55208dd0-c73e-44f1-8c04-b5d1caf3d43f>;<SID=S-1-5-21-1-2-3-1104>;CN=g,OU=X,DC=corp,DC=example,DC=test', {
        'member;range=0-0': [b(BOB)],
        'member;range=1-1': [b(ALICE)],
        objectGUID: [h(GROUP_GUID)],
        instanceType: [b('4')],
      }),
    );
    expect(c).toMatchObject({
      guid: '55208dd0-c73e-44f1-8c04-b5d1caf3d43f',
      sid: 'S-1-5-21-1-2-3-1104',
      dn: 'CN=g,OU=X,DC=corp,DC=example,DC=test',
      deleted: false,
      objectClass: [],
      cleared: [],
      memberAdded: [{ guid: '13e06598-70d2-487a-bf66-42d7f48b9b2a', sid: 'S-1-5-21-1-2-3-1102', dn: 'CN=alice,OU=X,DC=corp,DC=example,DC=test' }],
      memberRemoved: [{ guid: 'a2531756-f93d-491f-a904-037814424768', sid: 'S-1-5-21-1-2-3-1103', dn: 'CN=bob,OU=X,DC=corp,DC=example,DC=test' }],
    });
    // Nothing but the link changed: no plain attributes, and the server-added ones are left out.
    expect(c.attributes.names()).toEqual([]);
  });

  it('keeps changed attributes, and reports ones sent without values as cleared', () => {
    const c = parseDirSyncEntry(
      entry('CN=alice,OU=X,DC=corp,DC=example,DC=test', {
        userAccountControl: [b('514')],
        objectGUID: [h('9865e013d2707a48bf6642d7f48b9b2a')],
        instanceType: [b('4')],
        description: [],
      }),
    );
    expect(c.guid).toBe('13e06598-70d2-487a-bf66-42d7f48b9b2a');
    expect(c.attributes.string('userAccountControl')).toBe('514');
    expect(c.attributes.names().sort()).toEqual(['description', 'useraccountcontrol']);
    expect(c.attributes.has('description')).toBe(false);
    expect(c.cleared).toEqual(['description']);
    expect(c.memberAdded).toEqual([]);
  });

  it('reads a rename or move: new DN, name and parentGUID', () => {
    const c = parseDirSyncEntry(
      entry('CN=bobby,OU=Y,DC=corp,DC=example,DC=test', {
        parentGUID: [h('dabdb94e2f470f4ba8332a140aaa2671')],
        name: [b('bobby')],
        objectGUID: [h('c8b625c69d0fd54e988d305403a58207')],
        instanceType: [b('4')],
      }),
    );
    expect(c).toMatchObject({
      guid: 'c625b6c8-0f9d-4ed5-988d-305403a58207',
      dn: 'CN=bobby,OU=Y,DC=corp,DC=example,DC=test',
      parentGuid: '4eb9bdda-472f-4b0f-a833-2a140aaa2671',
    });
    expect(c.attributes.string('name')).toBe('bobby');
  });

  it('recognises a tombstone', () => {
    const tombstone = 'CN=alice\\0ADEL:13e06598-70d2-487a-bf66-42d7f48b9b2a,CN=Deleted Objects,DC=corp,DC=example,DC=test';
    const c = parseDirSyncEntry(
      entry(`<GUID=13e06598-70d2-487a-bf66-42d7f48b9b2a>;<SID=S-1-5-21-1-2-3-1102>;${tombstone}`, {
        parentGUID: [h('43f17c873bea114ba13013e6f503ad5b')],
        name: [b('alice\nDEL:13e06598-70d2-487a-bf66-42d7f48b9b2a')],
        lastKnownParent: [b('<GUID=d4ef6331-16af-4b8e-874e-4e95f2538de6>;OU=X,DC=corp,DC=example,DC=test')],
        isDeleted: [b('TRUE')],
        objectGUID: [h('9865e013d2707a48bf6642d7f48b9b2a')],
        instanceType: [b('4')],
        displayName: [],
      }),
    );
    expect(c).toMatchObject({
      guid: '13e06598-70d2-487a-bf66-42d7f48b9b2a',
      deleted: true,
      lastKnownParent: 'OU=X,DC=corp,DC=example,DC=test',
      dn: tombstone,
    });
  });

  it('without INCREMENTAL_VALUES, a changed member attribute is the whole list ([] = no members left)', () => {
    const c = parseDirSyncEntry(entry('CN=g,OU=X,DC=corp', { member: [], objectGUID: [h(GROUP_GUID)], instanceType: [b('4')] }));
    expect(c.linked.member).toEqual({ added: [], removed: [], replaced: [] });
    const d = parseDirSyncEntry(entry('CN=g,OU=X,DC=corp', { member: [b(BOB)], objectGUID: [h(GROUP_GUID)] }));
    expect(d.linked.member?.replaced?.[0].guid).toBe('a2531756-f93d-491f-a904-037814424768');
  });

  it('reports other linked attributes (manager) the same way, and objectClass when sent', () => {
    const c = parseDirSyncEntry(
      entry('CN=bob,OU=X,DC=corp', {
        'manager;range=1-1': [b(ALICE)],
        objectClass: [b('top'), b('person'), b('organizationalPerson'), b('user')],
        objectGUID: [h('c8b625c69d0fd54e988d305403a58207')],
      }),
    );
    expect(c.linked.manager?.added[0].guid).toBe('13e06598-70d2-487a-bf66-42d7f48b9b2a');
    expect(c.objectClass).toEqual(['top', 'person', 'organizationalPerson', 'user']);
  });

  it('refuses an entry without objectGUID', () => {
    expect(() => parseDirSyncEntry(entry('CN=x,DC=corp', { name: [b('x')] }))).toThrow(/objectGUID/);
  });
});

describe('isTombstoneDn', () => {
  it('looks at the RDN only', () => {
    expect(isTombstoneDn('CN=alice\\0ADEL:13e06598-70d2-487a-bf66-42d7f48b9b2a,CN=Deleted Objects,DC=corp')).toBe(true);
    expect(isTombstoneDn('CN=alice,OU=x\\0ADEL:13e06598-70d2-487a-bf66-42d7f48b9b2a,DC=corp')).toBe(false);
    expect(isTombstoneDn('CN=a\\,b,DC=corp')).toBe(false);
  });
});
