// What test files import. `inject()` gives the serialisable facts provided by global-setup.ts;
// connectSamba/connectSlapd turn them back into helper objects in the test's own process:
//
//   import { inject } from 'vitest';
//   import { connectSamba, connectSlapd } from '../harness/index.js';
//   const samba = connectSamba(inject('samba'));   // throws if IDSYNC_TEST_NO_SAMBA=1
//   describe.skipIf(!inject('samba'))('AD', ...);
import type { CertPaths } from './certs.js';
import type { SambaInfo } from './samba.js';
import type { SlapdInfo } from './slapd.js';

export { generateCerts, certPaths, GOOD_SANS, WRONG_SANS, type CertPaths } from './certs.js';
export {
  connectSamba,
  startSamba,
  sidRid,
  toFileTime,
  SambaDirectory,
  type SambaInfo,
  type SambaTlsCert,
  type SambaUserSpec,
  type SambaGroupType,
  type StartSambaOptions,
} from './samba.js';
export {
  connectSlapd,
  startSlapd,
  SlapdDirectory,
  PLACEHOLDER_MEMBER,
  type SlapdInfo,
  type SlapdUserSpec,
  type SlapdGroupKind,
  type StartSlapdOptions,
} from './slapd.js';
export { LdapHelpers, splitDn, type AttrValues } from './ldap-helpers.js';
export { toLdif, ldifRecord, escapeDnValue, escapeFilterValue, type LdifEntry, type LdifAttrs } from './ldif.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** null when the run was started with IDSYNC_TEST_NO_SAMBA=1. */
    samba: SambaInfo | null;
    slapd: SlapdInfo;
    /** PostgreSQL for store tests (trust auth); IDSYNC_TEST_PG_URL overrides. */
    postgresUrl: string;
    /** The test CA and server certificates shared by both directories. */
    certs: CertPaths;
  }
}
