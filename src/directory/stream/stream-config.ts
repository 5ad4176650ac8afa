import type { DirectoryConfig } from '../../config/load.js';

/**
 * The parts of a directory's configuration a stream connection uses. Its own module so that
 * socket.ts, which ldap-stream.ts imports, can take it without importing ldap-stream.ts back.
 */
export type StreamConfig = Pick<DirectoryConfig, 'tls' | 'bind'> & {
  timeouts: Pick<DirectoryConfig['timeouts'], 'connectMs' | 'operationMs'>;
  /** Caps on what the server may send (default: DEFAULT_LIMITS). */
  limits?: DirectoryConfig['limits'];
};
