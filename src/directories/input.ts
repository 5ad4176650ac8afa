import path from 'node:path';
import { z } from 'zod';
import { parseConfig, type DirectoryConfig, type IdsyncConfig } from '../config/load.js';
import { directorySchema } from '../config/schema.js';
import { IdsyncError, type ErrorCode } from '../errors.js';

/*
 * A directory created through the admin API: what it is given, and how it becomes the same
 * DirectoryConfig as a directory of the configuration file. No Hono here (plain zod), so the
 * command line loads this without the API stack; the API adds its OpenAPI description to the
 * schema (src/api/directories.ts).
 */

/**
 * A directory as the API takes it: the keys of a directory in the configuration file, with two
 * differences that keep an administrator from reaching outside the store through a directory:
 * no `caFile` (the CA is sent inline as `ca`), and `bind.password` only as a plain string,
 * never a `{ file }` or `{ env }` reference (either would let the API send a local file or an
 * environment variable to an LDAP server of the caller's choosing). The password is write-only.
 */
export const bindInputSchema = z
  .object({
    dn: z.string().min(1),
    password: z.string().min(1).max(1024).optional(),
  })
  .strict();

// A directory reached through on-premises agents (`agent:`, issue 13) names them instead of `servers` and `bind`, as in the file.
export const storedInputSchema = directorySchema.omit({ caFile: true, bind: true }).extend({ bind: bindInputSchema.optional() });
export type DirectoryInput = z.infer<typeof storedInputSchema>;

const inputErrors = new WeakSet<IdsyncError>();

/**
 * An error about one field of a directory's input (`bind.password`, `attributes.username`): the
 * API answers it naming that field (src/api/routes/directories.ts), the command line as any error.
 */
export function inputError(code: ErrorCode, message: string, field: string, cause?: unknown): IdsyncError {
  const e = new IdsyncError(code, message, { where: field, cause });
  inputErrors.add(e);
  return e;
}

export function isInputError(err: unknown): err is IdsyncError & { where: string } {
  return err instanceof IdsyncError && inputErrors.has(err);
}

function stripPrefix(s: string): string {
  return s.replace(/directories\[0\]\.?/g, '').replace(/^: /, '');
}

/**
 * Validates a directory with the same parseConfig as the file, so the checks cannot drift apart;
 * the error's path is made relative to the directory (`syncItems[1]`, not `directories[0].…`).
 */
export function parseDirectoryInput(input: DirectoryInput, password: string | null, baseDir: string): DirectoryConfig {
  const raw = { ...input, bind: input.bind ? { dn: input.bind.dn, password: password ?? '' } : undefined };
  try {
    const cfg = parseConfig({ directories: [raw] }, { baseDir, env: {} }).directories[0];
    // Warnings too speak of the directory's own fields: there is no file, and its index is always 0.
    return { ...cfg, warnings: cfg.warnings.map(stripPrefix) };
  } catch (err) {
    if (!(err instanceof IdsyncError) || (err.code !== 'CONFIG_INVALID' && err.code !== 'CONFIG_SECRET_UNREADABLE')) throw err;
    const field = stripPrefix(err.where ?? '') || 'syncItems';
    throw inputError('VALIDATION_FAILED', stripPrefix(err.message.replace(/^invalid configuration:\s*/, '')), field, err);
  }
}

/** Where the relative paths of a stored directory resolve: beside the configuration file. */
export function baseDirOf(config: IdsyncConfig): string {
  return config.file ? path.dirname(config.file) : process.cwd();
}

/** The input as the store keeps it: everything but the password, which is sealed apart. */
export function storedForm(input: DirectoryInput): string {
  const { bind, ...rest } = input;
  return JSON.stringify(bind ? { ...rest, bind: { dn: bind.dn } } : rest);
}

/**
 * What, if anything, changed where a bind password would be sent: the servers (host, port and
 * transport, compared as resolved, so `ldaps://dc1` equals `ldaps://dc1:636`), the CA, hostname
 * verification, or the bind DN (a DN of the administrator's choosing on the same server would
 * also let them learn the password, from the server's log of failed binds).
 */
export function destinationChange(before: DirectoryConfig | undefined, after: DirectoryConfig): string | null {
  if (!before) return 'the configuration';
  const servers = (c: DirectoryConfig) => c.servers.map((s) => `${s.transport}:${s.host.toLowerCase()}:${s.port}`).join(' ');
  if (servers(before) !== servers(after))
    return before.servers.some((s, i) => s.transport !== after.servers[i]?.transport) ? 'the servers or the transport' : 'the servers';
  if ((before.tls.ca ?? '') !== (after.tls.ca ?? '')) return 'the CA';
  if (before.tls.verifyHostname !== after.tls.verifyHostname) return 'verifyHostname';
  if ((before.bind?.dn ?? '') !== (after.bind?.dn ?? '')) return 'the bind DN';
  return null;
}
