import { loadConfig, type DirectoryConfig, type IdsyncConfig } from '../config/load.js';
import { DirectoryRegistry } from '../directories/registry.js';
import { IdsyncError } from '../errors.js';
import { createLogger } from '../log.js';
import { Store } from '../store/db.js';
import { runningServe } from '../store/serve-presence.js';

export interface GlobalOptions {
  config?: string;
}

export interface Context {
  config: IdsyncConfig;
  store: Store;
  /** The directories of the file and those created through the admin API, as serve and the API see them. */
  directories: DirectoryRegistry;
}

export async function withStore<T>(opts: GlobalOptions, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const config = loadConfig(opts.config);
  const store = await Store.open(config.store);
  try {
    const log = createLogger(process.env.IDSYNC_LOG_LEVEL ?? 'warn');
    return await fn({ config, store, directories: DirectoryRegistry.forCommands(store, config, log) });
  } finally {
    await store.close();
  }
}

/**
 * The directories of the file and those created through the admin API (stored, issue 10 item 5):
 * what `idsync serve` runs is what the commands see. A stored directory that cannot be used (its
 * password stored under another key) is left out with a log line saying why. A command only
 * reads: passwords an older idsync stored in clear are sealed by serve, not here.
 */
export function allDirectories(ctx: Context): Promise<DirectoryConfig[]> {
  return ctx.directories.configs();
}

export async function selectAllDirectories(ctx: Context, name?: string): Promise<DirectoryConfig[]> {
  const all = await allDirectories(ctx);
  if (!name) return all;
  const d = all.find((x) => x.name === name);
  if (!d)
    throw new IdsyncError(
      'UNKNOWN_DIRECTORY',
      `no directory named "${name}" in the configuration file or created through the admin API (known: ${all.map((x) => x.name).join(', ') || 'none'})`,
    );
  return [d];
}

/**
 * Refuses a write that `idsync serve` must make itself: while it runs, every write for a directory
 * goes through that directory's queue in serve (so an approval never interleaves with a sync or an
 * increment of the same directory), and a second process writing around it would break that.
 */
export async function refuseWhileServing(store: Store, what: string, instead: string): Promise<void> {
  const serve = await runningServe(store, clock()());
  if (!serve) return;
  throw new IdsyncError(
    'SYNC_ALREADY_RUNNING',
    `idsync serve is running on this store (process ${serve.pid} on ${serve.host}${serve.api ? `, admin API at ${serve.api}` : ''}), and its directory ` +
      `queues make every write; ${what} from here would bypass them. ${instead}`,
  );
}

/** Injectable clock for tests and operators replaying a date: IDSYNC_NOW=2026-12-01T00:00:00Z. */
export function clock(): () => Date {
  const fixed = process.env.IDSYNC_NOW;
  if (!fixed) return () => new Date();
  const at = new Date(fixed);
  if (Number.isNaN(at.getTime())) throw new Error(`IDSYNC_NOW is not a date: ${fixed}`);
  const offset = at.getTime() - Date.now();
  return () => new Date(Date.now() + offset);
}
