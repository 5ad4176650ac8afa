import type { Store } from './db.js';

export interface ExportedUser {
  username: string;
  aliases: string[];
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phones: string[];
  phoneExtensions: (string | null)[];
  notes: string | null;
  status: 'active' | 'disabled' | 'trashed';
  statusReason: string | null;
  directory: string | null;
  externalId: string | null;
  dn: string | null;
  syncItem: string | null;
  deleteAfter: string | null;
  groups: string[];
}

export interface ExportedGroup {
  name: string;
  directory: string;
  dn: string;
  externalId: string;
  members: string[];
}

/**
 * The store as one JSON document. The shape is a public contract (scripts and tests read it):
 * add fields, never rename or remove them. Phones are E.164 strings; their extensions, when any,
 * are in phoneExtensions at the same index.
 */
export async function exportStore(store: Store): Promise<{ users: ExportedUser[]; groups: ExportedGroup[] }> {
  const dirs = new Map((await store.db.selectFrom('directories').select(['id', 'name']).execute()).map((d) => [d.id, d.name]));
  const groups = await store.db.selectFrom('groups').selectAll().orderBy('name').orderBy('id').execute();
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const members = await store.db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select(['group_members.group_id', 'users.id as user_id', 'users.username'])
    .orderBy('users.username_key')
    .execute();
  const byGroup = new Map<number, string[]>();
  const byUser = new Map<number, string[]>();
  for (const m of members) {
    (byGroup.get(m.group_id) ?? byGroup.set(m.group_id, []).get(m.group_id)!).push(m.username);
    (byUser.get(m.user_id) ?? byUser.set(m.user_id, []).get(m.user_id)!).push(groupName.get(m.group_id)!);
  }
  const users = await store.db.selectFrom('users').selectAll().orderBy('username_key').execute();
  return {
    users: users.map((u) => {
      const phones = JSON.parse(u.phones) as ({ number: string; extension?: string } | string)[];
      return {
        username: u.username,
        aliases: JSON.parse(u.aliases) as string[],
        fullName: u.full_name,
        firstName: u.first_name,
        lastName: u.last_name,
        email: u.email,
        phones: phones.map((p) => (typeof p === 'string' ? p : p.number)),
        phoneExtensions: phones.map((p) => (typeof p === 'string' ? null : (p.extension ?? null))),
        notes: u.notes,
        status: u.status,
        statusReason: u.status_reason,
        directory: u.directory_id === null ? null : (dirs.get(u.directory_id) ?? null),
        externalId: u.external_id,
        dn: u.dn,
        syncItem: u.sync_item,
        deleteAfter: u.delete_after,
        groups: (byUser.get(u.id) ?? []).sort(),
      };
    }),
    groups: groups.map((g) => ({ name: g.name, directory: dirs.get(g.directory_id)!, dn: g.dn, externalId: g.external_id, members: byGroup.get(g.id) ?? [] })),
  };
}
