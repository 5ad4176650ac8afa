/**
 * Every failure idsync reports carries a stable code. Codes are grouped by the exit code the CLI
 * returns and the HTTP status the admin API answers with (src/api/errors.ts applies it), so that
 * callers can branch on them without parsing messages. This file is the only place that maps
 * errors to exit codes and statuses.
 */
export const ErrorCodes = {
  // configuration (exit 2)
  CONFIG_NOT_FOUND: { exit: 2, http: 400 },
  CONFIG_INVALID: { exit: 2, http: 400 },
  CONFIG_SECRET_UNREADABLE: { exit: 2, http: 400 },
  USERNAME_ATTRIBUTE_LOCKED: { exit: 2, http: 409 },
  UNKNOWN_DIRECTORY: { exit: 2, http: 404 },
  USAGE: { exit: 2, http: 400 },
  // directory (exit 3)
  DIRECTORY_UNREACHABLE: { exit: 3, http: 502 },
  DIRECTORY_TLS: { exit: 3, http: 502 },
  DIRECTORY_BIND_FAILED: { exit: 3, http: 502 },
  DIRECTORY_TIMEOUT: { exit: 3, http: 504 },
  DIRECTORY_OPERATION_FAILED: { exit: 3, http: 502 },
  DIRECTORY_MISCONFIGURED: { exit: 3, http: 422 },
  /** The server broke the protocol: a malformed message, an unexpected message id, a paging loop. */
  DIRECTORY_PROTOCOL: { exit: 3, http: 502 },
  /** The server sent more than idsync accepts at once: a message or a page over the `limits`. */
  DIRECTORY_LIMIT_EXCEEDED: { exit: 3, http: 502 },
  // store (exit 4)
  STORE_UNAVAILABLE: { exit: 4, http: 503 },
  STORE_ATTRIBUTE_OWNED: { exit: 4, http: 409 },
  STORE_NOT_FOUND: { exit: 4, http: 404 },
  STORE_CONFLICT: { exit: 4, http: 409 },
  // sync (exit 5)
  SYNC_ALREADY_RUNNING: { exit: 5, http: 409 },
  APPROVAL_NOT_PENDING: { exit: 5, http: 409 },
  RESTORE_NOT_ALLOWED: { exit: 5, http: 409 },
  /** Several nodes (issue 16): no node took work sent to a directory's lease holder in time, or the node running it died. */
  NODE_UNAVAILABLE: { exit: 5, http: 503 },
  // outbound provisioning (exit 7): each names why idsync did not, or could not, write an object
  /** The object is one idsync must never touch: outside the root containers, adminCount=1, or a member (nested) of a privileged group. */
  PROVISION_PROTECTED: { exit: 7, http: 409 },
  /** An account or group of the same name exists in the directory and idsync does not manage it; adopt it to take it over. */
  PROVISION_CONFLICT: { exit: 7, http: 409 },
  /** The password does not meet the directory's policy; the message names the rule. */
  PROVISION_PASSWORD_POLICY: { exit: 7, http: 422 },
  /** A password would cross an unencrypted connection (ldap:// without StartTLS). */
  PROVISION_INSECURE: { exit: 7, http: 422 },
  /** The object lacks what the directory needs (AD: a first and a last name), or its values do not fit. */
  PROVISION_INVALID: { exit: 7, http: 422 },
  /** The service account lacks a right provisioning needs; the message names it. */
  PROVISION_RIGHTS: { exit: 7, http: 422 },
  // admin API: malformed requests (exit 2) and access (exit 6, which `idsync admin` can meet)
  VALIDATION_FAILED: { exit: 2, http: 400 },
  ROUTE_NOT_FOUND: { exit: 2, http: 404 },
  METHOD_NOT_ALLOWED: { exit: 2, http: 405 },
  PAYLOAD_TOO_LARGE: { exit: 2, http: 413 },
  DIRECTORY_MANAGED_BY_FILE: { exit: 2, http: 409 },
  AUTH_REQUIRED: { exit: 6, http: 401 },
  AUTH_FAILED: { exit: 6, http: 401 },
  FORBIDDEN: { exit: 6, http: 403 },
  CSRF_FAILED: { exit: 6, http: 403 },
  SETUP_UNAVAILABLE: { exit: 6, http: 403 },
  RATE_LIMITED: { exit: 6, http: 429 },
  // on-premises agents (issue 13, src/agent): enrolment and the channel
  /** No agent has this connect key (mistyped, or never issued). */
  AGENT_KEY_INVALID: { exit: 6, http: 401 },
  /** The connect key was already exchanged: keys work once; create a new agent or revoke and recreate. */
  AGENT_KEY_USED: { exit: 6, http: 409 },
  /** The connect key is older than 24 hours. */
  AGENT_KEY_EXPIRED: { exit: 6, http: 410 },
  /** No agent of that name at the hub. */
  AGENT_NOT_FOUND: { exit: 2, http: 404 },
  /** The hub refused the agent's channel: a bad signature, a replay, clock skew, a revoked agent, a protocol version too far apart. */
  AGENT_CHANNEL_REFUSED: { exit: 6, http: 401 },
  /** The agent refused an operation the hub relayed: a write to a read-only directory, outside the base DN, a password attribute. */
  AGENT_OPERATION_REFUSED: { exit: 3, http: 403 },
  // the second factor (issue 15): the enrollment page's link and what the user enters on it
  /** The enrollment link is unknown, used, replaced by a newer one or expired; the message says which. */
  ENROLLMENT_LINK_INVALID: { exit: 6, http: 401 },
  /** The TOTP code or the passkey did not confirm the authenticator being enrolled (or its setup expired); try again. */
  ENROLLMENT_FACTOR_REJECTED: { exit: 6, http: 422 },
  /** The enrollment needs something first: an authenticator before the recovery codes, or api.publicUrl for a passkey. */
  ENROLLMENT_INCOMPLETE: { exit: 5, http: 409 },
  // mail (issue 15): the SMTP server, templates and enrollment emails (exit 8)
  /** No `smtp` section, or no `api.publicUrl` to make enrollment links from. */
  MAIL_NOT_CONFIGURED: { exit: 8, http: 409 },
  /** The SMTP server refused or could not be reached; the message gives its answer. */
  MAIL_SEND_FAILED: { exit: 8, http: 502 },
  /** A template body (plain text or HTML) without the `<enrollment-link>` placeholder. */
  MAIL_TEMPLATE_LINK_MISSING: { exit: 8, http: 422 },
  /** The user has no open enrollment link to resend (enrolled, never sent one, or it expired: the next sync issues a new one). */
  ENROLLMENT_NOT_PENDING: { exit: 8, http: 409 },
  INTERNAL: { exit: 70, http: 500 },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class IdsyncError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is: a config path (`directories[0].servers[1]`), a DN, a username. */
  readonly where?: string;

  constructor(code: ErrorCode, message: string, options: { where?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IdsyncError';
    this.code = code;
    this.where = options.where;
  }

  get exitCode(): number {
    return ErrorCodes[this.code].exit;
  }

  get httpStatus(): number {
    return ErrorCodes[this.code].http;
  }
}

export function toIdsyncError(err: unknown): IdsyncError {
  if (err instanceof IdsyncError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new IdsyncError('INTERNAL', message, { cause: err });
}

export function exitCodeFor(err: unknown): number {
  return toIdsyncError(err).exitCode;
}
