import { attributeNames, firstValue, readAttributeList } from './stream/attribute-list.js';

/** Where a bulk-read entry's encoded attribute list lies (see src/directory/stream/attribute-list.ts). */
interface Encoded {
  buf: Buffer;
  start: number;
  end: number;
  binary: ReadonlySet<string>;
}

/**
 * A search result entry with case-insensitive attribute access. Servers answer with their own
 * spelling of attribute names (sAMAccountName for samaccountname), so every lookup goes through the
 * lower-cased name.
 */
export class DirectoryEntry {
  readonly dn: string;
  /** Decoded attributes; undefined until first needed for an entry that is still `#encoded`. */
  #decoded: Map<string, (string | Buffer)[]> | undefined;
  #encoded: Encoded | undefined;
  /**
   * The entry exactly as the server encoded it (DN and attributes), when it was read by a bulk
   * search: two reads of an unchanged entry give the same bytes, so a digest of them recognises an
   * unchanged user without mapping it.
   */
  readonly source: Buffer | undefined;

  constructor(dn: string, attrs: Iterable<[string, (string | Buffer)[]]>, source?: Buffer, encoded?: Encoded) {
    this.dn = dn;
    this.source = source;
    if (encoded) {
      this.#encoded = encoded;
      return;
    }
    this.#decoded = new Map();
    for (const [name, values] of attrs) this.#decoded.set(name.toLowerCase(), values);
  }

  /**
   * An entry from a bulk read whose attribute list (already checked, src/directory/stream/entry-decoder.ts)
   * is decoded on first use; `string()` and `buffer()` read single attributes without decoding the rest.
   */
  static encoded(dn: string, source: Buffer, buf: Buffer, start: number, end: number, binary: ReadonlySet<string>): DirectoryEntry {
    return new DirectoryEntry(dn, [], source, { buf, start, end, binary });
  }

  get #attrs(): Map<string, (string | Buffer)[]> {
    if (!this.#decoded) {
      const enc = this.#encoded!;
      this.#decoded = readAttributeList(enc.buf, enc.start, enc.end, enc.binary);
      this.#encoded = undefined;
    }
    return this.#decoded;
  }

  #first(name: string): string | Buffer | undefined {
    const enc = this.#encoded;
    if (enc) {
      const lower = name.toLowerCase();
      return firstValue(enc.buf, enc.start, enc.end, lower, enc.binary.has(lower));
    }
    return this.#attrs.get(name.toLowerCase())?.[0];
  }

  has(name: string): boolean {
    return (this.#attrs.get(name.toLowerCase())?.length ?? 0) > 0;
  }

  strings(name: string): string[] {
    const v = this.#attrs.get(name.toLowerCase());
    if (!v) return [];
    return v.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : x));
  }

  string(name: string): string | undefined {
    const first = this.#first(name);
    if (first === undefined) return undefined;
    return typeof first === 'string' ? first : first.toString('utf8');
  }

  buffer(name: string): Buffer | undefined {
    const first = this.#first(name);
    if (first === undefined) return undefined;
    return Buffer.isBuffer(first) ? first : Buffer.from(first, 'latin1');
  }

  /** The values as the server sent them (strings or bytes); [] when absent. */
  raw(name: string): (string | Buffer)[] {
    return this.#attrs.get(name.toLowerCase()) ?? [];
  }

  /** Attribute names present, lower-cased; used to find ranged values such as member;range=0-1499. */
  names(): string[] {
    const enc = this.#encoded;
    return enc ? attributeNames(enc.buf, enc.start, enc.end) : [...this.#attrs.keys()];
  }

  set(name: string, values: (string | Buffer)[]): void {
    this.#attrs.set(name.toLowerCase(), values);
  }

  delete(name: string): void {
    this.#attrs.delete(name.toLowerCase());
  }
}
