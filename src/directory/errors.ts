import { IdsyncError, type ErrorCode } from '../errors.js';

/**
 * The one place where failures of LDAP operations, TLS and sockets become idsync errors. LDAP
 * refusals arrive as errors carrying the numeric result code (RFC 4511 section 4.1.9) in `code`
 * (resultError() in stream/ldap-stream.ts, LdapResultError in ad/raw-search.ts), and are mapped on
 * that number rather than on error classes.
 */
const resultCodes: Record<number, { code: ErrorCode; text: string }> = {
  3: { code: 'DIRECTORY_TIMEOUT', text: 'the server time limit was exceeded' },
  4: { code: 'DIRECTORY_OPERATION_FAILED', text: 'the server size limit was exceeded (is paging disabled on the server?)' },
  7: { code: 'DIRECTORY_OPERATION_FAILED', text: 'the server does not support this authentication method' },
  8: { code: 'DIRECTORY_BIND_FAILED', text: 'the server requires a stronger authentication (it refuses simple binds without TLS)' },
  12: { code: 'DIRECTORY_OPERATION_FAILED', text: 'the server does not support a critical control we sent' },
  13: { code: 'DIRECTORY_BIND_FAILED', text: 'the server requires confidentiality (use ldaps or starttls)' },
  32: { code: 'DIRECTORY_MISCONFIGURED', text: 'no such object' },
  34: { code: 'DIRECTORY_MISCONFIGURED', text: 'invalid DN syntax' },
  48: { code: 'DIRECTORY_BIND_FAILED', text: 'inappropriate authentication (anonymous bind refused?)' },
  49: { code: 'DIRECTORY_BIND_FAILED', text: 'invalid credentials' },
  50: { code: 'DIRECTORY_OPERATION_FAILED', text: 'insufficient access rights' },
  51: { code: 'DIRECTORY_UNREACHABLE', text: 'the server is busy' },
  52: { code: 'DIRECTORY_UNREACHABLE', text: 'the server is unavailable' },
  53: { code: 'DIRECTORY_OPERATION_FAILED', text: 'the server is unwilling to perform the operation' },
  87: { code: 'DIRECTORY_MISCONFIGURED', text: 'bad search filter' },
};

const tlsTrust = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

export function mapDirectoryError(err: unknown, context: { server?: string; operation: string; target?: string }): IdsyncError {
  if (err instanceof IdsyncError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string | number };
  const at = context.server ? `${context.server}: ` : '';
  const what = `${context.operation}${context.target ? ` ${context.target}` : ''}`;
  if (typeof e?.code === 'number') {
    const known = resultCodes[e.code];
    const text = known?.text ?? (e.message || `LDAP result code ${e.code}`);
    return new IdsyncError(known?.code ?? 'DIRECTORY_OPERATION_FAILED', `${at}${what} failed: ${text} (LDAP result ${e.code})`, {
      where: context.target,
      cause: err,
    });
  }
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return new IdsyncError(
      'DIRECTORY_TLS',
      `${at}TLS hostname verification failed: ${e.message}. ` +
        "Connect with a name the certificate lists, fix the certificate's subjectAltName, or set verifyHostname: false",
      { cause: err },
    );
  }
  if (code && tlsTrust.has(code)) {
    return new IdsyncError('DIRECTORY_TLS', `${at}TLS certificate not trusted (${code}: ${e.message}); give the issuing CA in caFile`, { cause: err });
  }
  if (code?.startsWith('CERT_') || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /SSL|TLS/.test(code ?? '')) {
    return new IdsyncError('DIRECTORY_TLS', `${at}TLS failed (${code}: ${e.message})`, { cause: err });
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'EHOSTUNREACH' ||
    code === 'ENETUNREACH' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE'
  ) {
    return new IdsyncError('DIRECTORY_UNREACHABLE', `${at}cannot connect (${code})`, { cause: err });
  }
  const message = e instanceof Error ? e.message : String(err);
  if (/timeout|timed out/i.test(message)) {
    return new IdsyncError('DIRECTORY_TIMEOUT', `${at}${what} timed out (${message})`, { cause: err });
  }
  if (/socket|connection/i.test(message)) {
    return new IdsyncError('DIRECTORY_UNREACHABLE', `${at}${what}: connection lost (${message})`, { cause: err });
  }
  return new IdsyncError('DIRECTORY_OPERATION_FAILED', `${at}${what} failed: ${message}`, { cause: err });
}
