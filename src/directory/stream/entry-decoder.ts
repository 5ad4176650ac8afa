import { DirectoryEntry } from '../entry.js';
import { BerDecodeError } from './ber.js';
import { Op } from './protocol.js';

/**
 * The hot path of a bulk read: SearchResultEntry messages decoded straight into DirectoryEntry,
 * without the element-by-element TLV lists protocol.ts builds. A 100,000-user sync decodes about a
 * million attribute values; going through generic BER objects (ours or ldapts's) made allocation
 * and garbage collection the largest cost of a sync. Here each value becomes exactly one string
 * (or, for the profile's binary attributes, one Buffer copy) and nothing else is allocated per
 * value. Every other message still goes through protocol.ts's decodeMessage.
 *
 * Bounds are checked on every length: a corrupt message is a BerDecodeError, never a read past
 * the end of the message or into the next one.
 */

/** Position after the header of the element at `pos`, and its content length (module state, not a tuple: no allocation). */
let contentStart = 0;
let contentLength = 0;

function header(buf: Buffer, pos: number, end: number, tag: number, what: string): void {
  if (pos + 2 > end) throw new BerDecodeError(`${what}: truncated at offset ${pos}`);
  if (buf[pos] !== tag) throw new BerDecodeError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${buf[pos].toString(16)} at offset ${pos}`);
  let p = pos + 1;
  const first = buf[p++];
  let len = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw new BerDecodeError(`${what}: unsupported length form at offset ${pos}`);
    if (p + n > end) throw new BerDecodeError(`${what}: truncated length at offset ${pos}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > end) throw new BerDecodeError(`${what}: length ${len} runs past the end of its container at offset ${pos}`);
  contentStart = p;
  contentLength = len;
}

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
    const p = contentStart;
    header(message, p, end, 0x02, 'messageID');
    if (contentLength < 1 || contentLength > 4) return undefined;
    const messageId = message.readIntBE(contentStart, contentLength);
    const opOffset = contentStart + contentLength;
    if (opOffset >= end) return undefined;
    return { messageId, op: message[opOffset], opOffset };
  } catch {
    return undefined;
  }
}

/**
 * SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName LDAPDN, attributes PartialAttributeList }
 * PartialAttributeList ::= SEQUENCE OF SEQUENCE { type AttributeDescription, vals SET OF AttributeValue }
 * (RFC 4511 section 4.5.2). Response controls on entries are not read here: bulk reads send none
 * that put any on entries.
 *
 * `binary` holds lower-cased attribute names whose values are bytes (objectGUID); every other value
 * is UTF-8 text (RFC 4511 section 4.1.5 leaves the encoding to the syntax; the text syntaxes idsync
 * reads are UTF-8 by RFC 4517). The entry keeps a view of its encoded form as `source`, the
 * exact bytes the server sent for it, which is what the unchanged-user digest hashes.
 */
export function decodeEntry(message: Buffer, head: MessageHead, binary: ReadonlySet<string>): DirectoryEntry {
  const end = message.length;
  header(message, head.opOffset, end, Op.SearchResultEntry, 'SearchResultEntry');
  const opStart = contentStart;
  const opEnd = contentStart + contentLength;
  header(message, opStart, opEnd, 0x04, 'SearchResultEntry objectName');
  const dn = message.toString('utf8', contentStart, contentStart + contentLength);
  header(message, contentStart + contentLength, opEnd, 0x30, `attributes of ${dn}`);
  let p = contentStart;
  const listEnd = contentStart + contentLength;
  const attrs = new Map<string, (string | Buffer)[]>();
  while (p < listEnd) {
    header(message, p, listEnd, 0x30, `attribute of ${dn}`);
    const attrEnd = contentStart + contentLength;
    header(message, contentStart, attrEnd, 0x04, `attribute type of ${dn}`);
    const name = message.toString('latin1', contentStart, contentStart + contentLength).toLowerCase();
    header(message, contentStart + contentLength, attrEnd, 0x31, `values of ${name} of ${dn}`);
    let v = contentStart;
    const valuesEnd = contentStart + contentLength;
    const isBinary = binary.has(name);
    const values: (string | Buffer)[] = [];
    while (v < valuesEnd) {
      header(message, v, valuesEnd, 0x04, `value of ${name} of ${dn}`);
      const s = contentStart;
      const e = contentStart + contentLength;
      // A binary value is copied so that it does not keep the whole network chunk alive.
      values.push(isBinary ? Buffer.from(message.subarray(s, e)) : message.toString('utf8', s, e));
      v = e;
    }
    const prev = attrs.get(name);
    if (prev) prev.push(...values);
    else attrs.set(name, values);
    p = attrEnd;
  }
  return DirectoryEntry.decoded(dn, attrs, message.subarray(opStart, opEnd));
}
