import { DirectoryEntry } from '../entry.js';
import { checkAttributeList, header, lastEnd, lastStart, utf8 } from './attribute-list.js';
import { Op } from './protocol.js';

/**
 * The hot path of a bulk read: SearchResultEntry messages become DirectoryEntry objects without
 * the element-by-element TLV lists protocol.ts builds. A 100,000-user sync receives about a million
 * attribute values; turning each into objects (ours or ldapts's) made allocation and garbage
 * collection the largest cost of a sync. Here an entry is its DN, a view of its bytes and the
 * bounds of its attribute list, which is checked now and decoded when first used
 * (attribute-list.ts). Every other message still goes through protocol.ts's decodeMessage.
 */

/** Where the protocolOp of a complete LDAPMessage starts, and its message id; undefined for an odd message (left to decodeMessage). */
export interface MessageHead {
  messageId: number;
  op: number;
  /** Offset of the protocolOp's tag. */
  opOffset: number;
}

export function messageHead(message: Buffer): MessageHead | undefined {
  const end = message.length;
  try {
    header(message, 0, end, 0x30, 'LDAPMessage');
    header(message, lastStart(), end, 0x02, 'messageID');
    const length = lastEnd() - lastStart();
    if (length < 1 || length > 4) return undefined;
    const messageId = message.readIntBE(lastStart(), length);
    const opOffset = lastEnd();
    if (opOffset >= end) return undefined;
    return { messageId, op: message[opOffset], opOffset };
  } catch {
    return undefined;
  }
}

/**
 * SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName LDAPDN, attributes PartialAttributeList }
 * (RFC 4511 section 4.5.2). Response controls on entries are not read here: the bulk searches send
 * none that put any on entries.
 *
 * `binary` holds lower-cased attribute names whose values are bytes (objectGUID); every other value
 * is UTF-8 text (RFC 4511 section 4.1.5 leaves the encoding to the syntax; the text syntaxes idsync
 * reads are UTF-8 by RFC 4517). The entry keeps a view of its encoded form as `source`, the exact
 * bytes the server sent for it, which is what the unchanged-user digest hashes.
 */
export function decodeEntry(message: Buffer, head: MessageHead, binary: ReadonlySet<string>): DirectoryEntry {
  const end = message.length;
  header(message, head.opOffset, end, Op.SearchResultEntry, 'SearchResultEntry');
  const opStart = lastStart();
  const opEnd = lastEnd();
  header(message, opStart, opEnd, 0x04, 'SearchResultEntry objectName');
  const dn = utf8(message, lastStart(), lastEnd());
  header(message, lastEnd(), opEnd, 0x30, 'attributes', dn);
  const listStart = lastStart();
  const listEnd = lastEnd();
  checkAttributeList(message, listStart, listEnd, dn);
  return DirectoryEntry.encoded(dn, message.subarray(opStart, opEnd), message, listStart, listEnd, binary);
}
