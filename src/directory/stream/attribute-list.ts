import { BerDecodeError } from './ber.js';

/**
 * Reading an encoded PartialAttributeList (RFC 4511 section 4.5.2) in place:
 *
 *   PartialAttributeList ::= SEQUENCE OF SEQUENCE { type AttributeDescription, vals SET OF AttributeValue }
 *
 * A bulk read keeps each entry's attributes as the bytes the server sent and decodes them only when
 * asked: at steady state most users are unchanged, and recognising one needs its DN, its
 * identifier and a digest of those bytes, not a string per value. `checkAttributeList` walks the
 * list once when the message arrives, so a malformed entry fails the read there and the lazy
 * accessors below never meet bad lengths.
 */

/** Content start and length of the element last read by `header` (module state: no allocation per element). */
let contentStart = 0;
let contentLength = 0;

/**
 * Reads the tag and length at pos and checks them against end. `what` names the element and `of`
 * (an entry's DN) what it belongs to; they are joined only for an error, because the happy path
 * runs once per value (about a million times in a large sync) and a template string per call was
 * a tenth of everything a first sync allocated.
 */
export function header(buf: Buffer, pos: number, end: number, tag: number, what: string, of?: string): void {
  if (pos + 2 > end) throw berError(what, of, 'truncated', pos);
  if (buf[pos] !== tag) throw berError(what, of, `expected tag 0x${tag.toString(16)}, got 0x${buf[pos].toString(16)}`, pos);
  let p = pos + 1;
  const first = buf[p++];
  let len = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4) throw berError(what, of, 'unsupported length form', pos);
    if (p + n > end) throw berError(what, of, 'truncated length', pos);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++];
  }
  if (p + len > end) throw berError(what, of, `length ${len} runs past the end of its container`, pos);
  contentStart = p;
  contentLength = len;
}

function berError(what: string, of: string | undefined, problem: string, pos: number): BerDecodeError {
  return new BerDecodeError(`${of === undefined ? what : `${what} of ${of}`}: ${problem} at offset ${pos}`);
}

export function lastStart(): number {
  return contentStart;
}

export function lastEnd(): number {
  return contentStart + contentLength;
}

const SEQUENCE = 0x30;
const SET = 0x31;
const OCTET_STRING = 0x04;

/** Walks the list (content octets start..end) and throws a BerDecodeError naming the entry if any length or tag is wrong. */
export function checkAttributeList(buf: Buffer, start: number, end: number, dn: string): void {
  let p = start;
  while (p < end) {
    header(buf, p, end, SEQUENCE, 'attribute', dn);
    const attrEnd = lastEnd();
    header(buf, contentStart, attrEnd, OCTET_STRING, 'attribute type', dn);
    header(buf, lastEnd(), attrEnd, SET, 'values of an attribute', dn);
    let v = contentStart;
    const valuesEnd = lastEnd();
    while (v < valuesEnd) {
      header(buf, v, valuesEnd, OCTET_STRING, 'value of an attribute', dn);
      v = lastEnd();
    }
    p = attrEnd;
  }
}

/**
 * Buffer's own utf8Slice and latin1Slice: what toString(encoding, start, end) calls once it has
 * checked its arguments, a check that costs as much as decoding a short value (and a sync decodes
 * about a million). header() has already checked the bounds.
 */
type Slicing = Buffer & { utf8Slice(start: number, end: number): string; latin1Slice(start: number, end: number): string };
const sliceable =
  typeof (Buffer.prototype as Partial<Slicing>).utf8Slice === 'function' && typeof (Buffer.prototype as Partial<Slicing>).latin1Slice === 'function';

export function utf8(buf: Buffer, s: number, e: number): string {
  return sliceable ? (buf as Slicing).utf8Slice(s, e) : buf.toString('utf8', s, e);
}

function latin1(buf: Buffer, s: number, e: number): string {
  return sliceable ? (buf as Slicing).latin1Slice(s, e) : buf.toString('latin1', s, e);
}

