import type { IdsyncConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/db.js';
import { sourceFor } from './sources/index.js';
import { DirectoryWorker } from './worker.js';

/** `idsync serve`: one worker per configured directory, all sharing one store. */
export class SyncService {
  readonly workers = new Map<string, DirectoryWorker>();

  constructor(
    readonly config: IdsyncConfig,
    readonly store: Store,
    readonly log: Logger,
    readonly now?: () => Date,
  ) {
    for (const cfg of config.directories) {
      for (const w of cfg.warnings) log.warn({ directory: cfg.name }, w);
      this.workers.set(cfg.name, new DirectoryWorker(store, cfg, { log, now, source: sourceFor }));
    }
  }

  start(): void {
    for (const w of this.workers.values()) w.start();
    this.log.info({ directories: [...this.workers.keys()] }, 'idsync serve started');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.log.info('idsync serve stopped');
  }
}
