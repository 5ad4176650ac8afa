import { BerDecodeError, Cursor, Tag, detach, elements, integer, single, boolean } from './ber.js';

/**
 * Decoding of the LDAPv3 responses a streaming search can receive (RFC 4511 section 4), from one
 * complete LDAPMessage as cut by framing.ts. Values stay raw (Buffers): only DNs, attribute
 * descriptions, OIDs and diagnostic text are decoded as UTF-8, which RFC 4511 section 4.1.2
 * prescribes for them. Anything else (binary objectGUID, cookies) is the caller's to interpret.
 */

/** RFC 4511 section 4.1.11: Control ::= SEQUENCE { controlType, criticality DEFAULT FALSE, controlValue OPTIONAL }. */
export interface LdapControl {
  oid: string;
  critical: boolean;
  value?: Buffer;
}

export interface PartialAttribute {
  /** The attribute description as the server spelled it (e.g. `member;range=0-1499`). */
  type: string;
  values: Buffer[];
}

export interface LdapResult {
  resultCode: number;
  matchedDN: string;
  diagnosticMessage: string;
  referrals?: string[];
}

export type LdapResponse =
  | { op: 'bindResponse'; messageId: number; result: LdapResult; controls: LdapControl[] }
  | { op: 'searchEntry'; messageId: number; dn: string; attributes: PartialAttribute[]; controls: LdapControl[] }
  | { op: 'searchReference'; messageId: number; uris: string[]; controls: LdapControl[] }
  | { op: 'searchDone'; messageId: number; result: LdapResult; controls: LdapControl[] }
  | { op: 'extendedResponse'; messageId: number; result: LdapResult; name?: string; value?: Buffer; controls: LdapControl[] }
  | { op: 'intermediate'; messageId: number; name?: string; value?: Buffer; controls: LdapControl[] }
  | { op: 'other'; messageId: number; tag: number; controls: LdapControl[] };

/** protocolOp tags: [APPLICATION n] constructed = 0x60 | n (RFC 4511 section 4.2 onwards). */
export const Op = {
  BindRequest: 0x60,
  BindResponse: 0x61,
  UnbindRequest: 0x42,
  SearchRequest: 0x63,
  SearchResultEntry: 0x64,
  SearchResultDone: 0x65,
  SearchResultReference: 0x73,
  AbandonRequest: 0x50,
  ExtendedRequest: 0x77,
  ExtendedResponse: 0x78,
  IntermediateResponse: 0x79,
} as const;

const CONTROLS_TAG = 0xa0; // controls [0] Controls
const REFERRAL_TAG = 0xa3; // referral [3] Referral
const EXT_RESPONSE_NAME = 0x8a; // responseName [10] LDAPOID
const EXT_RESPONSE_VALUE = 0x8b; // responseValue [11] OCTET STRING
const IR_RESPONSE_NAME = 0x80; // IntermediateResponse responseName [0]
const IR_RESPONSE_VALUE = 0x81; // IntermediateResponse responseValue [1]

/** RFC 4511 section 4.4.1: the unsolicited Notice of Disconnection, sent with messageID 0. */
export const NOTICE_OF_DISCONNECTION_OID = '1.3.6.1.4.1.1466.20036';

const utf8 = (b: Buffer): string => b.toString('utf8');

export function decodeControls(content: Buffer): LdapControl[] {
  return elements(content).map((el, i) => {
    if (el.tag !== Tag.Sequence) throw new BerDecodeError(`control ${i}: expected SEQUENCE, got tag 0x${el.tag.toString(16)}`);
    const c = new Cursor(el.value, `control ${i}`);
    const oid = utf8(c.required(Tag.OctetString, 'controlType'));
    const crit = c.optional(Tag.Boolean);
    const value = c.optional(Tag.OctetString);
    return { oid, critical: crit ? boolean(crit, `control ${oid} criticality`) : false, ...(value ? { value: detach(value) } : {}) };
  });
}

