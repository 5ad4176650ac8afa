import { elements, Tag, type Tlv } from '../directory/stream/ber.js';
import { Op } from '../directory/stream/protocol.js';
import { isPasswordAttribute } from './policy.js';

/**
 * Re-encoding the LDAP messages the agent relays: a new message id on each (the hub's ids and the
 * agent's connection's ids differ, since several hub sessions share one connection), password
 * attributes taken out of entries, and the agent's own answers to what it refuses. BER definite
 * lengths (X.690 section 8.1.3), as RFC 4511 section 5.1 requires.
 */

function lengthBytes(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer | Buffer[]): Buffer {
  const body = Array.isArray(content) ? Buffer.concat(content) : content;
  return Buffer.concat([Buffer.from([tag]), lengthBytes(body.length), body]);
}

/** An INTEGER's content octets (two's complement, shortest form). */
function intContent(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  do {
    out.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (out[0] & 0x80) out.unshift(0);
  return Buffer.from(out);
}

const enc = (t: Tlv) => tlv(t.tag, t.value);

/** The message with another id; its protocolOp and controls unchanged. */
export function withMessageId(raw: Buffer, messageId: number, op?: Tlv): Buffer {
  const outer = elements(raw)[0];
  const els = elements(outer.value);
  return tlv(Tag.Sequence, [tlv(Tag.Integer, intContent(messageId)), enc(op ?? els[1]), ...els.slice(2).map(enc)]);
}

/**
 * A response for the hub: its id back, and, for an entry, without password attributes. Returns the
 * message and the attributes removed (for the log: names only).
 */
export function relayResponse(raw: Buffer, messageId: number): { message: Buffer; stripped: string[] } {
  const outer = elements(raw)[0];
  const els = elements(outer.value);
  const op = els[1];
  const stripped: string[] = [];
  let body = op;
  if (op.tag === Op.SearchResultEntry) {
    // SearchResultEntry ::= [APPLICATION 4] SEQUENCE { objectName, attributes PartialAttributeList }
    const [name, attrs, ...more] = elements(op.value);
    const kept: Tlv[] = [];
    for (const a of elements(attrs.value)) {
      const type = elements(a.value)[0]?.value.toString('utf8') ?? '';
      if (isPasswordAttribute(type)) stripped.push(type);
      else kept.push(a);
    }
    if (stripped.length) body = { tag: op.tag, value: Buffer.concat([enc(name), tlv(Tag.Sequence, kept.map(enc)), ...more.map(enc)]) };
  }
  const message = tlv(Tag.Sequence, [tlv(Tag.Integer, intContent(messageId)), enc(body), ...els.slice(2).map(enc)]);
  return { message, stripped };
}

/** The response operation that answers a request operation (RFC 4511 section 4.2 onwards). */
const RESPONSE_OF: ReadonlyMap<number, number> = new Map([
  [Op.BindRequest, Op.BindResponse],
  [Op.SearchRequest, Op.SearchResultDone],
  [0x66, 0x67], // modify
  [0x68, 0x69], // add
  [0x4a, 0x6b], // delete
  [0x6c, 0x6d], // modify DN
  [0x6e, 0x6f], // compare
  [Op.ExtendedRequest, Op.ExtendedResponse],
]);

/** The agent's own answer to a request: an LDAPResult in the request's response operation; undefined when the operation has none. */
export function answer(messageId: number, requestOp: number, resultCode: number, diagnostic: string): Buffer | undefined {
  const responseOp = RESPONSE_OF.get(requestOp);
  if (responseOp === undefined) return undefined;
  const result = [tlv(Tag.Enumerated, intContent(resultCode)), tlv(Tag.OctetString, Buffer.alloc(0)), tlv(Tag.OctetString, Buffer.from(diagnostic, 'utf8'))];
  return tlv(Tag.Sequence, [tlv(Tag.Integer, intContent(messageId)), tlv(responseOp, result)]);
}

/** Whether a response is the last one for its request (everything but entries, references and intermediate responses). */
export function isFinal(op: number): boolean {
  return op !== Op.SearchResultEntry && op !== Op.SearchResultReference && op !== Op.IntermediateResponse;
}
