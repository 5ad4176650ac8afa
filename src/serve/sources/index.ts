import type { DirectoryConfig } from '../../config/load.js';
import type { ChangeSource } from '../change-source.js';
import { TimestampPollSource } from './timestamp-poll.js';

/** The change source for a directory, from its type and `continuous.changes`. */
export function sourceFor(cfg: DirectoryConfig): ChangeSource | undefined {
  const mode = cfg.continuous.changes;
  if (mode === 'off') return undefined;
  if (cfg.type === 'openldap') {
    return new TimestampPollSource();
  }
  return new TimestampPollSource();
}
