import asn1 from 'asn1';
import { Control } from 'ldapts';
import type { ReadEntry } from './connection.js';

const { BerWriter } = asn1;
type Writer = InstanceType<typeof BerWriter>;
type Reader = InstanceType<typeof asn1.BerReader>;

/** RFC 4527 section 3.2: the Post-Read control. */
export const POST_READ_OID = '1.3.6.1.1.13.2';

/**
 * The Post-Read control (RFC 4527): the server answers an add or modify with the entry as it is
 * after the write, so a new entry's id (entryUUID) comes back with the add instead of costing a
 * search of its own. Not critical: a server that does not know it writes all the same and
 * answers without it; `entry` then stays undefined and the caller reads the entry as before.
 *
 * ldapts hands a response control of a type it does not know to the request control of the same
 * type (ControlParser), so the answer lands in this object: one instance per request.
 */
export class PostReadControl extends Control {
  /** The entry after the write, when the server sent it. */
  entry?: ReadEntry;
  readonly #attributes: string[];

  constructor(attributes: string[]) {
    super(POST_READ_OID, { critical: false });
    this.#attributes = attributes;
  }

  /** controlValue: AttributeSelection ::= SEQUENCE OF selector LDAPString (RFC 4527 section 3.2, RFC 4511 section 4.5.1.8). */
  override writeControl(writer: Writer): void {
    const w = new BerWriter();
    w.startSequence();
    for (const a of this.#attributes) w.writeString(a);
    w.endSequence();
    writer.writeBuffer(w.buffer, 0x04);
  }

  /** controlValue: a SearchResultEntry ([APPLICATION 4], RFC 4511 section 4.5.2). */
  override parseControl(reader: Reader): void {
    if (reader.readSequence(0x64) === null) return;
    const dn = reader.readString() ?? '';
    const attrs: Record<string, string[]> = {};
    if (reader.readSequence() !== null) {
      const end = reader.offset + reader.length;
      while (reader.offset < end) {
        reader.readSequence();
        const type = (reader.readString() ?? '').toLowerCase();
        const values: string[] = [];
        if (reader.readSequence(0x31) !== null) {
          const valuesEnd = reader.offset + reader.length;
          while (reader.offset < valuesEnd) values.push(reader.readString() ?? '');
        }
        if (values.length) attrs[type] = values;
      }
    }
    this.entry = { dn, attrs, binary: {} };
  }
}
