import { dnKey } from '../directory/codecs.js';
import type { Db } from '../store/db.js';
import { storedMembersOf } from '../store/members.js';
import type { DirectoryReader } from './read.js';

/**
 * The users whose stored memberships in the chosen groups differ from what the group graph just
 * read says they should be.
 *
 * Why: `idsync serve` resumes a change stream from its stored position without a full sync, and
 * reads the group graph as it is *now*. Group changes made while it was down are then delivered
 * by the stream, but each compares equal to that graph, so no chosen group is recomputed and the
 * stored memberships stay as they were (issue 10 item 1). The stored memberships are what the old
 * graph produced; comparing them once with the new graph finds every user the downtime's group
 * changes reached, whatever the changes were (un-nesting, nesting, adds, removes, deleted groups).
 *
 * A chosen group's expected members are the users its closure reaches, plus on AD the users whose
 * primaryGroupID is the RID of a group in the closure (one DN-only search per RID). The cost is one
 * read of the stored memberships and of the closures, once per start; only the users that differ
 * are read from the directory again.
 */
export async function membershipDrift(db: Db, directoryId: number, reader: DirectoryReader): Promise<{ dn: string; id?: string }[]> {
  const out = new Map<string, { dn: string; id?: string }>();
  const byRid = new Map<number, string[]>();
  for (const c of reader.chosenNodes) {
    const chosen = reader.chosen.find((x) => x.itemIndex === c.index);
    if (!chosen) continue;
    const { memberNodes, rids } = reader.graph.closure(c.node);
    const expected = new Set<string>();
    for (const n of memberNodes) expected.add(reader.index.key(n));
    for (const rid of rids) {
      let dns = byRid.get(rid);
      if (!dns) byRid.set(rid, (dns = (await reader.usersWithPrimaryGroup(rid)).map(dnKey)));
      for (const k of dns) expected.add(k);
    }
    const stored = await storedMembersOf(db, directoryId, chosen.externalId);
    const storedKeys = new Set<string>();
    for (const m of stored) {
      const key = m.dn_key ?? (m.dn ? dnKey(m.dn) : undefined);
      if (key === undefined) continue;
      storedKeys.add(key);
      if (!expected.has(key)) out.set(key, { dn: m.dn ?? key, id: m.external_id ?? undefined });
    }
    for (const key of expected) if (!storedKeys.has(key) && !out.has(key)) out.set(key, { dn: key });
  }
  return [...out.values()];
}
