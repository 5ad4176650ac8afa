import { describe, expect, it } from 'vitest';
import { syncedUserRow } from '../../test/support/user-rows.js';
import { parseConfig } from '../config/load.js';
import { DirectoryEntry } from '../directory/entry.js';
import type { UserRow } from '../store/sync/rows.js';
import type { SyncReads } from '../store/sync/writer.js';
import { DesiredMembers, planMemberships } from './groups.js';
import { Placeholders } from './plan.js';
import { emptyCounts } from './report.js';
import { SeenIds } from './seen.js';
import { planUserPage } from './user-changes.js';

/*
 * No ping-pong (issue 12, "One directory both read and written"): a directory that is both a
 * source and a provisioning target must not import the users idsync exported to it. The planner
 * is the one place entries are dropped by their directory id, for full, incremental and
 * single-user runs alike (they all plan through planUserPage).
 */

const cfg = parseConfig(
  {
    directories: [
      {
        name: 'both',
        type: 'openldap',
        servers: ['ldap://127.0.0.1:389'],
        baseDn: 'dc=example,dc=test',
        syncItems: [{ container: 'dc=example,dc=test' }],
        provisioning: { userContainer: 'ou=idsync,dc=example,dc=test', groupContainer: 'ou=idsync,dc=example,dc=test' },
      },
    ],
  },
  { baseDir: '/tmp', env: {} },
).directories[0];

const NOW = new Date('2026-12-03T12:00:00Z');
const UUID = '6f1c2a3e-0000-4000-8000-00000000abcd';
// The local user idsync exported, and the entry it wrote for them, read back by the inbound sync.
const local = { ...syncedUserRow(0, 'ann', NOW, { directory_id: null, external_id: null, dn: null, dn_key: null }), id: 7 } as UserRow;
const entry = new DirectoryEntry('uid=ann,ou=idsync,dc=example,dc=test', [
  ['entryUUID', [UUID.toUpperCase()]],
  ['uid', ['ann']],
  ['cn', ['Ann Smith']],
  ['sn', ['Smith']],
]);

const reads = {
  usersByExternalId: async () => new Map<string, UserRow>(),
  usersByUsernameKey: async (keys: readonly string[]) => new Map(keys.filter((k) => k === 'ann').map((k) => [k, local])),
  directoryName: async () => 'both',
} as unknown as SyncReads;

function plan(exported?: ReadonlySet<string>) {
  const seen = new SeenIds();
  const counts = emptyCounts();
  const p = planUserPage(reads, cfg, 1, [{ entry, itemIndex: 0, groups: [], disabledByFilter: false }], {
    now: NOW,
    counts,
    seen,
    itemLabel: () => 'container dc=example,dc=test',
    ids: new Placeholders(),
    exported,
  });
  return p.then((r) => ({ plan: r, seen, counts }));
}

describe('the inbound planner leaves the users idsync exported alone (no ping-pong)', () => {
  it('without the exported ids, the entry would adopt the local user it was exported from', async () => {
    const { plan: p } = await plan();
    // The hazard this guards against: the directory takes the local user over.
    expect(p.changes.some((c) => c.kind === 'user.update' && c.userId === 7)).toBe(true);
  });

  it('drops an exported entry by its directory id (any letter case), plans nothing for it, and keeps it seen', async () => {
    const { plan: p, seen, counts } = await plan(new Set([UUID]));
    expect(p.changes).toEqual([]);
    expect(p.log).toEqual([]);
    expect(p.members).toEqual([]);
    expect(seen.has(UUID)).toBe(true);
    expect(counts.created + counts.updated + counts.skipped + counts.conflict).toBe(0);
  });
});

/*
 * The same for groups: a group idsync exported to the directory, chosen by a sync item of that
 * directory (its DN named, or found again after a move), is idsync's own write and is never
 * imported back as a directory group, nor its membership synced.
 */
describe('the inbound planner leaves the groups idsync exported alone (no ping-pong)', () => {
  const GROUP_UUID = '0a7b9c1d-0000-4000-8000-00000000beef';
  const chosen = [
    { itemIndex: 0, dn: 'cn=eng,ou=idsync,dc=example,dc=test', externalId: GROUP_UUID.toUpperCase(), name: 'eng' },
    { itemIndex: 1, dn: 'cn=ops,ou=native,dc=example,dc=test', externalId: 'native-ops', name: 'ops' },
  ];
  const groupReads = {
    groups: async () => [],
    memberIds: async () => new Float64Array(0),
    memberLists: async () => undefined,
    membershipsOf: async () => new Map(),
  } as unknown as SyncReads;
  const planGroups = (exportedGroups?: ReadonlySet<string>) => {
    const desired = new DesiredMembers();
    desired.add(7, [0, 1]);
    return planMemberships(groupReads, 1, chosen, desired, { now: NOW, counts: emptyCounts(), ids: new Placeholders(), exportedGroups });
  };
  const created = (p: Awaited<ReturnType<typeof planGroups>>) =>
    p.changes.filter((c) => c.kind === 'group.create').map((c) => (c as { row: { name: string } }).row.name);

  it('without the exported ids, the exported group would be imported as a directory group with its members', async () => {
    expect(created(await planGroups())).toEqual(['eng', 'ops']);
  });

  it('skips an exported group by its directory id (any letter case): neither created nor given members', async () => {
    const p = await planGroups(new Set([GROUP_UUID]));
    expect(created(p)).toEqual(['ops']);
    expect(p.log.map((c) => c.name)).toEqual(['ops']);
    expect(p.changes.filter((c) => c.kind === 'membership.add')).toHaveLength(1);
  });
});
