/**
 * A search result entry with case-insensitive attribute access. Servers answer with their own
 * spelling of attribute names (sAMAccountName for samaccountname), so every lookup goes through the
 * lower-cased name.
 */
export class DirectoryEntry {
  readonly dn: string;
  #attrs: Map<string, (string | Buffer)[]>;
  /**
   * The entry exactly as the server encoded it (DN and attributes), when it was read by a bulk
   * search: two reads of an unchanged entry give the same bytes, so a digest of them recognises an
   * unchanged user without mapping it.
   */
  source: Buffer | undefined;

  constructor(dn: string, attrs: Iterable<[string, (string | Buffer)[]]>) {
    this.dn = dn;
    this.#attrs = new Map();
    for (const [name, values] of attrs) this.#attrs.set(name.toLowerCase(), values);
  }

  /** From a decoder that already keys the values by lower-cased name (src/directory/stream/entry-decoder.ts). */
  static decoded(dn: string, attrs: Map<string, (string | Buffer)[]>, source: Buffer): DirectoryEntry {
    const e = new DirectoryEntry(dn, []);
    e.#attrs = attrs;
    e.source = source;
    return e;
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
    const v = this.#attrs.get(name.toLowerCase());
    if (!v?.length) return undefined;
    const first = v[0];
    return typeof first === 'string' ? first : first.toString('utf8');
  }

  buffer(name: string): Buffer | undefined {
    const v = this.#attrs.get(name.toLowerCase());
    if (!v?.length) return undefined;
    const first = v[0];
    return Buffer.isBuffer(first) ? first : Buffer.from(first, 'latin1');
  }

  /** The values as the server sent them (strings or bytes); [] when absent. */
  raw(name: string): (string | Buffer)[] {
    return this.#attrs.get(name.toLowerCase()) ?? [];
  }

  /** Attribute names present, lower-cased; used to find ranged values such as member;range=0-1499. */
  names(): string[] {
    return [...this.#attrs.keys()];
  }

  set(name: string, values: (string | Buffer)[]): void {
    this.#attrs.set(name.toLowerCase(), values);
  }

  delete(name: string): void {
    this.#attrs.delete(name.toLowerCase());
  }
}
