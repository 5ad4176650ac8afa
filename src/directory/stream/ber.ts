import asn1 from 'asn1';

/**
 * The few BER (X.690) reading primitives the stream layer needs, on top of the `asn1` package.
 *
 * Decoding goes element by element: `elements()` splits the content of a constructed value into
 * its tag-length-value triples, and each decoder matches on tags. This is easier to check against
 * the ASN.1 in the RFCs than a cursor-based reader, copes with OPTIONAL and DEFAULT fields by
 * simply looking at the next tag, and never reads past the end of the enclosing element.
 */

const { BerReader } = asn1;

export const Tag = {
  Boolean: 0x01,
  Integer: 0x02,
  OctetString: 0x04,
  Enumerated: 0x0a,
  Sequence: 0x30,
  Set: 0x31,
} as const;

export interface Tlv {
  tag: number;
  /** The content octets (for a constructed element: its encoded children). */
  value: Buffer;
}

export class BerDecodeError extends Error {
  override readonly name = 'BerDecodeError';
}

/** Splits a run of encoded elements (the content of a SEQUENCE, SET or the whole buffer) into TLVs. */
export function elements(content: Buffer): Tlv[] {
  const reader = new BerReader(content);
  const out: Tlv[] = [];
  while (reader.remain > 0) {
    const tag = reader.peek();
    if (tag === null || tag === 0 || (tag & 0x1f) === 0x1f) {
      throw new BerDecodeError(`unsupported BER tag 0x${(tag ?? 0).toString(16)} at offset ${reader.offset}`);
    }
    let value: Buffer | null;
    try {
      // readString(tag, true) returns the content octets of any element with that tag, primitive or not.
      value = reader.readString(tag, true);
    } catch (err) {
      throw new BerDecodeError(`malformed BER at offset ${reader.offset}: ${(err as Error).message}`);
    }
    if (value === null) throw new BerDecodeError(`truncated BER element (tag 0x${tag.toString(16)}) at offset ${reader.offset}`);
    out.push({ tag, value });
  }
  return out;
}

/** The one element a buffer must consist of (e.g. a control value). */
export function single(buf: Buffer, tag: number, what: string): Tlv {
  const els = elements(buf);
  if (els.length !== 1 || els[0].tag !== tag) {
    throw new BerDecodeError(
      `${what}: expected one element with tag 0x${tag.toString(16)}, got ${els.map((e) => `0x${e.tag.toString(16)}`).join(',') || 'nothing'}`,
    );
  }
  return els[0];
}

/** INTEGER or ENUMERATED content (two's complement, big-endian), up to 6 bytes. */
export function integer(content: Buffer, what: string): number {
  if (content.length === 0 || content.length > 6) throw new BerDecodeError(`${what}: integer of ${content.length} bytes`);
  return content.readIntBE(0, content.length);
}

/** BOOLEAN content: BER allows any non-zero octet for TRUE (X.690 8.2.2); DER uses 0xFF. */
export function boolean(content: Buffer, what: string): boolean {
  if (content.length !== 1) throw new BerDecodeError(`${what}: boolean of ${content.length} bytes`);
  return content[0] !== 0;
}

/** Takes the next element if it has the given tag (OPTIONAL / DEFAULT fields). */
export class Cursor {
  #els: Tlv[];
  #i = 0;
  readonly what: string;

  constructor(content: Buffer, what: string) {
    this.#els = elements(content);
    this.what = what;
  }

  peekTag(): number | undefined {
    return this.#els[this.#i]?.tag;
  }

  optional(tag: number): Buffer | undefined {
    const el = this.#els[this.#i];
    if (el?.tag !== tag) return undefined;
    this.#i++;
    return el.value;
  }

  required(tag: number, field: string): Buffer {
    const v = this.optional(tag);
    if (v === undefined) {
      const got = this.peekTag();
      throw new BerDecodeError(
        `${this.what}: missing ${field} (expected tag 0x${tag.toString(16)}, got ${got === undefined ? 'end' : `0x${got.toString(16)}`})`,
      );
    }
    return v;
  }

  /** Everything not consumed yet (for SEQUENCE OF / trailing extension fields). */
  rest(): Tlv[] {
    const r = this.#els.slice(this.#i);
    this.#i = this.#els.length;
    return r;
  }

  /** RFC 4511 section 4 and X.680 extensibility: unknown trailing elements are ignored, not errors. */
  get done(): boolean {
    return this.#i >= this.#els.length;
  }
}

/** A copy detached from the (possibly large) network chunk it was sliced from. */
export function detach(buf: Buffer): Buffer {
  return Buffer.from(buf);
}

type Writer = InstanceType<typeof asn1.BerWriter>;

/** An OCTET STRING (or implicitly tagged one) from bytes; asn1's writeBuffer refuses an empty buffer. */
export function writeOctets(w: Writer, value: Buffer, tag: number = Tag.OctetString): void {
  if (value.length > 0) {
    w.writeBuffer(value, tag);
    return;
  }
  w.writeByte(tag);
  w.writeByte(0);
}
