import type { DirectoryConfig } from '../../config/load.js';
import type { ChangeSource } from '../change-source.js';
import { DirSyncSource, UsnSource } from './active-directory.js';
import { ContentSyncSource } from './content-sync.js';
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
    case 'content-sync':
      return new ContentSyncSource(true);
    case 'content-sync-poll':
      return new ContentSyncSource(false);
    default:
      // auto: the push or delta mechanism, each falling back by itself when the server refuses it.
      return cfg.type === 'active-directory' ? new DirSyncSource() : new ContentSyncSource(true);
  }
}
