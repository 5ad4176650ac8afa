import type { Db } from './db-handle.js';

/**
 * What outbound provisioning reads of the store's users (src/provision/select.ts): every user with
 * the fields the export map writes. One query per delivery pass or reconcile.
 */
export interface ProvisionUserRow {
  id: number;
  username: string;
  status: 'active' | 'disabled' | 'trashed';
  directoryId: number | null;
  fullName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phones: string[];
}

export async function provisionUsers(db: Db): Promise<ProvisionUserRow[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'status', 'directory_id', 'full_name', 'first_name', 'last_name', 'email', 'phones'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    status: r.status,
    directoryId: r.directory_id,
    fullName: r.full_name,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    phones: JSON.parse(r.phones) as string[],
  }));
}
