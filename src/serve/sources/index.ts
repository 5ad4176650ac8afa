import type { DirectoryConfig } from '../../config/load.js';
import type { ChangeSource } from '../change-source.js';
import { DirSyncSource, UsnSource } from './active-directory.js';
import { TimestampPollSource } from './timestamp-poll.js';

/** The change source for a directory, from its type and `continuous.changes`. */
export function sourceFor(cfg: DirectoryConfig): ChangeSource | undefined {
  switch (cfg.continuous.changes) {
    case 'off':
      return undefined;
    case 'timestamp':
      return new TimestampPollSource();
    case 'usn':
      return new UsnSource();
    case 'dirsync':
      return new DirSyncSource();
    default:
      return cfg.type === 'active-directory' ? new DirSyncSource() : new TimestampPollSource();
  }
}
