import { IdsyncError } from '../../errors.js';
import { guidToString } from '../codecs.js';
import { mapDirectoryError } from '../errors.js';
import { rawSearch, sessionServer, toDirectoryEntry, type AdSession } from './raw-search.js';

/**
 * Which domain controller, and which copy of its database, a cookie or a USN belongs to.
 *
 * USNs are local to one DC (MS-ADTS 3.1.1.1.9): a watermark from dc1 means nothing on dc2, so
 * uSNChanged polling must go back to the same DC. And a DC restored from backup keeps its name but
 * gets a new invocationId (MS-ADTS 3.1.1.1.10, on the NTDS Settings object named by rootDSE
 * dsServiceName); its USNs may then repeat values already seen. Microsoft's "Polling for Changes
 * Using USNChanged": if dnsHostName or invocationId differ from the stored ones, do a full sync.
 */
export interface DcIdentity {
  dnsHostName: string;
  /** DN of the DC's NTDS Settings object (rootDSE dsServiceName). */
  dsServiceName: string;
  /** GUID string of that object's invocationId. */
  invocationId: string;
  /** rootDSE highestCommittedUSN: read before a full sync, it is the next poll's starting point. */
  highestCommittedUSN: bigint;
  /** rootDSE defaultNamingContext: the DirSync base for the DC's own domain. */
  defaultNamingContext?: string;
}

export async function readDcIdentity(session: AdSession): Promise<DcIdentity> {
  const server = sessionServer(session);
  const read = async (dn: string, attributes: string[]) => {
    try {
      const { entries } = await rawSearch(session, dn, { scope: 'base', filter: '(objectClass=*)', attributes });
      return entries[0] ? toDirectoryEntry(entries[0]) : undefined;
    } catch (err) {
      throw mapDirectoryError(err, { server, operation: 'read', target: dn || 'the root DSE' });
    }
  };
  const root = await read('', ['dnsHostName', 'dsServiceName', 'highestCommittedUSN', 'defaultNamingContext']);
  const dnsHostName = root?.string('dnsHostName');
  const dsServiceName = root?.string('dsServiceName');
  const usn = root?.string('highestCommittedUSN');
  if (!dnsHostName || !dsServiceName || !usn || !/^\d+$/.test(usn)) {
    throw new IdsyncError(
      'DIRECTORY_OPERATION_FAILED',
      `${server ? `${server}: ` : ''}the root DSE has no dnsHostName, dsServiceName or highestCommittedUSN: is this an Active Directory domain controller?`,
    );
  }
  const ntds = await read(dsServiceName, ['invocationId']);
  const inv = ntds?.buffer('invocationId');
  if (inv?.length !== 16) {
    throw new IdsyncError('DIRECTORY_OPERATION_FAILED', `${server ? `${server}: ` : ''}cannot read invocationId from ${dsServiceName}`, {
      where: dsServiceName,
    });
  }
  const out: DcIdentity = { dnsHostName, dsServiceName, invocationId: guidToString(inv), highestCommittedUSN: BigInt(usn) };
  const nc = root?.string('defaultNamingContext');
  if (nc) out.defaultNamingContext = nc;
  return out;
}

/** True when a stored identity still describes the DC: same host and same database copy. */
export function sameDatabase(a: Pick<DcIdentity, 'dnsHostName' | 'invocationId'>, b: Pick<DcIdentity, 'dnsHostName' | 'invocationId'>): boolean {
  return a.dnsHostName.toLowerCase() === b.dnsHostName.toLowerCase() && a.invocationId.toLowerCase() === b.invocationId.toLowerCase();
}
