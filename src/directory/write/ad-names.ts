/**
 * AD names a user `CN=<full name>`, unique only within its container, while its sAMAccountName is
 * unique in the domain: a second John Smith must not be refused as a conflict. Where another object
 * holds the CN, the user takes `CN=John Smith (jsmith)` (src/provision/dn.ts, collisionRdn).
 */
import { IdsyncError } from '../../errors.js';
import { collisionRdn } from '../../provision/dn.js';
import { escapeDnValue } from '../codecs.js';
import { provisioningProfileFor } from '../profiles/provisioning.js';
import type { WriteConnection, WriteValues } from './connection.js';
import type { WriteContext } from './diagnostics.js';
import { first, parentDn } from './shared.js';

const profile = provisioningProfileFor('active-directory');

/** The add of a new user, at `dn` or, where another object holds that CN, at its disambiguated twin. The DN it was made at. */
export async function addUser(
  conn: WriteConnection,
  dn: string,
  rdn: string,
  username: string,
  values: Record<string, WriteValues>,
  context: WriteContext,
): Promise<string> {
  try {
    await conn.add(dn, values, context);
    return dn;
  } catch (err) {
    const twin = await collisionTwin(conn, err, dn, rdn, username);
    await conn.add(twin, values, context);
    return twin;
  }
}

/**
 * For a write refused as a conflict at `dn`: the disambiguated DN to use instead when the object
 * holding `dn` is another account; otherwise `err` again, since the account name itself is taken.
 */
export async function collisionTwin(conn: WriteConnection, err: unknown, dn: string, rdn: string, username: string): Promise<string> {
  if (!(err instanceof IdsyncError) || err.code !== 'PROVISION_CONFLICT') throw err;
  const there = await conn.readOne(dn, ['sAMAccountName']);
  const holder = first(there?.attrs.samaccountname);
  if (!there || holder?.toLowerCase() === username.toLowerCase()) throw err;
  return `${profile.user.rdnAttribute}=${escapeDnValue(collisionRdn(rdn, username))},${parentDn(dn)}`;
}
