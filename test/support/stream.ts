import { readFileSync } from 'node:fs';
import type { ServerSpec } from '../../src/config/load.js';
import { LdapStream } from '../../src/directory/stream/ldap-stream.js';
import { Secret } from '../../src/secret.js';

/** What the harness knows about a directory it started (SambaDirectory / SlapdDirectory fit). */
export interface StreamTarget {
  info: { url: string };
  bindDn: string;
  password: string;
  caFile: string;
}

/**
 * A bound idsync LdapStream to a harness directory over ldaps, the connection AD change tracking
 * (src/directory/ad) runs on in production. The caller closes it.
 */
export async function openStream(d: StreamTarget, opts: { bindDn?: string; password?: string; timeoutMs?: number } = {}): Promise<LdapStream> {
  const u = new URL(d.info.url);
  const server: ServerSpec = { url: d.info.url, host: u.hostname, port: Number(u.port || 636), transport: u.protocol === 'ldaps:' ? 'ldaps' : 'clear' };
  return LdapStream.open(
    {
      tls: { ca: readFileSync(d.caFile, 'utf8'), verifyHostname: false },
      bind: { dn: opts.bindDn ?? d.bindDn, password: new Secret(opts.password ?? d.password) },
      timeouts: { connectMs: 10_000, operationMs: opts.timeoutMs ?? 60_000 },
    },
    server,
  );
}
