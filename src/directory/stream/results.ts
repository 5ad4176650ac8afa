import type { IdsyncError } from '../../errors.js';
import { DirectoryEntry } from '../entry.js';
import { mapDirectoryError } from '../errors.js';
import { type LdapResponse, type LdapResult, Op, type PartialAttribute } from './protocol.js';

/** A non-success LDAPResult as an IdsyncError, through the one error mapping (by numeric result code). */
export function resultError(result: LdapResult, context: { server: string; operation: string; target?: string }): IdsyncError {
  const err = Object.assign(new Error(result.diagnosticMessage || `LDAP result ${result.resultCode}`), { code: result.resultCode });
  return mapDirectoryError(err, context);
}

/** An entry's raw attributes behind idsync's case-insensitive accessors (values stay Buffers). */
export function toDirectoryEntry(dn: string, attributes: PartialAttribute[]): DirectoryEntry {
  return new DirectoryEntry(
    dn,
    attributes.map((a): [string, Buffer[]] => [a.type, a.values]),
  );
}

/** Whether a response ends its request: all but entries, references and intermediate responses (RFC 4511 section 4.5.2, 4.13). */
export function isFinalResponse(op: number): boolean {
  return op !== Op.SearchResultEntry && op !== Op.SearchResultReference && op !== Op.IntermediateResponse;
}

/** How a message is named in a protocol-violation error. */
export function describeOp(msg: LdapResponse): string {
  return msg.op === 'other' ? `message with unknown protocolOp tag 0x${msg.tag.toString(16)}` : msg.op;
}
