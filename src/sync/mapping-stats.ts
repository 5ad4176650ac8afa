import type { DirectoryConfig } from '../config/load.js';
import type { MappedUser } from './mapping.js';

/** The fields a directory is expected to fill for nearly everyone; phones and notes are often empty by nature. */
const FIELDS = ['fullName', 'firstName', 'lastName', 'email'] as const;
type Field = (typeof FIELDS)[number];

/** Below this many users read, "most" says nothing. */
const MIN_USERS = 3;

/**
 * Counts, over the users a run maps, how many got each field empty (issue 10 item 16). A mapped
 * attribute that is empty for most of them is nearly always a mistake in the mapping (a typo, an
 * attribute this directory does not fill) rather than data: the run and the dry run say so, naming
 * the field and its attribute, instead of importing empty values without a word.
 */
export class MappingStats {
  #users = 0;
  #empty: Record<Field, number> = { fullName: 0, firstName: 0, lastName: 0, email: 0 };

  add(u: MappedUser): void {
    this.#users++;
    for (const f of FIELDS) if (!u[f]) this.#empty[f]++;
  }

  warnings(cfg: DirectoryConfig): string[] {
    if (this.#users < MIN_USERS) return [];
    const out: string[] = [];
    for (const f of FIELDS) {
      const n = this.#empty[f];
      if (n * 2 <= this.#users) continue;
      out.push(
        `attribute mapping: ${f} (from ${cfg.attributes[f]}) is empty for ${n} of ${this.#users} users read; check that this directory fills ` +
          `${cfg.attributes[f]}, or map ${f} to another attribute`,
      );
    }
    return out;
  }
}
