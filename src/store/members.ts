import type { Db } from './sync/rows.js';

/** The users stored as members of one of a directory's groups (found by the group's external id). */
export async function storedMembersOf(
  db: Db,
  directoryId: number,
  groupExternalId: string,
): Promise<{ id: number; dn: string | null; dn_key: string | null; external_id: string | null }[]> {
  return db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select(['users.id', 'users.dn', 'users.dn_key', 'users.external_id'])
    .where('groups.directory_id', '=', directoryId)
    .where('groups.external_id', '=', groupExternalId)
    .execute();
}
