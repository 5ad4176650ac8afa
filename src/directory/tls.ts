import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { DirectoryConfig, ServerSpec } from '../config/load.js';

/**
 * TLS options for a directory server, shared by the request/response client and the stream layer:
 * the chain is always verified; only the name check can be switched off (verifyHostname: false).
 */
export function tlsOptionsFor(cfg: Pick<DirectoryConfig, 'tls'>, server: ServerSpec): ConnectionOptions {
  const opts: ConnectionOptions = { rejectUnauthorized: true, host: server.host, minVersion: 'TLSv1.2' };
  if (!isIP(server.host)) opts.servername = server.host;
  if (cfg.tls.ca) opts.ca = cfg.tls.ca;
  if (!cfg.tls.verifyHostname) opts.checkServerIdentity = () => undefined;
  return opts;
}