function value(buf: Buffer, s: number, e: number, binary: boolean): string | Buffer {
  // A binary value is copied so that it does not keep the whole network chunk alive.
  return binary ? Buffer.from(buf.subarray(s, e)) : utf8(buf, s, e);
}

/** Reads the attribute starting at p up to its type, which is then header()'s last element; returns where the attribute ends. */
function attributeAt(buf: Buffer, p: number, end: number): number {
  header(buf, p, end, SEQUENCE, 'attribute');
  const attrEnd = lastEnd();
  header(buf, contentStart, attrEnd, OCTET_STRING, 'attribute type');
  return attrEnd;
}

/** The lower-cased type attributeAt() just read. */
function typeName(buf: Buffer): string {
  return latin1(buf, contentStart, lastEnd()).toLowerCase();
}

/** Every attribute, keyed by lower-cased description; values of `binary` attributes as Buffers, others as UTF-8 text. */
export function readAttributeList(buf: Buffer, start: number, end: number, binary: ReadonlySet<string>): Map<string, (string | Buffer)[]> {
  const attrs = new Map<string, (string | Buffer)[]>();
  let p = start;
  while (p < end) {
    const attrEnd = attributeAt(buf, p, end);
    const name = typeName(buf);
    header(buf, lastEnd(), attrEnd, SET, 'attribute values');
    const isBinary = binary.has(name);
    let v = contentStart;
    const valuesEnd = lastEnd();
    const earlier = attrs.get(name);
    let values: (string | Buffer)[];
    if (earlier) values = readValues(buf, v, valuesEnd, isBinary, earlier);
    else if (v === valuesEnd) values = [];
    else {
      // Most attributes hold one value: a literal of one is sized to fit, where push() on [] reserves
      // 17 slots (V8's first growth step), which was most of what decoding a large directory allocated.
      header(buf, v, valuesEnd, OCTET_STRING, 'attribute value');
      const first = value(buf, contentStart, lastEnd(), isBinary);
      v = lastEnd();
      values = v === valuesEnd ? [first] : readValues(buf, v, valuesEnd, isBinary, [first]);
    }
    attrs.set(name, values);
    p = attrEnd;
  }
  return attrs;
}

function readValues(buf: Buffer, v: number, valuesEnd: number, isBinary: boolean, values: (string | Buffer)[]): (string | Buffer)[] {
  while (v < valuesEnd) {
    header(buf, v, valuesEnd, OCTET_STRING, 'attribute value');
    values.push(value(buf, contentStart, lastEnd(), isBinary));
    v = lastEnd();
  }
  return values;
}

/** ASCII case-insensitive comparison of buf[s, s+len) with a lower-case name. */
function sameName(buf: Buffer, s: number, len: number, lower: string): boolean {
  if (len !== lower.length) return false;
  for (let i = 0; i < len; i++) {
    let c = buf[s + i];
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** The first value of one attribute (lower-cased name) without decoding the others; undefined when absent or empty. */
export function firstValue(buf: Buffer, start: number, end: number, lower: string, binary: boolean): string | Buffer | undefined {
  let p = start;
  while (p < end) {
    const attrEnd = attributeAt(buf, p, end);
    if (sameName(buf, contentStart, contentLength, lower)) {
      header(buf, lastEnd(), attrEnd, SET, 'attribute values');
      if (contentLength === 0) return undefined;
      header(buf, contentStart, lastEnd(), OCTET_STRING, 'attribute value');
      return value(buf, contentStart, lastEnd(), binary);
    }
    p = attrEnd;
  }
  return undefined;
}

/** The attribute descriptions in the list, lower-cased, without decoding any value. */
export function attributeNames(buf: Buffer, start: number, end: number): string[] {
  const names: string[] = [];
  let p = start;
  while (p < end) {
    const attrEnd = attributeAt(buf, p, end);
    const name = typeName(buf);
    if (!names.includes(name)) names.push(name);
    p = attrEnd;
  }
  return names;
}
