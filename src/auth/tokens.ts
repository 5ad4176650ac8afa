import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import { IdsyncError } from '../errors.js';
import type { Db } from '../store/db.js';
import type { ApiTokensTable } from '../store/schema.js';
import { credentialsChanged } from './revocations.js';
import type { Role } from './roles.js';

/**
 * API tokens: 256 random bits behind a fixed prefix (so secret scanners can spot a leaked one).
 * Only the SHA-256 is stored: with that much entropy a fast hash is enough, and a lookup by hash
 * needs no per-token salt. The token itself is returned once, by the request that creates it.
 */
export const TOKEN_PREFIX = 'idsync_';

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export type TokenRow = Selectable<ApiTokensTable>;

export interface TokenView {
  id: number;
  name: string;
  role: Role;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function tokenView(t: TokenRow): TokenView {
  return { id: t.id, name: t.name, role: t.role as Role, createdBy: t.created_by, createdAt: t.created_at, lastUsedAt: t.last_used_at, expiresAt: t.expires_at, revokedAt: t.revoked_at };
}

/** Who creates a token: an admin (session) or another token; it is revoked with them (revokeTokensCreatedBy). */
export interface TokenCreator {
  kind: 'admin' | 'token';
  id: number;
  name: string;
}

export async function createToken(db: Db, t: { name: string; role: Role; createdBy: TokenCreator | null; expiresAt?: string | null }, now: Date): Promise<{ token: string; view: TokenView }> {
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  const row = await db
    .insertInto('api_tokens')
    .values({
      name: t.name,
      role: t.role,
      token_hash: sha256(token),
      created_by: t.createdBy?.name ?? null,
      created_by_admin_id: t.createdBy?.kind === 'admin' ? t.createdBy.id : null,
      created_by_token_id: t.createdBy?.kind === 'token' ? t.createdBy.id : null,
      created_at: now.toISOString(),
      last_used_at: null,
      expires_at: t.expiresAt ?? null,
      revoked_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, view: tokenView(row) };
}

/** The token behind an Authorization header, if it is known, not revoked and not expired. */
export async function findActiveToken(db: Db, token: string, now: Date): Promise<TokenRow | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  if (row.expires_at && row.expires_at <= now.toISOString()) return undefined;
  // At most one write a minute per token: a busy script must not turn every read into a write.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  return row;
}

export async function listTokens(db: Db): Promise<TokenView[]> {
  return (await db.selectFrom('api_tokens').selectAll().orderBy('id').execute()).map(tokenView);
}

/**
 * Revoked tokens are kept (their history stays readable in the audit log and the list). Tokens
 * this token created are revoked with it: a token must not outlive the authority that made it.
 */
export async function revokeToken(db: Db, id: number, now: Date): Promise<TokenView> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new IdsyncError('STORE_NOT_FOUND', `no API token ${id}`, { where: 'id' });
  if (!row.revoked_at) await db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', '=', id).execute();
  await revokeTokensCreatedBy(db, { kind: 'token', id }, now);
  credentialsChanged();
  return tokenView({ ...row, revoked_at: row.revoked_at ?? now.toISOString() });
}

/**
 * Revokes every live token `creator` made, and the tokens those made, and so on (issue 10 item
 * 11: tokens of a deleted owner kept owner rights). Returns the ids revoked.
 */
export async function revokeTokensCreatedBy(db: Db, creator: { kind: 'admin' | 'token'; id: number }, now: Date): Promise<number[]> {
  const revoked: number[] = [];
  let frontier = await db
    .selectFrom('api_tokens')
    .select('id')
    .where(creator.kind === 'admin' ? 'created_by_admin_id' : 'created_by_token_id', '=', creator.id)
    .where('revoked_at', 'is', null)
    .execute();
  while (frontier.length) {
    const ids = frontier.map((r) => r.id);
    await db.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', 'in', ids).where('revoked_at', 'is', null).execute();
    revoked.push(...ids);
    frontier = await db.selectFrom('api_tokens').select('id').where('created_by_token_id', 'in', ids).where('revoked_at', 'is', null).execute();
  }
  if (revoked.length) credentialsChanged();
  return revoked;
}