/** LDAPResult ::= SEQUENCE { resultCode ENUMERATED, matchedDN, diagnosticMessage, referral [3] OPTIONAL } */
function decodeResult(c: Cursor): LdapResult {
  const resultCode = integer(c.required(Tag.Enumerated, 'resultCode'), 'resultCode');
  const matchedDN = utf8(c.required(Tag.OctetString, 'matchedDN'));
  const diagnosticMessage = utf8(c.required(Tag.OctetString, 'diagnosticMessage'));
  const ref = c.optional(REFERRAL_TAG);
  const result: LdapResult = { resultCode, matchedDN, diagnosticMessage };
  if (ref) result.referrals = elements(ref).map((e) => utf8(e.value));
  return result;
}

/** PartialAttributeList ::= SEQUENCE OF SEQUENCE { type AttributeDescription, vals SET OF AttributeValue } */
function decodeAttributes(content: Buffer): PartialAttribute[] {
  return elements(content).map((el, i) => {
    if (el.tag !== Tag.Sequence) throw new BerDecodeError(`attribute ${i}: expected SEQUENCE, got tag 0x${el.tag.toString(16)}`);
    const c = new Cursor(el.value, `attribute ${i}`);
    const type = utf8(c.required(Tag.OctetString, 'type'));
    const vals = c.required(Tag.Set, `values of ${type}`);
    // Copied so that a kept value does not pin the whole network chunk in memory.
    return { type, values: elements(vals).map((v) => detach(v.value)) };
  });
}

/** Decodes one complete LDAPMessage ::= SEQUENCE { messageID, protocolOp, controls [0] OPTIONAL }. */
export function decodeMessage(message: Buffer): LdapResponse {
  const outer = single(message, Tag.Sequence, 'LDAPMessage');
  const els = elements(outer.value);
  if (els.length < 2 || els[0].tag !== Tag.Integer) throw new BerDecodeError('LDAPMessage: missing messageID or protocolOp');
  const messageId = integer(els[0].value, 'messageID');
  const { tag, value } = els[1];
  const controlsEl = els.slice(2).find((e) => e.tag === CONTROLS_TAG);
  const controls = controlsEl ? decodeControls(controlsEl.value) : [];

  switch (tag) {
    case Op.SearchResultEntry: {
      const c = new Cursor(value, 'SearchResultEntry');
      const dn = utf8(c.required(Tag.OctetString, 'objectName'));
      const attributes = decodeAttributes(c.required(Tag.Sequence, 'attributes'));
      return { op: 'searchEntry', messageId, dn, attributes, controls };
    }
    case Op.SearchResultDone:
      return { op: 'searchDone', messageId, result: decodeResult(new Cursor(value, 'SearchResultDone')), controls };
    case Op.SearchResultReference:
      // SearchResultReference ::= [APPLICATION 19] SEQUENCE SIZE (1..MAX) OF uri URI
      return { op: 'searchReference', messageId, uris: elements(value).map((e) => utf8(e.value)), controls };
    case Op.IntermediateResponse: {
      // IntermediateResponse ::= [APPLICATION 25] SEQUENCE { responseName [0] OPTIONAL, responseValue [1] OPTIONAL }
      const c = new Cursor(value, 'IntermediateResponse');
      const name = c.optional(IR_RESPONSE_NAME);
      const val = c.optional(IR_RESPONSE_VALUE);
      return { op: 'intermediate', messageId, ...(name ? { name: utf8(name) } : {}), ...(val ? { value: detach(val) } : {}), controls };
    }
    case Op.BindResponse:
      return { op: 'bindResponse', messageId, result: decodeResult(new Cursor(value, 'BindResponse')), controls };
    case Op.ExtendedResponse: {
      const c = new Cursor(value, 'ExtendedResponse');
      const result = decodeResult(c);
      const name = c.optional(EXT_RESPONSE_NAME);
      const val = c.optional(EXT_RESPONSE_VALUE);
      return { op: 'extendedResponse', messageId, result, ...(name ? { name: utf8(name) } : {}), ...(val ? { value: detach(val) } : {}), controls };
    }
    default:
      return { op: 'other', messageId, tag, controls };
  }
}
