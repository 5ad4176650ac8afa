import type { NewUserRow } from '../../src/store/sync/rows.js';

/**
 * A synced user's store row as the sync writes it, for tests that seed the store below the
 * planner: username `n`, external id `e-n`, DN `uid=n,dc=x`, everything optional empty.
 */
export function syncedUserRow(directoryId: number, n: string, at: Date, over: Partial<NewUserRow> = {}): NewUserRow {
  const ts = at.toISOString();
  return {
    username: n,
    username_key: n.toLowerCase(),
    directory_id: directoryId,
    external_id: `e-${n}`,
    dn: `uid=${n},dc=x`,
    dn_key: `uid=${n.toLowerCase()},dc=x`,
    source_hash: null,
    aliases: '[]',
    full_name: null,
    first_name: null,
    last_name: null,
    email: null,
    phones: '[]',
    notes: null,
    status: 'active',
    status_reason: null,
    sync_item: null,
    trashed_at: null,
    delete_after: null,
    created_at: ts,
    updated_at: ts,
    ...over,
  };
}
