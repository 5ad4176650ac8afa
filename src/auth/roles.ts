/**
 * Admin roles, as in the products idsync stands in for (Duo: Owner, Administrator, User Manager,
 * Read-only). Each role can do everything the roles below it can.
 */
export const ROLES = ['owner', 'administrator', 'user_manager', 'read_only'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Scopes a token can have instead of a role (issue 14). A scoped token may call its own routes and
 * nothing else: `verify` checks users' passwords (POST /api/v1/auth/verify) for applications and
 * proxies, and cannot read or change anything. Stored in the token's role column.
 */
export const TOKEN_SCOPES = ['verify'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export function isTokenScope(value: unknown): value is TokenScope {
  return typeof value === 'string' && (TOKEN_SCOPES as readonly string[]).includes(value);
}

const RANK: Record<Role, number> = { owner: 4, administrator: 3, user_manager: 2, read_only: 1 };

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Whether `role` is `minimum` or above. */
export function atLeast(role: Role, minimum: Role): boolean {
  return RANK[role] >= RANK[minimum];
}

/** The roles that satisfy `minimum`, highest first (for documentation and refusal messages). */
export function rolesFrom(minimum: Role): Role[] {
  return ROLES.filter((r) => atLeast(r, minimum));
}

/** What each role may do; the README's role table says the same. */
export const ROLE_SUMMARY: Record<Role, string> = {
  owner: 'everything, including admins and API tokens',
  administrator: 'directories, syncs and approvals; users and groups; may list admins and tokens',
  user_manager: 'users and groups: edit, single-user sync, trash restore and delete',
  read_only: 'reads everything except secrets',
};
