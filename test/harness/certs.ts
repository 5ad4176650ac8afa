// Test PKI made with the openssl CLI: a CA, a server certificate whose SANs match every name the
// tests use for the DC (so verification can stay ON in tests), and a "wrong-name" certificate
// signed by the same CA (so a hostname mismatch is the *only* thing wrong with it).
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc.js';

export interface CertPaths {
  dir: string;
  /** CA certificate (PEM): what clients trust. */
  caFile: string;
  caKeyFile: string;
  /** Server cert with SANs DNS:dc1.corp.example.test, DNS:localhost, IP:127.0.0.1. */
  certFile: string;
  keyFile: string;
  /** Server cert whose only SAN is DNS:wrong.example.test (same CA). */
  wrongNameCertFile: string;
  wrongNameKeyFile: string;
}

export const GOOD_SANS = 'DNS:dc1.corp.example.test,DNS:localhost,IP:127.0.0.1';
export const WRONG_SANS = 'DNS:wrong.example.test';

export function certPaths(dir: string): CertPaths {
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca.key'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server.key'),
    wrongNameCertFile: join(dir, 'wrong-name.pem'),
    wrongNameKeyFile: join(dir, 'wrong-name.key'),
  };
}

// RSA rather than EC: GnuTLS in Samba and libldap, and Node, all accept it without any
// key-usage/cipher-suite subtleties. 2048 bits keeps generation well under a second.
const KEY_ALG = ['-newkey', 'rsa:2048'];

/** Generates the CA and both server certs into dir (created if needed). Reuses existing files. */
export async function generateCerts(dir: string): Promise<CertPaths> {
  const p = certPaths(dir);
  mkdirSync(dir, { recursive: true });
  if ([p.caFile, p.certFile, p.keyFile, p.wrongNameCertFile, p.wrongNameKeyFile].every((f) => existsSync(f))) return p;

  await run('openssl', [
    'req',
    '-x509',
    ...KEY_ALG,
    '-nodes',
    '-sha256',
    '-days',
    '3650',
    '-keyout',
    p.caKeyFile,
    '-out',
    p.caFile,
    '-subj',
    '/O=idsync tests/CN=idsync test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-addext',
    'subjectKeyIdentifier=hash',
  ]);
  await Promise.all([
    issue(p, 'server', 'dc1.corp.example.test', GOOD_SANS, p.certFile, p.keyFile),
    issue(p, 'wrong-name', 'wrong.example.test', WRONG_SANS, p.wrongNameCertFile, p.wrongNameKeyFile),
  ]);
  // Samba refuses a TLS key readable by others ("Invalid permissions on TLS private key file").
  for (const k of [p.caKeyFile, p.keyFile, p.wrongNameKeyFile]) chmodSync(k, 0o600);
  return p;
}

async function issue(p: CertPaths, name: string, cn: string, sans: string, certOut: string, keyOut: string): Promise<void> {
  const csr = join(p.dir, `${name}.csr`);
  const ext = join(p.dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${sans}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      '',
    ].join('\n'),
  );
  await run('openssl', ['req', ...KEY_ALG, '-nodes', '-sha256', '-keyout', keyOut, '-out', csr, '-subj', `/O=idsync tests/CN=${cn}`]);
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    p.caFile,
    '-CAkey',
    p.caKeyFile,
    '-set_serial',
    `0x${randomSerial()}`,
    '-days',
    '825',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    certOut,
  ]);
}

function randomSerial(): string {
  // Distinct serials per run so a client caching sessions never confuses two test CAs' leaves.
  let s = '';
  for (let i = 0; i < 16; i++) s += Math.floor(Math.random() * 16).toString(16);
  return `1${s}`;
}
