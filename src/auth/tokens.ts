import { createHash, randomBytes } from 'node:crypto';
import { IdsyncError } from '../errors.js';
import type { ApiTokens, TokenRow } from '../store/api-tokens.js';
import { credentialsChanged } from './revocations.js';
import type { Role, TokenScope } from './roles.js';

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

export type { TokenRow } from '../store/api-tokens.js';

/** The part of the store tokens live in (a Store has it). */
export type TokenStore = { apiTokens: ApiTokens };

export interface TokenView {
  id: number;
  name: string;
  /** An admin role, or a scope (issue 14: `verify`). */
  role: Role | TokenScope;
  createdBy: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export function tokenView(t: TokenRow): TokenView {
  return {
    id: t.id,
    name: t.name,
    role: t.role as Role | TokenScope,
    createdBy: t.created_by,
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    expiresAt: t.expires_at,
    revokedAt: t.revoked_at,
  };
}

/** Who creates a token: an admin (session) or another token; it is revoked with them (revokeTokensCreatedBy). */
export interface TokenCreator {
  kind: 'admin' | 'token';
  id: number;
  name: string;
}

export async function createToken(
  store: TokenStore,
  t: { name: string; role: Role | TokenScope; createdBy: TokenCreator | null; expiresAt?: string | null },
  now: Date,
): Promise<{ token: string; view: TokenView }> {
  const token = `${TOKEN_PREFIX}${newSecret()}`;
  const row = await store.apiTokens.insert(
    { name: t.name, role: t.role, tokenHash: sha256(token), createdBy: t.createdBy, expiresAt: t.expiresAt ?? null },
    now,
  );
  return { token, view: tokenView(row) };
}

/** The token behind an Authorization header, if it is known, not revoked and not expired. */
export async function findActiveToken(store: TokenStore, token: string, now: Date): Promise<TokenRow | undefined> {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  const row = await store.apiTokens.findByHash(sha256(token));
  if (!row || !tokenLive(row, now)) return undefined;
  // At most one write a minute per token: a busy script must not turn every read into a write.
  if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() > 60_000) {
    await store.apiTokens.touch(row.id, now);
  }
  return row;
}

/** Neither revoked nor expired. */
export function tokenLive(t: Pick<TokenRow, 'revoked_at' | 'expires_at'>, now: Date): boolean {
  return !t.revoked_at && (!t.expires_at || t.expires_at > now.toISOString());
}

export async function listTokens(store: TokenStore): Promise<TokenView[]> {
  return (await store.apiTokens.list()).map(tokenView);
}

/**
 * Revoked tokens are kept (their history stays readable in the audit log and the list). Tokens
 * this token created are revoked with it: a token must not outlive the authority that made it.
 */
export async function revokeToken(store: TokenStore, id: number, now: Date): Promise<TokenView> {
  const row = await store.apiTokens.findById(id);
  if (!row) throw new IdsyncError('STORE_NOT_FOUND', `no API token ${id}`, { where: 'id' });
  await store.apiTokens.revoke(id, now);
  await revokeTokensCreatedBy(store, { kind: 'token', id }, now);
  credentialsChanged();
  return tokenView({ ...row, revoked_at: row.revoked_at ?? now.toISOString() });
}

/**
 * Revokes every live token `creator` made, and the tokens those made, and so on (issue 10 item
 * 11: tokens of a deleted owner kept owner rights). Returns the ids revoked.
 */
export async function revokeTokensCreatedBy(store: TokenStore, creator: { kind: 'admin' | 'token'; id: number }, now: Date): Promise<number[]> {
  const revoked = await store.apiTokens.revokeCreatedBy(creator, now);
  if (revoked.length) credentialsChanged();
  return revoked;
}
