import { z } from 'zod';

/**
 * The one rule for a directory server URL, used by the configuration file and by the admin API
 * (which validates its directories with the file's schema), so the two cannot disagree.
 *
 * An LDAP URL (RFC 4516) names a scheme, a host and a port, then optionally a DN, attributes, a
 * scope and a filter. idsync connects to the host and port only (the base DN and filters have keys
 * of their own), so anything after them except a lone "/" is refused rather than silently ignored,
 * as are user information and an empty host: `ldaps://?/` used to be stored as `ldaps://`.
 * The port must be 1-65535 (RFC 6335 section 6); the URL parser throws on larger ones, which
 * surfaced as an internal error.
 */
// The scheme in any letter case (RFC 3986 section 3.1), spelled out rather than with the `i` flag:
// the pattern is also the OpenAPI document's, and JSON Schema patterns take no flags.
export const SERVER_URL_PATTERN = /^[lL][dD][aA][pP][sS]?:\/\/(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*))(?::(\d{1,5}))?\/?$/;

const EXAMPLE = 'ldaps://dc1.example.com:636';

/** What is wrong with a server URL, in words, or null when it is usable. */
export function serverUrlProblem(url: string): string | null {
  const m = SERVER_URL_PATTERN.exec(url);
  if (!m) {
    if (!/^ldaps?:\/\//i.test(url)) return `must be an LDAP URL such as ${EXAMPLE} (scheme ldap:// or ldaps://)`;
    return `must be an LDAP URL such as ${EXAMPLE}: a host name or address and an optional port, nothing else (the base DN and filters have keys of their own)`;
  }
  if (m[2] !== undefined) {
    const port = Number(m[2]);
    if (port < 1 || port > 65535) return `port ${m[2]} is out of range (1-65535)`;
  }
  try {
    const u = new URL(url);
    if (!u.hostname) return `must name a host, such as ${EXAMPLE}`;
  } catch {
    return `is not a valid URL (host "${m[1]}"); use a host name or an IP address, such as ${EXAMPLE}`;
  }
  return null;
}

/** The zod form, for schemas: the pattern shows in the OpenAPI document, the rest is checked after it. */
export const serverUrlSchema = z
  .string()
  .regex(SERVER_URL_PATTERN, `must be an LDAP URL such as ${EXAMPLE}: a host name or address and an optional port`)
  .superRefine((url, ctx) => {
    const problem = SERVER_URL_PATTERN.test(url) ? serverUrlProblem(url) : null;
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });
