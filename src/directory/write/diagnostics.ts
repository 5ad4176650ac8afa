import { IdsyncError } from '../../errors.js';
import { mapDirectoryError } from '../errors.js';
import { PASSWORD_RULES } from './password-policy.js';

/**
 * The one place where a directory's refusal of a write becomes an idsync error (issue 12: "When
 * the directory still refuses, its diagnostic message is decoded"). LDAP result codes are RFC 4511
 * section 4.1.9 / appendix A; Active Directory prefixes its diagnostic message with a Win32 error
 * code in hex (MS-ADTS 3.1.1.3.1.1, "the first 8 characters ... the Windows error code"), e.g.
 * `0000052D: Constraint violation - check_password_restrictions: the password is too short...`
 * (Samba) or `0000052D: AtrErr: DSID-03191083, ... (unicodePwd)` (Windows). What is not a write
 * refusal (TLS, sockets, timeouts) goes on to mapDirectoryError, the read side's mapping.
 */

export interface WriteContext {
  server?: string;
  /** What was being done, in words: "create user", "set the password of". */
  operation: string;
  target?: string;
  /** A password operation: a constraint violation is then the password policy's (RFC 3062, ppolicy). */
  password?: boolean;
  /** For a decoded refusal that does not say its numbers: the policy's, when known. */
  historyLength?: number;
  minLength?: number;
}

/** Win32 codes AD puts first in its diagnostics (MS-ERREF 2.2). */
const WIN32 = {
  ERROR_PASSWORD_RESTRICTION: 0x52d,
  ERROR_USER_EXISTS: 0x524,
  ERROR_GROUP_EXISTS: 0x526,
} as const;

/** The result code and the server's diagnostic text from an ldapts ResultCodeError ("<diagnostic> Code: 0x13"). */
export function ldapFailure(err: unknown): { resultCode: number; diagnostic: string } | undefined {
  const e = err as { code?: unknown; message?: unknown };
  if (typeof e?.code !== 'number' || typeof e.message !== 'string') return undefined;
  return { resultCode: e.code, diagnostic: e.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim() };
}

/** AD's leading Win32 error code, when the diagnostic has one. */
export function win32Code(diagnostic: string): number | undefined {
  const m = /^([0-9A-F]{8}):/i.exec(diagnostic);
  return m ? Number.parseInt(m[1], 16) : undefined;
}

/** Samba's check_password_restrictions texts (source4/dsdb/samdb/ldb_modules/password_hash.c), each to the rule's words. */
export function passwordRule(diagnostic: string, historyLength?: number, minLength?: number): string | undefined {
  const short = /too short.*?(\d+)\s+characters/i.exec(diagnostic);
  if (short) return PASSWORD_RULES.minLength(Number(short[1]));
  // slapo-ppolicy: "Password is too short for policy", "Password fails quality checking policy", "Password is in history of old passwords".
  if (/too short/i.test(diagnostic)) return minLength ? PASSWORD_RULES.minLength(minLength) : 'is shorter than the policy allows';
  if (/quality/i.test(diagnostic)) return "fails the server's password quality check";
  if (/complexity/i.test(diagnostic)) return PASSWORD_RULES.complexity;
  if (/history|already used/i.test(diagnostic)) return PASSWORD_RULES.history(historyLength);
  if (/too young/i.test(diagnostic)) return 'the minimum password age has not passed';
  if (/account ?name|sAMAccountName/i.test(diagnostic)) return PASSWORD_RULES.accountName;
  return undefined;
}

export function mapWriteError(err: unknown, context: WriteContext): IdsyncError {
  if (err instanceof IdsyncError) return err;
  const f = ldapFailure(err);
  if (!f) return mapDirectoryError(err, context);
  const at = context.server ? `${context.server}: ` : '';
  const what = `${context.operation}${context.target ? ` ${context.target}` : ''}`;
  const said = f.diagnostic ? `: ${f.diagnostic}` : '';
  const opts = { where: context.target, cause: err };
  const win32 = win32Code(f.diagnostic);
  // 19 constraintViolation (AD, Samba), 53 unwillingToPerform (some AD versions for a reset).
  const passwordRefusal = context.password && (f.resultCode === 19 || f.resultCode === 53) && !!passwordRule(f.diagnostic);
  if (win32 === WIN32.ERROR_PASSWORD_RESTRICTION || /check_password_restrictions/.test(f.diagnostic) || passwordRefusal) {
    const rule =
      passwordRule(f.diagnostic, context.historyLength, context.minLength) ?? "does not meet the domain's password policy (length, complexity or history)";
    // Only the server's words: the password itself is never part of a message.
    return new IdsyncError('PROVISION_PASSWORD_POLICY', `${at}${what} refused by the password policy: ${rule}`, opts);
  }
  // Windows: 68 with ERROR_USER_EXISTS / ERROR_GROUP_EXISTS; Samba: 19 "samldb: Account name (sAMAccountName) '…' already in use!".
  if (win32 === WIN32.ERROR_USER_EXISTS || win32 === WIN32.ERROR_GROUP_EXISTS || /already in use/i.test(f.diagnostic)) {
    return new IdsyncError('PROVISION_CONFLICT', `${at}${what} failed: the name is already taken in the directory (LDAP result ${f.resultCode}${said})`, opts);
  }
  switch (f.resultCode) {
    case 50:
      return new IdsyncError('PROVISION_RIGHTS', `${at}${what} failed: the service account lacks the right to do it (LDAP result 50${said})`, opts);
    case 68:
      return new IdsyncError('PROVISION_CONFLICT', `${at}${what} failed: an entry with that name already exists (LDAP result 68${said})`, opts);
    case 19:
    case 21:
    case 17:
    case 34:
    case 64:
    case 65:
    case 67:
      // The object's values do not fit the schema or the naming rules: a fix on the object, not a retry.
      return new IdsyncError('PROVISION_INVALID', `${at}${what} refused (LDAP result ${f.resultCode}${said})`, opts);
    default: {
      const mapped = mapDirectoryError(err, context);
      // The read side's mapping names the result code; the write side adds the server's own words.
      return f.diagnostic && !mapped.message.includes(f.diagnostic)
        ? new IdsyncError(mapped.code, `${mapped.message}${said}`, { where: mapped.where, cause: err })
        : mapped;
    }
  }
}

export { WIN32 };
