import { findDirectory, loadConfig, type DirectoryConfig, type IdsyncConfig } from '../config/load.js';
import { Store } from '../store/db.js';

export interface GlobalOptions {
  config?: string;
}

export interface Context {
  config: IdsyncConfig;
  store: Store;
}

export async function withStore<T>(opts: GlobalOptions, fn: (ctx: Context) => Promise<T>): Promise<T> {
  const config = loadConfig(opts.config);
  const store = await Store.open(config.store);
  try {
    return await fn({ config, store });
  } finally {
    await store.close();
  }
}

export function selectDirectories(config: IdsyncConfig, name?: string): DirectoryConfig[] {
  if (name) return [findDirectory(config, name)];
  return config.directories;
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
