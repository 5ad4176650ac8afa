import type { Entry } from 'ldapts';

/**
 * A search result entry with case-insensitive attribute access. Servers answer with their own
 * spelling of attribute names (sAMAccountName for samaccountname) and ldapts keys entries by what
 * the server sent, so every lookup goes through the lower-cased name.
 */
export class DirectoryEntry {
  readonly dn: string;
  readonly #attrs = new Map<string, (string | Buffer)[]>();

  constructor(dn: string, attrs: Iterable<[string, (string | Buffer)[]]>) {
    this.dn = dn;
    for (const [name, values] of attrs) this.#attrs.set(name.toLowerCase(), values);
  }

  static fromLdapts(entry: Entry): DirectoryEntry {
    const pairs: [string, (string | Buffer)[]][] = [];
    for (const key of Object.keys(entry)) {
      if (key === 'dn') continue;
      const v = entry[key];
      // ldapts adds requested-but-absent attributes as []: they mean "no value", which is what we want.
      pairs.push([key, Array.isArray(v) ? (v as (string | Buffer)[]) : [v as string | Buffer]]);
    }
    return new DirectoryEntry(entry.dn, pairs);
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
    const v = this.strings(name);
    return v.length ? v[0] : undefined;
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
