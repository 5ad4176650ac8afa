import asn1 from 'asn1';
import { FilterParser } from 'ldapts';
import { Cursor, integer, single, Tag, writeOctets } from './ber.js';
import { Op } from './protocol.js';

/**
 * Encoding of the LDAPv3 requests the stream layer sends (RFC 4511 section 4). Filters are parsed
 * and encoded by ldapts's FilterParser: RFC 4515 string filters, with their escapes and extensible
 * matches, are the one part of ldapts idsync still uses.
 */

const { BerWriter } = asn1;
type Writer = InstanceType<typeof BerWriter>;

export interface RequestControl {
  oid: string;
  critical?: boolean;
  /** The controlValue octets; omitted when undefined (e.g. LDAP_SERVER_NOTIFICATION_OID). */
  value?: Buffer;
}

export type SearchScope = 'base' | 'one' | 'sub';

export interface SearchRequestSpec {
  base: string;
  scope?: SearchScope;
  /** RFC 4515 string form; default (objectClass=*). */
  filter?: string;
  /** Default: none listed, which RFC 4511 section 4.5.1.8 defines as all user attributes. */
  attributes?: string[];
  controls?: RequestControl[];
  /** 0 = no limit (a persistent search must not be cut by the client's own limit). */
  sizeLimit?: number;
  /** Seconds; 0 = no limit. */
  timeLimit?: number;
  typesOnly?: boolean;
  derefAliases?: 'never' | 'search' | 'find' | 'always';
}

const scopes: Record<SearchScope, number> = { base: 0, one: 1, sub: 2 };
const derefs = { never: 0, search: 1, find: 2, always: 3 } as const;

/** LDAP_VERSION3 (RFC 4511 section 4.2). */
const LDAP_VERSION = 3;
/** AuthenticationChoice simple [0] OCTET STRING, primitive context tag. */
const AUTH_SIMPLE = 0x80;
/** ExtendedRequest requestName [0] LDAPOID. */
const EXT_REQUEST_NAME = 0x80;
/** RFC 4511 section 4.14.1. */
export const STARTTLS_OID = '1.3.6.1.4.1.1466.20037';

function writeControls(w: Writer, controls: RequestControl[] | undefined): void {
  if (!controls?.length) return;
  w.startSequence(0xa0); // controls [0] Controls
  for (const c of controls) {
    w.startSequence();
    w.writeString(c.oid);
    // criticality BOOLEAN DEFAULT FALSE: DER leaves a default value out (X.690 11.5).
    if (c.critical) w.writeBoolean(true);
    if (c.value !== undefined) writeOctets(w, c.value);
    w.endSequence();
  }
  w.endSequence();
}

function envelope(messageId: number, body: (w: Writer) => void, controls?: RequestControl[]): Buffer {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(messageId);
  body(w);
  writeControls(w, controls);
  w.endSequence();
  return w.buffer;
}

/** BindRequest with simple authentication; an empty DN and password is the anonymous bind. */
export function encodeSimpleBind(messageId: number, dn: string, password: string): Buffer {
  return envelope(messageId, (w) => {
    w.startSequence(Op.BindRequest);
    w.writeInt(LDAP_VERSION);
    w.writeString(dn);
    writeOctets(w, Buffer.from(password, 'utf8'), AUTH_SIMPLE);
    w.endSequence();
  });
}

export function encodeSearch(messageId: number, spec: SearchRequestSpec): Buffer {
  const filter = FilterParser.parseString(spec.filter ?? '(objectClass=*)');
  return envelope(
    messageId,
    (w) => {
      w.startSequence(Op.SearchRequest);
      w.writeString(spec.base);
      w.writeEnumeration(scopes[spec.scope ?? 'sub']);
      w.writeEnumeration(derefs[spec.derefAliases ?? 'never']);
      w.writeInt(spec.sizeLimit ?? 0);
      w.writeInt(spec.timeLimit ?? 0);
      w.writeBoolean(spec.typesOnly ?? false);
      filter.write(w);
      w.startSequence();
      for (const a of spec.attributes ?? []) w.writeString(a);
      w.endSequence();
      w.endSequence();
    },
    spec.controls,
  );
}

/** AbandonRequest ::= [APPLICATION 16] MessageID: an INTEGER with the application tag in place of 0x02. */
export function encodeAbandon(messageId: number, abandonId: number): Buffer {
  return envelope(messageId, (w) => w.writeInt(abandonId, Op.AbandonRequest));
}

/** UnbindRequest ::= [APPLICATION 2] NULL: tag 0x42, length 0. */
export function encodeUnbind(messageId: number): Buffer {
  return envelope(messageId, (w) => {
    w.writeByte(Op.UnbindRequest);
    w.writeByte(0);
  });
}

export function encodeExtended(messageId: number, oid: string): Buffer {
  return envelope(messageId, (w) => {
    w.startSequence(Op.ExtendedRequest);
    w.writeString(oid, EXT_REQUEST_NAME);
    w.endSequence();
  });
}

/** RFC 2696 Simple Paged Results Manipulation. */
export const PAGED_RESULTS_OID = '1.2.840.113556.1.4.319';

/** realSearchControlValue ::= SEQUENCE { size INTEGER, cookie OCTET STRING } (RFC 2696 section 2). */
export function pagedResultsControl(pageSize: number, cookie: Buffer): RequestControl {
  const w = new BerWriter();
  w.startSequence();
  w.writeInt(pageSize);
  writeOctets(w, cookie);
  w.endSequence();
  // Not critical: a server without paging answers the whole search, or refuses it with a size-limit error that says so.
  return { oid: PAGED_RESULTS_OID, value: w.buffer };
}

/** The cookie of the paged-results response control; undefined when the server sent none (it did not page). */
export function pagedResultsCookie(controls: readonly { oid: string; value?: Buffer }[]): Buffer | undefined {
  const c = controls.find((x) => x.oid === PAGED_RESULTS_OID);
  if (!c?.value) return undefined;
  const seq = new Cursor(single(c.value, Tag.Sequence, 'paged results control').value, 'paged results control');
  integer(seq.required(Tag.Integer, 'size'), 'paged results size');
  return seq.required(Tag.OctetString, 'cookie');
}
