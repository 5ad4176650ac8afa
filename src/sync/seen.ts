/** A store user of the directory as a full sync first reads it: [id, external id, source digest]. */
export type KnownUser = readonly [id: number, externalId: string, hash: string | null];

/**
 * The directory identities (external ids) a run has met: a second entry with the same id is not
 * planned twice, and at the end the directory's users the run did not meet are the ones that left.
 *
 * Users the store already had (`known`, read when the run starts) are marked by store id in a byte
 * array. At steady state that is nearly everyone, and adding 100,000 id strings to a Set cost more
 * than the rest of recognising an unchanged user; other ids (new users) go in a Set.
 */
export class SeenIds {
  readonly #others = new Set<string>();
  #marks = new Uint8Array(0);

  constructor(private readonly known?: ReadonlyMap<string, KnownUser>) {}

  /** Marks a known user by store id; false when the run has met them already. */
  markKnown(userId: number): boolean {
    if (userId >= this.#marks.length) {
      const grown = new Uint8Array(Math.max(userId + 1, this.#marks.length * 2, 1024));
      grown.set(this.#marks);
      this.#marks = grown;
    }
    if (this.#marks[userId]) return false;
    this.#marks[userId] = 1;
    return true;
  }

  /** True when the run has met the known user with this store id. */
  metKnown(userId: number): boolean {
    return userId < this.#marks.length && this.#marks[userId] === 1;
  }

  add(externalId: string): void {
    const k = this.known?.get(externalId);
    if (k) this.markKnown(k[0]);
    else this.#others.add(externalId);
  }

  has(externalId: string): boolean {
    const k = this.known?.get(externalId);
    return k ? this.metKnown(k[0]) : this.#others.has(externalId);
  }
}
