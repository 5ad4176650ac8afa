import { tmpdir } from 'node:os';
import { parseConfig, type DirectoryConfig } from '../../src/config/load.js';

/**
 * A resolved DirectoryConfig for tests below the CLI (the provisioning targets), made the way a
 * configuration file is read, so TLS, transports and timeouts are the real defaults.
 */
export function directoryConfig(d: {
  type: 'active-directory' | 'openldap';
  servers: string[];
  /** Left out: the system's CAs (which do not know the test CA). */
  caFile?: string;
  bindDn: string;
  password: string;
  baseDn: string;
  transport?: 'ldaps' | 'starttls' | 'clear';
}): DirectoryConfig {
  const cfg = parseConfig(
    {
      store: 'sqlite::memory:',
      directories: [
        {
          name: 'target',
          type: d.type,
          servers: d.servers,
          ...(d.transport ? { transport: d.transport } : {}),
          ...(d.caFile ? { caFile: d.caFile } : {}),
          bind: { dn: d.bindDn, password: d.password },
          baseDn: d.baseDn,
          // Inbound sync items are required by today's schema; provisioning does not read them.
          groups: [d.baseDn],
        },
      ],
    },
    { baseDir: tmpdir(), env: {} },
  );
  return cfg.directories[0];
}

/**
 * The configuration-file entry of a slapd directory (over LDAPS, the harness's CA) syncing one
 * group, with enrollment emails on or off: the mail and enrollment suites' directory (issue 15).
 */
export function slapdEnrollmentDirectory(
  slapd: { ldapsUrl: string; caFile: string; bindDn: string; password: string },
  baseDn: string,
  group: string,
  email = true,
): Record<string, unknown> {
  return {
    name: 'ldap',
    type: 'openldap',
    servers: [slapd.ldapsUrl],
    caFile: slapd.caFile,
    bind: { dn: slapd.bindDn, password: slapd.password },
    baseDn,
    groups: [group],
    enrollment: { email },
  };
}
